//! Akool: an API key in `x-api-key` (recommended), or the legacy client-id/secret pair
//! exchanged for a long-lived bearer token.
//!
//! Calls: [`get_token`] (the legacy exchange) and [`quota_info`] (credit balance, the
//! cheapest authenticated call). Success and failure come in an envelope: any `code` other
//! than 1000 is an error even with HTTP 200; 1101 (invalid or expired authorization) makes
//! the client drop a cached token, fetch a new one and replay once.
//!
//! Schemes: `api_key` (`x-api-key`), `token` (bearer from `get_token`) and `api_key_or_token`
//! (the key when configured, else the token).
//!
//! Assumptions:
//! - The body's `code` is authoritative whatever the HTTP status; non-2xx is an error too.
//! - A failed `getToken` answers `{code, msg?}`: `msg` is optional.
//! - The token's lifetime is not given ("over a year"): it is kept until rejected with 1101.
//! - The API key is never sent as a bearer token (the docs do not mix the two).

use auth_macros::{model, provider};
use auth_runtime::Secret;

pub mod get_token;
pub mod quota_info;

/// Client for the Akool OpenAPI.
#[provider(
    name = "Akool",
    base_url = "https://openapi.akool.com",
    error = ErrorBody,
    env_prefix = "AKOOL",
    envelope(code = "code", success = 1000, reauth = [1101]),
    scheme(api_key = header("x-api-key", api_key)),
    scheme(token = bearer(issued(get_token))),
    scheme(api_key_or_token = any(api_key, token)),
)]
pub struct Client {
    /// API key (the same value as the legacy client secret), sent in `x-api-key`.
    #[credential(env = "AKOOL_API_KEY")]
    api_key: Secret,
    /// Legacy client id, for `get_token`.
    #[credential(env = "AKOOL_CLIENT_ID")]
    client_id: Secret,
    /// Legacy client secret, for `get_token`.
    #[credential(env = "AKOOL_CLIENT_SECRET")]
    client_secret: Secret,
}

/// Akool's failure envelope: `{code, msg}`.
#[model]
pub struct ErrorBody {
    /// The business code.
    pub code: Code,
    /// Message, when given.
    pub msg: Option<String>,
}

/// Akool business codes; unknown codes are kept in `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Code {
    /// 1000: success.
    Success,
    /// 1101: the authorization is invalid, or the token expired.
    InvalidAuthorization,
    /// 1102: the authorization is missing or empty.
    MissingAuthorization,
    /// 1200: the account is banned.
    AccountBanned,
    /// Another code.
    Other(i64),
}

impl Code {
    /// The numeric code.
    pub fn value(self) -> i64 {
        match self {
            Code::Success => 1000,
            Code::InvalidAuthorization => 1101,
            Code::MissingAuthorization => 1102,
            Code::AccountBanned => 1200,
            Code::Other(v) => v,
        }
    }
}

impl From<i64> for Code {
    fn from(v: i64) -> Self {
        match v {
            1000 => Code::Success,
            1101 => Code::InvalidAuthorization,
            1102 => Code::MissingAuthorization,
            1200 => Code::AccountBanned,
            other => Code::Other(other),
        }
    }
}

impl<'de> auth_runtime::__private::serde::Deserialize<'de> for Code {
    fn deserialize<D: auth_runtime::__private::serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Self, D::Error> {
        <i64 as auth_runtime::__private::serde::Deserialize>::deserialize(d).map(Code::from)
    }
}

impl auth_runtime::__private::serde::Serialize for Code {
    fn serialize<S: auth_runtime::__private::serde::Serializer>(
        &self,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.value())
    }
}
