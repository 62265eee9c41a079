//! CoopFin Network: `POST /sandbox/token` plus a sandbox-only `whoami` probe.
//!
//! Errors are `{"error": "<text>"}`.
//!
//! Owns its [`State`] (issued access tokens) and builds its router with it.

use std::collections::HashMap;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{OriginalUri, State as AxState};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use crate::clock::{ceil_secs, deadline, millis};
use crate::http_util::{
    Field, bearer_token, field, header, json, json_object, no_route_message, wrong_method_message,
};
use crate::state::{Provider, ProviderState};
use crate::token::{fake_jwt, random_alnum, random_hex};

/// Issued access tokens.
#[derive(Debug, Default)]
pub(crate) struct State {
    tokens: HashMap<String, Issued>,
}

#[derive(Debug)]
struct Issued {
    api_key: String,
    expires_at: Instant,
}

/// What this provider's handlers get: the shared pieces plus [`State`].
pub(crate) type App = ProviderState<State>;

/// Routes relative to `/coopfin/v1`.
pub(crate) fn router(app: App) -> Router {
    Router::new()
        .route("/sandbox/token", post(issue_token))
        .route("/_sandbox/whoami", get(whoami))
        .fallback(not_found)
        .method_not_allowed_fallback(wrong_method)
        .with_state(app)
}

/// A CoopFin error: `{"error": "<message>"}` with `status`.
#[derive(Debug)]
struct Error {
    status: StatusCode,
    message: String,
}

impl Error {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    fn bad_request(detail: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            format!("Invalid request: {detail}"),
        )
    }

    fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        json(self.status, json!({ "error": self.message }))
    }
}

/// Reads a required, non-empty string field.
fn required(body: &Map<String, Value>, key: &str) -> Result<String, Error> {
    match field(body, key) {
        Field::Text(s) if !s.is_empty() => Ok(s),
        Field::Text(_) => Err(Error::bad_request(format_args!(
            "`{key}` must not be empty"
        ))),
        Field::Missing | Field::Null => {
            Err(Error::bad_request(format_args!("`{key}` is required")))
        }
        Field::WrongType => Err(Error::bad_request(format_args!("`{key}` must be a string"))),
    }
}

async fn issue_token(
    AxState(app): AxState<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Error> {
    app.token_endpoint_delay().await;
    let object = json_object(&headers, &body).map_err(Error::bad_request)?;
    let api_key = required(&object, "api_key")?;
    let secret_key = required(&object, "secret_key")?;
    let creds = &app.config.credentials.coopfin;
    if api_key != creds.api_key || secret_key != creds.secret_key {
        return Err(Error::new(StatusCode::BAD_REQUEST, "Invalid credentials"));
    }

    let ttl = app.config.coopfin_token_ttl;
    let now = app.clock.now();
    let iat = app.clock.unix_secs();
    let expires_in = ceil_secs(ttl);
    let token = fake_jwt(&json!({
        "iss": "http://auth-sandbox.invalid/coopfin",
        "user_id": random_alnum(40),
        "iat": iat,
        "exp": iat.saturating_add(expires_in),
        "jti": random_hex(16),
    }));
    {
        let mut state = app.lock();
        state.tokens.retain(|_, issued| issued.expires_at > now);
        state.tokens.insert(
            token.clone(),
            Issued {
                api_key,
                expires_at: deadline(now, ttl),
            },
        );
    }
    app.counters.token_issued(Provider::Coopfin);
    Ok(json(
        StatusCode::OK,
        json!({ "token_type": "Bearer", "token": token, "expires_in": expires_in }),
    ))
}

async fn whoami(AxState(app): AxState<App>, headers: HeaderMap) -> Result<Response, Error> {
    let value = header(&headers, "authorization")
        .map_err(|problem| Error::unauthorized(problem.to_string()))?
        .ok_or_else(|| Error::unauthorized("Missing Authorization header"))?;
    let token = bearer_token(value)
        .ok_or_else(|| Error::unauthorized("Authorization must be `Bearer <token>`"))?;
    let now = app.clock.now();
    let state = app.lock();
    match state.tokens.get(token) {
        None => Err(Error::unauthorized("Unknown token")),
        Some(issued) if issued.expires_at <= now => Err(Error::unauthorized("Token expired")),
        Some(issued) => Ok(json(
            StatusCode::OK,
            json!({
                "api_key": issued.api_key,
                "token_expires_in_ms": millis(issued.expires_at.duration_since(now)),
            }),
        )),
    }
}

async fn not_found(method: Method, OriginalUri(uri): OriginalUri) -> Error {
    Error::new(StatusCode::NOT_FOUND, no_route_message(&method, uri.path()))
}

async fn wrong_method(method: Method, OriginalUri(uri): OriginalUri) -> Error {
    Error::new(
        StatusCode::METHOD_NOT_ALLOWED,
        wrong_method_message(&method, uri.path()),
    )
}
