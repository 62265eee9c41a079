// `query("name", credential)`: a valid parameter name, and a credential, not an issued token.
use auth_sdk::{Secret, model, provider};

/// A provider.
#[provider(
    name = "Example",
    base_url = "https://api.example.com",
    error = ErrorBody,
    scheme(key = query("api key", api_key)),
    scheme(session = query("session", issued(login))),
)]
pub struct Client {
    /// Key.
    api_key: Secret,
}

/// Errors.
#[model]
pub struct ErrorBody {
    /// Message.
    pub message: String,
}

fn main() {}
