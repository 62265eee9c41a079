//! CoopFin Network: a key pair exchanged for a 24-hour bearer token.
//!
//! The only documented call is [`create_token`]. The client obtains the token by itself on
//! the first authenticated call (scheme `token`), caches it, refreshes it before it expires,
//! and fetches a new one if the API answers 401. Endpoints that CoopFin does not document
//! here can be declared with `#[endpoint(provider = auth_sdk::coopfin::Client, auth = token, ...)]`
//! and sent with [`Client::send`].
//!
//! Assumptions (the contract is thin):
//! - Later calls send the token as `Authorization: Bearer <token>`, as `token_type: "Bearer"`
//!   implies; no authenticated endpoint is documented to confirm it.
//! - Only the sandbox token path (`/v1/sandbox/token`) is documented. The production path is
//!   unknown, so the base URL is configurable and nothing else is hard-coded.
//! - Error bodies other than the documented 400 `{"error": "..."}` are decoded leniently:
//!   the raw body is always kept on the error.

use auth_macros::{model, provider};
use auth_runtime::Secret;

pub mod create_token;

/// Client for the CoopFin Network API.
#[provider(
    name = "CoopFin Network",
    base_url = "https://api.coopfinnetwork.com/v1",
    error = ErrorBody,
    env_prefix = "COOPFIN",
    scheme(token = bearer(issued(create_token))),
)]
pub struct Client {
    /// Public API key (`pk_...`) from the dashboard's developer settings. The contract calls
    /// it an identifier; it is kept as a secret anyway so it never reaches logs.
    #[credential(env = "COOPFIN_API_KEY")]
    api_key: Secret,
    /// Secret key (`sk_...`).
    #[credential(env = "COOPFIN_SECRET_KEY")]
    secret_key: Secret,
}

/// CoopFin's error body: `{"error": "Invalid request"}`.
#[model]
pub struct ErrorBody {
    /// What went wrong.
    pub error: String,
}
