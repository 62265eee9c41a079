//! `PATCH /user/keys/{key}`: change a key's handle or alias.
//!
//! Fields left unset are not sent. The alias can be cleared by sending `null`:
//! `.alias(None)` sends `"alias": null`, `.alias(Some(..))` sets it. Not idempotent (a
//! renamed key is no longer at the old path), so not retried once sent.

use auth_macros::{endpoint, response};

/// Updates an API key's handle or alias.
#[endpoint(name = update_key, provider = super::Client, PATCH "/user/keys/{key}", auth = session_or_key, client_method)]
pub struct Request {
    /// The key's current handle.
    #[path(charset = "a-z0-9-")]
    pub key: String,
    /// New unique handle.
    #[body]
    pub handle: Option<String>,
    /// New display name, or `None` to clear it.
    #[body]
    pub alias: Option<Option<String>>,
}

/// The updated key.
#[response(200)]
pub struct Response {
    /// The key, with its token.
    #[body]
    pub key: super::ApiKey,
}
