// `#[provider]`: every scheme kind, extra base URLs, an envelope, a fixed header, credentials
// from the environment and a public credential; with its two issuer endpoints.

use auth_sdk::Secret;

/// Client for the Example API.
#[auth_sdk::provider(
    name = "Example",
    base_url = "https://api.example.com/v1",
    base_urls(eu = "https://eu.api.example.com/v1"),
    error = ErrorBody,
    env_prefix = "EXAMPLE",
    envelope(code = "code", success = 0, reauth = [40101]),
    default_header("content-type", "application/json"),
    scheme(key = header("x-api-key", api_key)),
    scheme(merchant = authorization(merchant_key)),
    scheme(token = bearer(issued(login))),
    scheme(session = header("x-session", issued(open_session))),
    scheme(key_or_token = any(key, token)),
)]
pub struct Client {
    /// API key.
    #[credential(env = "EXAMPLE_API_KEY")]
    api_key: Secret,
    /// Merchant key.
    merchant_key: Secret,
    /// The user's name.
    #[credential(public, env = "EXAMPLE_USER")]
    user: String,
    /// The user's password.
    password: Secret,
}

/// The error body.
#[auth_sdk::model]
pub struct ErrorBody {
    /// Business code.
    pub code: i64,
    /// Message.
    pub message: Option<String>,
}

/// `POST /login`.
pub mod login {
    use auth_sdk::Secret;

    /// Signs in.
    #[auth_sdk::endpoint(name = login, provider = super::Client, POST "/login", auth = none, issuer, idempotent, client_method)]
    pub struct Request {
        /// User.
        pub user: String,
        /// Password.
        pub password: Secret,
    }

    /// A token.
    #[auth_sdk::response(200, token = access_token, expires_in = expires_in)]
    pub struct Response {
        /// The token.
        pub access_token: Secret,
        /// Seconds.
        pub expires_in: u64,
    }
}

/// `POST /sessions`.
pub mod open_session {
    use auth_sdk::{Secret, Timestamp};

    /// Opens a session.
    #[auth_sdk::endpoint(name = open_session, provider = super::Client, POST "/sessions", auth = key, issuer)]
    pub struct Request {}

    /// A session.
    #[auth_sdk::response(201, token = key, expires_at = expires_at, rename_all = "camelCase")]
    pub struct Response {
        /// Key.
        pub key: Secret,
        /// Expiry.
        pub expires_at: Timestamp,
    }
}
