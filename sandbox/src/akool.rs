//! Akool: legacy `POST /api/open/v3/getToken` and the credit probe
//! `GET /api/open/v3/faceswap/quota/info`.
//!
//! Business errors travel in HTTP 200 bodies `{"code": <n>, "msg": "..."}`:
//! 1101 invalid/expired authorization, 1102 missing authorization, 1200 banned.
//!
//! Owns its [`State`] (minted tokens) and builds its router with it.

use std::collections::HashMap;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{OriginalUri, State as AxState};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use crate::clock::{ceil_secs, deadline};
use crate::http_util::{
    BodyProblem, Field, bearer_token, field, header, json, json_object, no_route_message,
    wrong_method_message,
};
use crate::state::{Provider, ProviderState};
use crate::token::{fake_jwt, random_hex};

const SUCCESS: u16 = 1000;
const INVALID: u16 = 1101;
const MISSING: u16 = 1102;
const BANNED: u16 = 1200;

/// Tokens minted by `getToken`.
#[derive(Debug, Default)]
pub(crate) struct State {
    tokens: HashMap<String, Minted>,
}

#[derive(Debug, Clone, Copy)]
struct Minted {
    banned: bool,
    expires_at: Option<Instant>,
}

/// What this provider's handlers get: the shared pieces plus [`State`].
pub(crate) type App = ProviderState<State>;

/// Routes relative to `/akool`.
pub(crate) fn router(app: App) -> Router {
    Router::new()
        .route("/api/open/v3/getToken", post(get_token))
        .route("/api/open/v3/faceswap/quota/info", get(quota_info))
        .fallback(not_found)
        .method_not_allowed_fallback(wrong_method)
        .with_state(app)
}

/// A business error: HTTP 200 with `{"code": <code>, "msg": "..."}`.
#[derive(Debug)]
struct Business {
    code: u16,
    msg: String,
}

impl Business {
    fn invalid(detail: &str) -> Self {
        Self {
            code: INVALID,
            msg: format!("Invalid authorization or token expired: {detail}"),
        }
    }

    fn missing(detail: &str) -> Self {
        Self {
            code: MISSING,
            msg: format!("Authorization cannot be empty: {detail}"),
        }
    }

    fn banned() -> Self {
        Self {
            code: BANNED,
            msg: "The account has been banned".into(),
        }
    }
}

impl IntoResponse for Business {
    fn into_response(self) -> Response {
        json(
            StatusCode::OK,
            json!({ "code": self.code, "msg": self.msg }),
        )
    }
}

/// Reads a required credential field.
fn credential(body: &Map<String, Value>, key: &str) -> Result<String, Business> {
    match field(body, key) {
        Field::Text(s) if !s.trim().is_empty() => Ok(s),
        Field::WrongType => Err(Business::invalid(&format!("`{key}` must be a string"))),
        _ => Err(Business::missing(&format!("`{key}` is required"))),
    }
}

async fn get_token(
    AxState(app): AxState<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Business> {
    app.token_endpoint_delay().await;
    let object = json_object(&headers, &body).map_err(|problem| match problem {
        BodyProblem::ContentType | BodyProblem::NotObject => Business::missing(&format!(
            "clientId and clientSecret are required ({problem})"
        )),
        BodyProblem::Syntax(_) => Business::missing(&problem.to_string()),
    })?;
    let client_id = credential(&object, "clientId")?;
    let client_secret = credential(&object, "clientSecret")?;
    let creds = &app.config.credentials.akool;
    let banned = if client_id == creds.client_id && client_secret == creds.client_secret {
        false
    } else if client_id == creds.banned_client_id && client_secret == creds.banned_api_key {
        true
    } else {
        return Err(Business::invalid("unknown clientId/clientSecret pair"));
    };

    let now = app.clock.now();
    let iat = app.clock.unix_secs();
    let ttl = app.config.akool_token_ttl;
    let mut payload =
        json!({ "uid": client_id, "type": "openapi", "iat": iat, "jti": random_hex(16) });
    if let (Some(ttl), Value::Object(map)) = (ttl, &mut payload) {
        map.insert("exp".into(), json!(iat.saturating_add(ceil_secs(ttl))));
    }
    let token = fake_jwt(&payload);
    {
        let mut state = app.lock();
        state
            .tokens
            .retain(|_, m| m.expires_at.is_none_or(|at| at > now));
        let expires_at = ttl.map(|ttl| deadline(now, ttl));
        state
            .tokens
            .insert(token.clone(), Minted { banned, expires_at });
    }
    app.counters.token_issued(Provider::Akool);
    Ok(json(
        StatusCode::OK,
        json!({ "code": SUCCESS, "token": token }),
    ))
}

/// Authenticates a request: `Authorization` wins over `x-api-key`.
fn authenticate(app: &App, headers: &HeaderMap) -> Result<(), Business> {
    let authorization =
        header(headers, "authorization").map_err(|p| Business::invalid(&p.to_string()))?;
    if let Some(value) = authorization {
        if value.trim().is_empty() || value.trim().eq_ignore_ascii_case("bearer") {
            return Err(Business::missing("empty Authorization header"));
        }
        let token = bearer_token(value)
            .ok_or_else(|| Business::invalid("Authorization must be `Bearer <token>`"))?;
        let now = app.clock.now();
        let minted = app.lock().tokens.get(token).copied();
        return match minted {
            None => Err(Business::invalid("unknown token")),
            Some(m) if m.expires_at.is_some_and(|at| at <= now) => {
                Err(Business::invalid("token expired"))
            }
            Some(m) if m.banned => Err(Business::banned()),
            Some(_) => Ok(()),
        };
    }
    let creds = &app.config.credentials.akool;
    match header(headers, "x-api-key").map_err(|p| Business::invalid(&p.to_string()))? {
        None => Err(Business::missing(
            "send `x-api-key` or `Authorization: Bearer <token>`",
        )),
        Some(key) if key.trim().is_empty() => Err(Business::missing("empty x-api-key header")),
        Some(key) if key == creds.api_key => Ok(()),
        Some(key) if key == creds.banned_api_key => Err(Business::banned()),
        Some(_) => Err(Business::invalid("unknown API key")),
    }
}

async fn quota_info(AxState(app): AxState<App>, headers: HeaderMap) -> Result<Response, Business> {
    authenticate(&app, &headers)?;
    Ok(json(
        StatusCode::OK,
        json!({ "code": SUCCESS, "msg": "OK", "data": { "credit": app.config.akool_credit } }),
    ))
}

async fn not_found(method: Method, OriginalUri(uri): OriginalUri) -> Response {
    json(
        StatusCode::NOT_FOUND,
        json!({ "code": 404, "msg": no_route_message(&method, uri.path()) }),
    )
}

async fn wrong_method(method: Method, OriginalUri(uri): OriginalUri) -> Response {
    json(
        StatusCode::METHOD_NOT_ALLOWED,
        json!({ "code": 405, "msg": wrong_method_message(&method, uri.path()) }),
    )
}
