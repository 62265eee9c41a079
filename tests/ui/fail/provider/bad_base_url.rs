// Base URLs are http(s) and have no query.
use auth_sdk::{Secret, model, provider};

/// A provider.
#[provider(
    name = "Example",
    base_url = "ftp://api.example.com",
    base_urls(eu = "https://eu.example.com/?region=eu"),
    error = ErrorBody,
)]
pub struct Client {
    /// Token.
    api_token: Secret,
}

/// Errors.
#[model]
pub struct ErrorBody {
    /// Message.
    pub message: String,
}

fn main() {}
