//! `GET /auth/verify`: whether a session key is valid and not expired.
//!
//! Success is 200 with no body. Failure statuses are undocumented; an invalid key is
//! expected to answer 401 (an `Error::Provider` whose status says so).

use auth_macros::{endpoint, response};
use auth_runtime::Secret;

/// Checks that a session key is valid and not expired.
#[endpoint(name = verify_token, provider = super::Client, GET "/auth/verify", auth = none, client_method)]
pub struct Request {
    /// The session key to check.
    #[header("x-coinflow-auth-session-key")]
    pub session_key: Secret,
}

/// The key is valid (the answer has no body).
#[response(200)]
pub struct Response {}
