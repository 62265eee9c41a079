//! `DELETE /user/keys/{key}`: delete an API key; its token stops working.
//!
//! Unconfirmed: no archived page documents this call. Assumed from the resource pattern:
//! `DELETE` on the key's path, answering 204 with no body (200 is accepted too). Idempotent
//! by HTTP semantics; a retry after a lost answer may get 404.

use auth_macros::{endpoint, response};

/// Deletes an API key (assumed call; see the module docs).
#[endpoint(name = delete_key, provider = super::Client, DELETE "/user/keys/{key}", auth = session_or_key, client_method)]
pub struct Request {
    /// The key's handle.
    #[path(charset = "a-z0-9-")]
    pub key: String,
}

/// The key is deleted (no body).
#[response(204, 200)]
pub struct Response {}
