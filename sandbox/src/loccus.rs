//! Loccus / Hiya Audio Intelligence: credential sign-in, `GET /user` and the
//! API-key resource under `/user/keys`.
//!
//! Errors use the Hiya-wide shape
//! `{"error": {"id": "<uuid>", "code": <status>, "errors": [{"message": "..."}]}}`
//! (see [`error`]). This file owns the router and the sign-in and `GET /user`
//! handlers; [`store`] owns the provider state, [`keys`] the key handlers.

mod error;
mod keys;
mod store;

pub(crate) use store::{App, State};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{OriginalUri, State as AxState};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::json;
use time::OffsetDateTime;
use time::macros::datetime;

use self::error::{HiyaError, body_object, bounded};
use self::store::{Session, authenticate};
use crate::clock::{deadline, rfc3339_micros, truncate_micros};
use crate::http_util::{json, no_route_message, wrong_method_message};
use crate::state::Provider;
use crate::token::random_base64;

/// Latest representable `expiresAt`.
const FAR_FUTURE: OffsetDateTime = datetime!(9999-12-31 23:59:59.999999 UTC);

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

async fn not_found(method: Method, OriginalUri(uri): OriginalUri) -> HiyaError {
    HiyaError::new(StatusCode::NOT_FOUND, no_route_message(&method, uri.path()))
}

async fn wrong_method(method: Method, OriginalUri(uri): OriginalUri) -> HiyaError {
    HiyaError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        wrong_method_message(&method, uri.path()),
    )
}
