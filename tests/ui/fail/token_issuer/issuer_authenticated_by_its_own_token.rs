// An issuer authenticated by the token it mints: its call would wait for its own exchange.
use auth_sdk::{Secret, model, provider};

/// A provider.
#[provider(
    name = "Example",
    base_url = "https://api.example.com",
    error = ErrorBody,
    scheme(session = bearer(issued(login))),
)]
pub struct Client {
    /// User.
    #[credential(public)]
    user: String,
    /// Password.
    password: Secret,
}

/// Errors.
#[model]
pub struct ErrorBody {
    /// Message.
    pub message: String,
}

/// `POST /login`.
pub mod login {
    use auth_sdk::{Secret, endpoint, response};

    /// Signs in.
    #[endpoint(name = login, provider = super::Client, POST "/login", issuer, auth = session)]
    pub struct Request {
        /// User.
        pub user: String,
        /// Password.
        pub password: Secret,
    }

    /// A session.
    #[response(200, token = token)]
    pub struct Response {
        /// The token.
        pub token: Secret,
    }
}

fn main() {}
