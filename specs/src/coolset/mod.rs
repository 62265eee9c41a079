//! Coolset: one static API token, sent as a bearer token on every call.
//!
//! There is no token-issuing endpoint (tokens are made in the web UI); the two documented
//! auth-related calls are reads that validate a token and list its workspaces:
//! [`user_config`] and [`list_workspaces`]. Both expose the `X-RateLimit-*` headers, and
//! every error keeps them too ([`auth_runtime::ProviderError::rate_limit`]).
//!
//! Assumptions:
//! - Production is `https://developers.coolset.com/api` (the only host labelled production);
//!   the host the request guide names is [`Client::BASE_URL_SCRANTON`].
//! - `Content-Type: application/json` is sent on every request, as the guide requires, GETs included.
//! - A 429 with a reset an hour away is not slept on: the call ends with
//!   `Error::RateLimited` carrying the reset time (Coolset sends no `Retry-After`).

use std::collections::HashMap;

use auth_macros::{model, provider, string_enum};
use auth_runtime::Secret;

pub mod list_workspaces;
pub mod user_config;

/// Client for the Coolset API.
#[provider(
    name = "Coolset",
    base_url = "https://developers.coolset.com/api",
    base_urls(scranton = "https://developers-scranton.coolset.com/api"),
    error = ErrorBody,
    env_prefix = "COOLSET",
    default_header("content-type", "application/json"),
    scheme(token = bearer(api_token)),
)]
pub struct Client {
    /// API token from Settings > API Tokens (shown once when generated).
    #[credential(env = "COOLSET_API_TOKEN")]
    api_token: Secret,
}

/// Coolset's error bodies: the general shape, or the bare field map of a 422.
#[model]
#[serde(untagged)]
pub enum ErrorBody {
    /// `{detail, error_code?, field_errors?}`.
    Detail {
        /// Human-readable message.
        detail: String,
        /// Machine-readable code, when given.
        error_code: Option<String>,
        /// Messages per field, when given.
        field_errors: Option<HashMap<String, Vec<String>>>,
    },
    /// A validation failure (422): messages per field.
    Validation(HashMap<String, Vec<String>>),
}

/// The kind of a workspace. Unknown kinds are kept in `Other`.
#[string_enum(rename_all = "lowercase")]
pub enum WorkspaceType {
    /// In use.
    Active,
    /// Disabled.
    Inactive,
    /// For testing.
    Test,
    /// Demonstration.
    Demo,
    /// Trial.
    Trial,
    /// Stakeholder access.
    Stakeholder,
}
