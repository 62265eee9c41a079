//! `POST /auth/credentials`: sign in with handle and password for a short-lived session.
//!
//! The session's duration is not published: `expiresAt` is authoritative (RFC 3339, read
//! with microsecond precision). There is no refresh call: the client signs in again.
//! Marked idempotent: a second session is harmless.

use auth_macros::{endpoint, response};
use auth_runtime::{Secret, Timestamp};

/// Signs in with handle and password; the session token is short-lived.
#[endpoint(
    name = sign_in,
    provider = super::Client,
    POST "/auth/credentials",
    auth = none,
    idempotent,
    issuer,
    client_method
)]
pub struct Request {
    /// The user's handle (1–50 characters).
    pub handle: String,
    /// The user's password (8–50 characters).
    pub password: Secret,
}

/// A session.
#[response(200, token = token, expires_at = expires_at, rename_all = "camelCase")]
pub struct Response {
    /// The session's bearer token.
    pub token: Secret,
    /// When the session was issued.
    pub issued_at: Timestamp,
    /// When the token stops working.
    pub expires_at: Timestamp,
}
