//! `POST /sandbox/token` (under `/v1`): exchange the key pair for a bearer token.
//!
//! Both body fields are taken as required (the page marks neither way but every sample sends
//! both). The call is marked idempotent: minting a second token is harmless, so a transient
//! failure may be retried. `expires_in` is read as integer seconds (86400 in the sample).

use auth_macros::{endpoint, response};
use auth_runtime::Secret;

/// Exchanges the API key and secret key for a bearer token valid for 24 hours.
#[endpoint(
    name = create_token,
    provider = super::Client,
    POST "/sandbox/token",
    auth = none,
    idempotent,
    issuer,
    client_method
)]
pub struct Request {
    /// Public API key (`pk_...`).
    pub api_key: Secret,
    /// Secret key (`sk_...`).
    pub secret_key: Secret,
}

/// A bearer token and its lifetime.
#[response(200, token = token, expires_in = expires_in)]
pub struct Response {
    /// Token type: `"Bearer"`.
    pub token_type: String,
    /// The access token (a JWT); sent as `Authorization: Bearer <token>`.
    pub token: Secret,
    /// Seconds until the token expires (86400, 24 hours).
    pub expires_in: i64,
}
