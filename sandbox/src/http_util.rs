//! Provider-neutral request helpers. Every helper is total: bad input becomes
//! an error value that the provider module turns into its own error shape.

use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

/// Why a header could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum HeaderProblem {
    /// The value is not visible ASCII (e.g. non-UTF-8 bytes).
    #[error("header `{0}` is not valid visible ASCII text")]
    NotText(&'static str),
    /// The header was sent more than once.
    #[error("header `{0}` was sent more than once")]
    Repeated(&'static str),
}

/// Reads a single-valued text header; `Ok(None)` when absent.
pub(crate) fn header<'a>(
    headers: &'a HeaderMap,
    name: &'static str,
) -> Result<Option<&'a str>, HeaderProblem> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(HeaderProblem::Repeated(name));
    }
    first
        .to_str()
        .map(Some)
        .map_err(|_| HeaderProblem::NotText(name))
}

/// The token of an `Authorization: Bearer <token>` value (scheme matched
/// case-insensitively, surrounding spaces ignored); `None` for any other form.
pub(crate) fn bearer_token(value: &str) -> Option<&str> {
    let value = value.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && !token.contains(' '))
        .then_some(token)
}

/// Whether the request declares a JSON body (`application/json`, parameters
/// such as `charset` allowed).
pub(crate) fn has_json_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

/// Why a JSON request body was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum BodyProblem {
    /// Missing or non-JSON `Content-Type`.
    #[error("Content-Type must be application/json")]
    ContentType,
    /// The bytes are not JSON.
    #[error("request body is not valid JSON: {0}")]
    Syntax(String),
    /// Valid JSON, but not an object.
    #[error("request body must be a JSON object")]
    NotObject,
}

/// Parses a JSON object body, requiring a JSON `Content-Type`.
pub(crate) fn json_object(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Map<String, Value>, BodyProblem> {
    if !has_json_content_type(headers) {
        return Err(BodyProblem::ContentType);
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(BodyProblem::NotObject),
        Err(e) => Err(BodyProblem::Syntax(e.to_string())),
    }
}

/// A field read out of a JSON object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Field {
    /// Key absent.
    Missing,
    /// Key present with JSON `null`.
    Null,
    /// Key present with a string.
    Text(String),
    /// Key present with another JSON type.
    WrongType,
}

/// Reads `key` from `map` as a string field.
pub(crate) fn field(map: &Map<String, Value>, key: &str) -> Field {
    match map.get(key) {
        None => Field::Missing,
        Some(Value::Null) => Field::Null,
        Some(Value::String(s)) => Field::Text(s.clone()),
        Some(_) => Field::WrongType,
    }
}

/// Decodes a raw query string into pairs (lossy, never fails).
pub(crate) fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    })
    .unwrap_or_default()
}

/// A JSON response.
pub(crate) fn json(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// Human-readable text for unmatched routes, naming method and path.
pub(crate) fn no_route_message(method: &Method, path: &str) -> String {
    format!("no sandbox route for {method} {path}")
}

/// Human-readable text for a known path with the wrong method.
pub(crate) fn wrong_method_message(method: &Method, path: &str) -> String {
    format!("method {method} is not allowed on {path}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn bearer_parsing() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer  abc "), Some("abc"));
        assert_eq!(bearer_token("Bearer"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("Token abc"), None);
        assert_eq!(bearer_token("abc"), None);
    }

    #[test]
    fn header_rejects_binary_and_repeats() {
        let mut map = HeaderMap::new();
        map.insert("x-a", HeaderValue::from_bytes(b"\xff\xfe").unwrap());
        map.append("x-b", HeaderValue::from_static("1"));
        map.append("x-b", HeaderValue::from_static("2"));
        assert_eq!(header(&map, "x-a"), Err(HeaderProblem::NotText("x-a")));
        assert_eq!(header(&map, "x-b"), Err(HeaderProblem::Repeated("x-b")));
        assert_eq!(header(&map, "x-c"), Ok(None));
    }

    #[test]
    fn json_body_rules() {
        let mut h = HeaderMap::new();
        assert_eq!(json_object(&h, b"{}"), Err(BodyProblem::ContentType));
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        assert!(json_object(&h, b"{}").is_ok());
        assert_eq!(json_object(&h, b"[]"), Err(BodyProblem::NotObject));
        assert!(matches!(json_object(&h, b"{"), Err(BodyProblem::Syntax(_))));
    }
}
