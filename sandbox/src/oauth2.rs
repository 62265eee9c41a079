//! A generic OAuth2 authorization server, client-credentials grant only, following RFC 6749
//! to the letter: `POST /token` (§4.4) with the client authenticated by HTTP Basic
//! (§2.3.1, `client_secret_basic`) or by `client_id`/`client_secret` in the form body
//! (`client_secret_post`), never both (§2.3); the §5.1 answer with `Cache-Control: no-store`;
//! §5.2 errors (`invalid_request`, `invalid_client` with 401 and `WWW-Authenticate`,
//! `unsupported_grant_type`, `invalid_scope`). Plus `GET /v1/me`, a resource that takes the
//! bearer token (RFC 6750 errors), so a client's whole flow can run against it.
//!
//! Owns its [`State`] (issued access tokens) and builds its router with it.

use std::collections::HashMap;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State as AxState;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use serde_json::json;

use crate::clock::{ceil_secs, deadline};
use crate::http_util::{bearer_token, header as header_text, json};
use crate::state::{Provider, ProviderState};
use crate::token::random_base64;

/// Issued access tokens.
#[derive(Debug, Default)]
pub(crate) struct State {
    tokens: HashMap<String, Issued>,
}

#[derive(Debug)]
struct Issued {
    client_id: String,
    scope: String,
    expires_at: Instant,
}

/// What this provider's handlers get: the shared pieces plus [`State`].
pub(crate) type App = ProviderState<State>;

/// Routes relative to `/oauth2`.
pub(crate) fn router(app: App) -> Router {
    Router::new()
        .route("/token", post(token))
        .route("/v1/me", get(me))
        .with_state(app)
}

/// An RFC 6749 §5.2 error.
#[derive(Debug)]
struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: String,
    /// `WWW-Authenticate` for `invalid_client`.
    challenge: Option<&'static str>,
}

impl OAuthError {
    fn bad(error: &'static str, description: impl Into<String>) -> Self {
        OAuthError {
            status: StatusCode::BAD_REQUEST,
            error,
            description: description.into(),
            challenge: None,
        }
    }

    fn invalid_client(description: &str) -> Self {
        OAuthError {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_client",
            description: description.into(),
            challenge: Some(r#"Basic realm="auth-sandbox", charset="UTF-8""#),
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let mut r = json(
            self.status,
            json!({"error": self.error, "error_description": self.description}),
        );
        if let Some(c) = self.challenge {
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(c));
        }
        no_store(&mut r);
        r
    }
}

/// §5.1: token answers and their errors are never cached.
fn no_store(r: &mut Response) {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r.headers_mut()
        .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

/// The client's credentials from `Authorization: Basic` (each half form-decoded, §2.3.1).
fn basic_pair(value: &str) -> Result<(String, String), OAuthError> {
    let bad = || OAuthError::invalid_client("malformed HTTP Basic credentials");
    // RFC 7235: the scheme name is case-insensitive.
    let (scheme, b64) = value.trim().split_once(' ').ok_or_else(bad)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(bad());
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let (id, secret) = text.split_once(':').ok_or_else(bad)?;
    let decode = |s: &str| {
        url::form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    Ok((decode(id).ok_or_else(bad)?, decode(secret).ok_or_else(bad)?))
}

async fn token(
    AxState(app): AxState<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    app.token_endpoint_delay().await;
    let form_type = header_text(&headers, "content-type")
        .ok()
        .flatten()
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if !form_type {
        return Err(OAuthError::bad(
            "invalid_request",
            "the token request must be application/x-www-form-urlencoded",
        ));
    }
    let mut params: HashMap<String, String> = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(&body) {
        // §3.2: parameters must not be included more than once.
        if params.insert(k.to_string(), v.into_owned()).is_some() {
            return Err(OAuthError::bad(
                "invalid_request",
                format!("`{k}` is repeated"),
            ));
        }
    }
    let from_header = match header_text(&headers, "authorization").ok().flatten() {
        Some(v) => Some(basic_pair(v)?),
        None => None,
    };
    let from_body = params.get("client_secret").map(|secret| {
        (
            params.get("client_id").cloned().unwrap_or_default(),
            secret.clone(),
        )
    });
    let (client_id, client_secret) = match (from_header, from_body) {
        (Some(_), Some(_)) => {
            return Err(OAuthError::bad(
                "invalid_request",
                "the client authenticated by more than one method (§2.3)",
            ));
        }
        (Some(pair), None) | (None, Some(pair)) => pair,
        (None, None) => {
            return Err(OAuthError::invalid_client(
                "client authentication is required",
            ));
        }
    };
    let creds = &app.config.credentials.oauth2;
    if client_id != creds.client_id || client_secret != creds.client_secret {
        return Err(OAuthError::invalid_client("unknown client or wrong secret"));
    }
    match params.get("grant_type").map(String::as_str) {
        Some("client_credentials") => {}
        Some(other) => {
            return Err(OAuthError::bad(
                "unsupported_grant_type",
                format!("`{other}` is not supported; use client_credentials"),
            ));
        }
        None => {
            return Err(OAuthError::bad(
                "invalid_request",
                "`grant_type` is required",
            ));
        }
    }
    let requested = params.get("scope").map(String::as_str).unwrap_or("");
    for s in requested.split(' ').filter(|s| !s.is_empty()) {
        if !creds.scopes.iter().any(|allowed| allowed == s) {
            return Err(OAuthError::bad(
                "invalid_scope",
                format!("scope `{s}` is not granted to this client"),
            ));
        }
    }
    // §3.3: no scope requested gets the client's default (all of its scopes here).
    let scope = if requested.trim().is_empty() {
        creds.scopes.join(" ")
    } else {
        requested
            .split(' ')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let ttl = app.config.oauth2_token_ttl;
    let now = app.clock.now();
    let token = format!("at_test_{}", random_base64(24));
    {
        let mut state = app.lock();
        state.tokens.retain(|_, t| t.expires_at > now);
        state.tokens.insert(
            token.clone(),
            Issued {
                client_id,
                scope: scope.clone(),
                expires_at: deadline(now, ttl),
            },
        );
    }
    app.counters.token_issued(Provider::Oauth2);
    let mut r = json(
        StatusCode::OK,
        json!({"access_token": token, "token_type": "Bearer", "expires_in": ceil_secs(ttl), "scope": scope}),
    );
    no_store(&mut r);
    Ok(r)
}

/// RFC 6750 §3: a missing or bad bearer token.
fn bearer_error(error: Option<&str>) -> Response {
    let challenge = match error {
        Some(e) => format!(r#"Bearer realm="auth-sandbox", error="{e}""#),
        None => r#"Bearer realm="auth-sandbox""#.to_owned(),
    };
    let mut r = json(
        StatusCode::UNAUTHORIZED,
        json!({"error": error.unwrap_or("unauthorized")}),
    );
    if let Ok(v) = HeaderValue::from_str(&challenge) {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    r
}

async fn me(AxState(app): AxState<App>, headers: HeaderMap) -> Response {
    let Some(value) = header_text(&headers, "authorization").ok().flatten() else {
        return bearer_error(None);
    };
    let Some(token) = bearer_token(value) else {
        return bearer_error(Some("invalid_request"));
    };
    let now = app.clock.now();
    let state = app.lock();
    match state.tokens.get(token) {
        Some(t) if t.expires_at > now => json(
            StatusCode::OK,
            json!({"client_id": t.client_id, "scope": t.scope}),
        ),
        _ => bearer_error(Some("invalid_token")),
    }
}
