//! Loccus's own state (seeded users, sessions, API keys) and bearer
//! authentication against it. Imports only [`super::error`] among the Loccus
//! modules; the handlers in `loccus.rs` and [`super::keys`] build on it.

use std::collections::HashMap;
use std::time::Instant;

use axum::http::HeaderMap;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::error::HiyaError;
use crate::clock::rfc3339_micros;
use crate::config::LoccusCredentials;
use crate::http_util::{bearer_token, header};
use crate::state::ProviderState;

/// Users, sessions and API keys.
#[derive(Debug)]
pub(crate) struct State {
    pub(super) users: Vec<User>,
    pub(super) sessions: HashMap<String, Session>,
    pub(super) keys: Vec<ApiKey>,
}

#[derive(Debug)]
pub(super) struct User {
    pub(super) id: &'static str,
    pub(super) handle: String,
    pub(super) password: String,
    pub(super) alias: Option<&'static str>,
    pub(super) email: String,
    pub(super) created_at: &'static str,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Session {
    pub(super) user: usize,
    pub(super) expires_at: Instant,
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

/// One API key.
#[derive(Debug, Clone)]
pub(super) struct ApiKey {
    pub(super) owner: usize,
    pub(super) id: String,
    pub(super) handle: String,
    pub(super) alias: Option<String>,
    pub(super) token: String,
    pub(super) created_at: OffsetDateTime,
}

impl ApiKey {
    pub(super) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "handle": self.handle,
            "alias": self.alias,
            "token": self.token,
            "createdAt": rfc3339_micros(self.created_at),
        })
    }
}

/// What this provider's handlers get: the shared pieces plus [`State`].
pub(crate) type App = ProviderState<State>;

/// The signed-in user behind the request's bearer token (session or API key).
pub(super) fn authenticate(app: &App, headers: &HeaderMap) -> Result<usize, HiyaError> {
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
