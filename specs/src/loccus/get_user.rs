//! `GET /user`: the signed-in user; the documented way to validate a token.
//!
//! `emailVerified` appears only in the Hiya schema, so it is optional.

use auth_macros::{endpoint, response};
use auth_runtime::Timestamp;

use super::UserState;

/// Gets the user the token belongs to (works with a session or an API key).
#[endpoint(name = get_user, provider = super::Client, GET "/user", auth = session_or_key, client_method)]
pub struct Request {}

/// The user.
#[response(200, rename_all = "camelCase")]
pub struct Response {
    /// User id (UUID).
    pub id: String,
    /// Handle.
    pub handle: String,
    /// Display name.
    pub alias: Option<String>,
    /// E-mail address.
    pub email: String,
    /// Whether the e-mail address is verified (Hiya schema only).
    pub email_verified: Option<bool>,
    /// Account state.
    pub state: UserState,
    /// Number of organizations.
    pub orgs: i32,
    /// Number of spaces.
    pub spaces: i32,
    /// Creation time.
    pub created_at: Timestamp,
}
