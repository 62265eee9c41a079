//! Loccus.ai, also published as Hiya Audio Intel: a short-lived session from handle and
//! password, and long-lived API keys managed under `/user/keys`.
//!
//! Calls: [`sign_in`], [`get_user`], [`create_key`], [`list_keys`], [`get_key`],
//! [`update_key`], [`delete_key`]. Both token kinds are sent as `Authorization: Bearer`.
//! Schemes: `api_key` (a configured API-key token), `session` (signed in with the configured
//! handle and password, cached until shortly before `expiresAt`) and `session_or_key` (the
//! API key when configured, else a session).
//!
//! Assumptions:
//! - The Hiya host with a region is current; [`Client::BASE_URL`] is the `eu` region (the
//!   only one seen in vendor code), [`Client::BASE_URL_US`] the `us` one, and
//!   [`Client::BASE_URL_LEGACY`] the old Loccus host. Any other base URL can be configured.
//! - `{key}` in paths is the key's handle: lowercase letters, digits and hyphens, checked
//!   before sending and encoded as one path segment.
//! - Either token kind can manage keys (not stated).
//! - No Audio-Intel error schema is published: bodies decode as the Hiya-wide
//!   `{"error": {id, code, errors: [{message}]}}` or as `{"message"}`, raw body kept.
//! - Every API-key response carries the key's token (keys are re-readable), so every one is
//!   treated as secret-bearing: `token` is a `Secret`.

use auth_macros::{model, provider, string_enum};
use auth_runtime::{Secret, Timestamp};

pub mod create_key;
pub mod delete_key;
pub mod get_key;
pub mod get_user;
pub mod list_keys;
pub mod sign_in;
pub mod update_key;

/// Client for the Loccus / Hiya Audio Intel API.
#[provider(
    name = "Loccus",
    base_url = "https://api.hiya.com/audiointel/eu/v1",
    base_urls(
        eu = "https://api.hiya.com/audiointel/eu/v1",
        us = "https://api.hiya.com/audiointel/us/v1",
        legacy = "https://api.loccus.ai/v1",
    ),
    error = ErrorBody,
    env_prefix = "LOCCUS",
    scheme(api_key = bearer(api_key)),
    scheme(session = bearer(issued(sign_in))),
    scheme(session_or_key = any(api_key, session)),
)]
pub struct Client {
    /// The user's handle, for signing in.
    #[credential(public, env = "LOCCUS_HANDLE")]
    handle: String,
    /// The user's password, for signing in.
    #[credential(env = "LOCCUS_PASSWORD")]
    password: Secret,
    /// An API key's token, used directly as the bearer token.
    #[credential(env = "LOCCUS_API_KEY")]
    api_key: Secret,
}

/// An API key. Its `token` is a long-lived credential.
#[model]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    /// Server id (UUID); not accepted in paths.
    pub id: String,
    /// Handle: the key's name in paths.
    pub handle: String,
    /// Display name.
    pub alias: Option<String>,
    /// The key's bearer token.
    pub token: Secret,
    /// Creation time.
    pub created_at: Timestamp,
}

/// Loccus' error bodies (no Audio-Intel schema is published).
#[model]
#[serde(untagged)]
pub enum ErrorBody {
    /// The Hiya-wide shape.
    Hiya {
        /// The error.
        error: HiyaError,
    },
    /// A bare message.
    Message {
        /// The message.
        message: String,
    },
}

/// The Hiya-wide error object.
#[model]
pub struct HiyaError {
    /// Error id, for support.
    pub id: Option<String>,
    /// The HTTP status, repeated.
    pub code: Option<u16>,
    /// Messages.
    #[serde(default)]
    pub errors: Vec<ErrorMessage>,
}

/// One error message.
#[model]
pub struct ErrorMessage {
    /// The message.
    pub message: String,
}

/// Sort order of [`list_keys`].
#[string_enum]
pub enum KeySort {
    /// By handle (the default).
    #[wire("handle")]
    Handle,
    /// By creation time.
    #[wire("createdAt")]
    CreatedAt,
}

/// State of a user account.
#[string_enum(rename_all = "lowercase")]
pub enum UserState {
    /// Verified.
    Verified,
    /// Not yet verified.
    Unverified,
    /// Blocked.
    Blocked,
}
