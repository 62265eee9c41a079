//! Loccus / Hiya Audio Intelligence: credential sign-in, `GET /user` and the
//! API-key resource under `/user/keys`.
//!
//! Errors use the Hiya-wide shape
//! `{"error": {"id": "<uuid>", "code": <status>, "errors": [{"message": "..."}]}}`.

mod keys;

use std::collections::HashMap;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{OriginalUri, State as AxState};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::macros::datetime;

use crate::clock::{deadline, parse_rfc3339, rfc3339_micros, truncate_micros};
use crate::config::LoccusCredentials;
use crate::http_util::{
    BodyProblem, Field, bearer_token, field, header, json, json_object, no_route_message,
    wrong_method_message,
};
use crate::state::{Provider, ProviderState};
use crate::token::{random_base64, uuid_v4};

/// Latest representable `expiresAt`.
const FAR_FUTURE: OffsetDateTime = datetime!(9999-12-31 23:59:59.999999 UTC);

/// Users, sessions and API keys.
#[derive(Debug)]
pub(crate) struct State {
    users: Vec<User>,
    sessions: HashMap<String, Session>,
    keys: Vec<keys::ApiKey>,
}

#[derive(Debug)]
struct User {
    id: &'static str,
    handle: String,
    password: String,
    alias: Option<&'static str>,
    email: String,
    created_at: &'static str,
}

#[derive(Debug, Clone, Copy)]
struct Session {
    user: usize,
    expires_at: Instant,
}

impl State {
    /// The seeded users, no sessions, no keys.
    pub(crate) fn seeded(creds: &LoccusCredentials) -> Self {
        let users = vec![
            User {
                id: "3f6c1a52-8d1e-4b7a-9c0d-5e2f7a9b1c01",
                handle: creds.handle.clone(),
                password: creds.password.clone(),
                alias: Some("Sandbox User"),
                email: creds.email.clone(),
                created_at: "2024-01-15T09:30:00.000000Z",
            },
            User {
                id: "8a2d4e6f-1b3c-4d5e-8f70-9a1b2c3d4e02",
                handle: creds.second_handle.clone(),
                password: creds.second_password.clone(),
                alias: None,
                email: creds.second_email.clone(),
                created_at: "2024-06-01T12:00:00.000000Z",
            },
        ];
        Self {
            users,
            sessions: HashMap::new(),
            keys: Vec::new(),
        }
    }
}

/// What this provider's handlers get: the shared pieces plus [`State`].
pub(crate) type App = ProviderState<State>;

/// Routes relative to `/loccus/v1`.
pub(crate) fn router(app: App) -> Router {
    Router::new()
        .route("/auth/credentials", post(sign_in))
        .route("/user", get(your_user))
        .route("/user/keys", post(keys::create).get(keys::list))
        .route(
            "/user/keys/{key}",
            get(keys::get_one).patch(keys::update).delete(keys::remove),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(wrong_method)
        .with_state(app)
}

/// A Hiya-shaped error:
/// `{"error": {"id": "<uuid>", "code": <status>, "errors": [{"message": "..."}]}}`.
#[derive(Debug)]
pub(crate) struct HiyaError {
    status: StatusCode,
    message: String,
}

impl HiyaError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    fn unauthorized(message: impl Into<String>) -> Self {
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
fn body_object(headers: &HeaderMap, body: &[u8]) -> Result<Map<String, Value>, HiyaError> {
    json_object(headers, body).map_err(|problem| match problem {
        BodyProblem::ContentType => {
            HiyaError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, problem.to_string())
        }
        other => HiyaError::bad_request(other.to_string()),
    })
}

/// Reads a required string with a length range (in characters).
fn bounded(
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

/// The signed-in user behind the request's bearer token (session or API key).
fn authenticate(app: &App, headers: &HeaderMap) -> Result<usize, HiyaError> {
    let value = header(headers, "authorization")
        .map_err(|problem| HiyaError::unauthorized(problem.to_string()))?
        .ok_or_else(|| HiyaError::unauthorized("missing Authorization header"))?;
    let token = bearer_token(value)
        .ok_or_else(|| HiyaError::unauthorized("Authorization must be `Bearer <token>`"))?;
    let now = app.clock.now();
    let state = app.lock();
    if let Some(session) = state.sessions.get(token) {
        return if session.expires_at > now {
            Ok(session.user)
        } else {
            Err(HiyaError::unauthorized("session expired"))
        };
    }
    state
        .keys
        .iter()
        .find(|k| k.token == token)
        .map(|k| k.owner)
        .ok_or_else(|| HiyaError::unauthorized("invalid token"))
}

async fn sign_in(
    AxState(app): AxState<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, HiyaError> {
    app.token_endpoint_delay().await;
    let object = body_object(&headers, &body)?;
    let handle = bounded(&object, "handle", 1, 50)?;
    let password = bounded(&object, "password", 8, 50)?;
    let ttl = app.config.loccus_session_ttl;
    let now = app.clock.now();
    let issued_at = app.clock.utc_micros();
    let expires_at = time::Duration::try_from(ttl)
        .ok()
        .and_then(|d| issued_at.checked_add(d))
        .map_or(FAR_FUTURE, truncate_micros);
    let token = random_base64(32);
    {
        let mut state = app.lock();
        let user = state
            .users
            .iter()
            .position(|u| u.handle == handle && u.password == password)
            .ok_or_else(|| HiyaError::unauthorized("invalid handle or password"))?;
        state.sessions.retain(|_, s| s.expires_at > now);
        state.sessions.insert(
            token.clone(),
            Session {
                user,
                expires_at: deadline(now, ttl),
            },
        );
    }
    app.counters.token_issued(Provider::Loccus);
    Ok(json(
        StatusCode::OK,
        json!({
            "token": token,
            "issuedAt": rfc3339_micros(issued_at),
            "expiresAt": rfc3339_micros(expires_at),
        }),
    ))
}

async fn your_user(AxState(app): AxState<App>, headers: HeaderMap) -> Result<Response, HiyaError> {
    let user = authenticate(&app, &headers)?;
    let state = app.lock();
    let user = state
        .users
        .get(user)
        .ok_or_else(|| HiyaError::unauthorized("unknown user"))?;
    Ok(json(
        StatusCode::OK,
        json!({
            "id": user.id,
            "handle": user.handle,
            "alias": user.alias,
            "email": user.email,
            "emailVerified": true,
            "state": "verified",
            "orgs": 1,
            "spaces": 2,
            "createdAt": user.created_at,
        }),
    ))
}

/// Parses an RFC 3339 query value into microsecond precision.
fn query_time(name: &str, value: &str) -> Result<OffsetDateTime, HiyaError> {
    parse_rfc3339(value).map(truncate_micros).ok_or_else(|| {
        HiyaError::bad_request(format!(
            "`{name}` must be an RFC 3339 date-time, got `{value}`"
        ))
    })
}

async fn not_found(method: Method, OriginalUri(uri): OriginalUri) -> HiyaError {
    HiyaError::new(StatusCode::NOT_FOUND, no_route_message(&method, uri.path()))
}

async fn wrong_method(method: Method, OriginalUri(uri): OriginalUri) -> HiyaError {
    HiyaError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        wrong_method_message(&method, uri.path()),
    )
}
