// Credentials are secret by default: a `String` would print in Debug and logs.
use auth_sdk::{model, provider};

/// A provider.
#[provider(
    name = "Example",
    base_url = "https://api.example.com",
    error = ErrorBody,
    scheme(token = bearer(api_token)),
)]
pub struct Client {
    /// Token.
    api_token: String,
}

/// Errors.
#[model]
pub struct ErrorBody {
    /// Message.
    pub message: String,
}

fn main() {}
