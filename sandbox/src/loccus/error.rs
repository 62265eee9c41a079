//! The Hiya-wide error shape Loccus answers with, and the body/query parsing
//! helpers that produce it. Used by every Loccus handler; imports no other
//! Loccus module.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::clock::{parse_rfc3339, truncate_micros};
use crate::http_util::{BodyProblem, Field, field, json, json_object};
use crate::token::uuid_v4;

/// A Hiya-shaped error:
/// `{"error": {"id": "<uuid>", "code": <status>, "errors": [{"message": "..."}]}}`.
#[derive(Debug)]
pub(super) struct HiyaError {
    status: StatusCode,
    message: String,
}

impl HiyaError {
    pub(super) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    pub(super) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub(super) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }
}

impl IntoResponse for HiyaError {
    fn into_response(self) -> Response {
        json(
            self.status,
            json!({ "error": {
                "id": uuid_v4(),
                "code": self.status.as_u16(),
                "errors": [{ "message": self.message }],
            }}),
        )
    }
}

/// Parses a JSON object body; 415 for a non-JSON content type, else 400.
pub(super) fn body_object(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Map<String, Value>, HiyaError> {
    json_object(headers, body).map_err(|problem| match problem {
        BodyProblem::ContentType => {
            HiyaError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, problem.to_string())
        }
        other => HiyaError::bad_request(other.to_string()),
    })
}

/// Reads a required string with a length range (in characters).
pub(super) fn bounded(
    body: &Map<String, Value>,
    key: &str,
    min: usize,
    max: usize,
) -> Result<String, HiyaError> {
    match field(body, key) {
        Field::Text(s) if (min..=max).contains(&s.chars().count()) => Ok(s),
        Field::Text(_) => Err(HiyaError::bad_request(format!(
            "`{key}` must be {min}-{max} characters long"
        ))),
        Field::WrongType => Err(HiyaError::bad_request(format!("`{key}` must be a string"))),
        Field::Missing | Field::Null => Err(HiyaError::bad_request(format!("`{key}` is required"))),
    }
}

/// Parses an RFC 3339 query value into microsecond precision.
pub(super) fn query_time(name: &str, value: &str) -> Result<OffsetDateTime, HiyaError> {
    parse_rfc3339(value).map(truncate_micros).ok_or_else(|| {
        HiyaError::bad_request(format!(
            "`{name}` must be an RFC 3339 date-time, got `{value}`"
        ))
    })
}
