//! `POST /user/keys`: create an API key; the answer carries its long-lived token.
//!
//! Not idempotent, so never retried once sent: after a lost 201, a retry would answer 409
//! and the new token would be out of reach. A transport failure after sending says so
//! (`Error::may_have_been_processed`), and a 201 whose body fails to decode keeps the raw
//! body (with the token) on `Error::Decode`.

use auth_macros::{endpoint, response};

/// Creates an API key. Its token is in the response: store it like a password.
#[endpoint(name = create_key, provider = super::Client, POST "/user/keys", auth = session_or_key, client_method)]
pub struct Request {
    /// Unique handle: lowercase letters and digits separated by hyphens, 1–50 characters.
    pub handle: String,
    /// Display name, 1–100 characters.
    pub alias: Option<String>,
}

/// The created key.
#[response(201)]
pub struct Response {
    /// The key, with its token.
    #[body]
    pub key: super::ApiKey,
}
