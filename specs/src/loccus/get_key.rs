//! `GET /user/keys/{key}`: one API key by handle.
//!
//! No archived page documents this call; it is assumed to answer 200 with the same ApiKey
//! object as `create_key`.

use auth_macros::{endpoint, response};

/// Gets one API key, including its token.
#[endpoint(name = get_key, provider = super::Client, GET "/user/keys/{key}", auth = session_or_key, client_method)]
pub struct Request {
    /// The key's handle.
    #[path(charset = "a-z0-9-")]
    pub key: String,
}

/// The key.
#[response(200)]
pub struct Response {
    /// The key, with its token.
    #[body]
    pub key: super::ApiKey,
}
