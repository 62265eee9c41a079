// A provider with a mistake still has a client: its endpoints, client methods and callers
// report nothing more.
use auth_sdk::{Secret, model, provider};

/// A provider.
#[provider(
    name = "Example",
    base_url = "https://api.example.com",
    error = ErrorBody,
    scheme(token = bearer(issued(login))),
    scheme(key = header("x-api-key", api_kye)),
)]
pub struct Client {
    /// User.
    #[credential(public)]
    user: String,
    /// Password.
    password: Secret,
    /// Key.
    api_key: Secret,
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
    #[endpoint(name = login, provider = super::Client, POST "/login", auth = none, issuer, client_method)]
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

/// `GET /me`.
pub mod me {
    use auth_sdk::{endpoint, response};

    /// Reads the account.
    #[endpoint(name = me, provider = super::Client, GET "/me", auth = key, client_method)]
    pub struct Request {}

    /// The account.
    #[response(200)]
    pub struct Response {
        /// Its id.
        pub id: String,
    }
}

pub async fn run() -> Result<String, Box<dyn std::error::Error>> {
    let client = Client::builder()
        .credentials(Credentials::new().with_user("u").with_password("p"))
        .build()?;
    let _session = client.login("u", "p").await?;
    Ok(client.me().await?.id)
}

fn main() {}
