//! `POST /api/open/v3/getToken`: exchange the legacy client id and secret for a token.
//!
//! Legacy: the API key in `x-api-key` is the recommended scheme. The token has no stated
//! lifetime; it is cached until the API rejects it with code 1101. Marked idempotent:
//! minting a second token is harmless.

use auth_macros::{endpoint, response};
use auth_runtime::Secret;

/// Exchanges the client id and secret for a long-lived bearer token (legacy scheme).
#[endpoint(
    name = get_token,
    provider = super::Client,
    POST "/api/open/v3/getToken",
    auth = none,
    idempotent,
    issuer,
    client_method,
    rename_all = "camelCase"
)]
pub struct Request {
    /// Client id.
    pub client_id: Secret,
    /// Client secret (the same value as the API key).
    pub client_secret: Secret,
}

/// The token (`{code: 1000, token}`: no `msg`, no `data` wrapper).
#[response(200, token = token)]
pub struct Response {
    /// Business code, 1000.
    pub code: i64,
    /// The bearer token.
    pub token: Secret,
}
