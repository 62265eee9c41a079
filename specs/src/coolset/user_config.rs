//! `GET /accounts/user-config/`: the token's user configuration (a "who am I" probe).
//!
//! The response schema is not published, so the body is kept as an untyped JSON object.

use auth_macros::{endpoint, response};

/// Reads the configuration of the token's user; a cheap way to check a token works.
#[endpoint(name = user_config, provider = super::Client, GET "/accounts/user-config/", auth = token, client_method)]
pub struct Request {}

/// The user configuration and the rate-limit state.
#[response(200)]
pub struct Response {
    /// The configuration object, untyped (no schema is published).
    #[body]
    pub config: serde_json::Value,
    /// Requests allowed per window (`X-RateLimit-Limit`).
    #[header("x-ratelimit-limit")]
    pub rate_limit: Option<u64>,
    /// Requests left in the window (`X-RateLimit-Remaining`).
    #[header("x-ratelimit-remaining")]
    pub rate_limit_remaining: Option<u64>,
    /// When the window resets, in Unix seconds (`X-RateLimit-Reset`).
    #[header("x-ratelimit-reset")]
    pub rate_limit_reset: Option<u64>,
}
