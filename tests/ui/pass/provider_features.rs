//! A provider using every part of `#[provider]`: each scheme kind (a credential in a named
//! header, raw `Authorization`, bearer, tokens issued by an endpoint into a bearer or a named
//! header, `any`), extra base URLs, an envelope, a fixed header, credentials read from the
//! environment, and a public credential. Checked under `deny(missing_docs, warnings)`.
#![deny(missing_docs, warnings)]

use auth_sdk::{Endpoint, Secret, model, provider};

/// Client for the Example API.
#[provider(
    name = "Example",
    base_url = "https://api.example.com/v1",
    base_urls(eu = "https://eu.api.example.com/v1", us = "https://us.api.example.com/v1"),
    error = ErrorBody,
    env_prefix = "EXAMPLE",
    envelope(code = "code", success = 0, reauth = [40101]),
    default_header("x-client", "auth-sdk-tests"),
    scheme(key = header("x-api-key", api_key)),
    scheme(merchant = authorization(merchant_key)),
    scheme(key_bearer = bearer(api_key)),
    scheme(token = bearer(issued(login))),
    scheme(session = header("x-session", issued(open_session))),
    scheme(key_or_token = any(key, token)),
)]
pub struct Client {
    /// API key.
    #[credential(env = "EXAMPLE_API_KEY")]
    api_key: Secret,
    /// Merchant key, sent raw in `Authorization`.
    merchant_key: Secret,
    /// The user's name: not a secret.
    #[credential(public, env = "EXAMPLE_USER")]
    user: String,
    /// The user's password.
    #[credential(env = "EXAMPLE_PASSWORD")]
    password: Secret,
}

/// The Example API's error body.
#[model]
pub struct ErrorBody {
    /// Business code.
    pub code: i64,
    /// Message.
    pub message: Option<String>,
}

/// `POST /login`: a bearer token for the `token` scheme.
pub mod login {
    use auth_sdk::{Secret, endpoint, response};

    /// Signs in with the user's name and password.
    #[endpoint(name = login, provider = super::Client, POST "/login", auth = none, issuer, idempotent, client_method)]
    pub struct Request {
        /// The user's name.
        pub user: String,
        /// The user's password.
        pub password: Secret,
    }

    /// A bearer token.
    #[response(200, token = access_token, expires_in = expires_in)]
    pub struct Response {
        /// The token.
        pub access_token: Secret,
        /// Seconds until it expires.
        pub expires_in: u64,
    }
}

/// `POST /sessions`: a session key for the `session` scheme.
pub mod open_session {
    use auth_sdk::{Secret, Timestamp, endpoint, response};

    /// Opens a session with the API key.
    #[endpoint(name = open_session, provider = super::Client, POST "/sessions", auth = key, issuer)]
    pub struct Request {}

    /// A session key.
    #[response(201, token = key, expires_at = expires_at, rename_all = "camelCase")]
    pub struct Response {
        /// The key.
        pub key: Secret,
        /// When it stops working.
        pub expires_at: Timestamp,
    }
}

/// `GET /me`: accepts the API key or a token.
pub mod me {
    use auth_sdk::{endpoint, response};

    /// Reads the account.
    #[endpoint(name = me, provider = super::Client, GET "/me", auth = key_or_token, client_method)]
    pub struct Request {}

    /// The account.
    #[response(200)]
    pub struct Response {
        /// Its id.
        pub id: String,
    }
}

fn main() {
    assert_eq!(Client::BASE_URL, "https://api.example.com/v1");
    assert_eq!(Client::BASE_URL_EU, "https://eu.api.example.com/v1");
    assert_eq!(Client::BASE_URL_US, "https://us.api.example.com/v1");

    let credentials = Credentials::new()
        .with_api_key("pk_test_1")
        .with_merchant_key("mk_test_2")
        .with_user("ada")
        .with_password("pw_test_3");
    assert_eq!(credentials.user().map(String::as_str), Some("ada"));
    assert!(!format!("{credentials:?}").contains("pw_test_3"));
    let client = Client::builder()
        .credentials(credentials)
        .build()
        .expect("a valid configuration");
    let _calls = (client.login("ada", "pw_test_3"), client.me());

    let base = auth_sdk::BaseUrl::parse(Client::BASE_URL).expect("a valid base URL");
    let request = login::Request::new("ada", "pw_test_3")
        .to_http_request(&base)
        .expect("a valid request");
    assert_eq!(request.uri(), "https://api.example.com/v1/login");
    assert_eq!(request.headers()["x-client"], "auth-sdk-tests");
    assert_eq!(
        request.body().as_ref(),
        br#"{"user":"ada","password":"pw_test_3"}"#
    );
    assert_eq!(me::Request::new().auth(), Some(Client::key_or_token));
    assert_eq!(login::Request::new("ada", "pw").auth(), None);
    assert!(<login::Request as Endpoint>::METADATA.idempotent);
    assert!(!<open_session::Request as Endpoint>::METADATA.idempotent);
}
