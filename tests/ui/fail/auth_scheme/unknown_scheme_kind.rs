// Scheme kinds are bearer, authorization, header and any.
use auth_sdk::{Secret, model, provider};

/// A provider.
#[provider(
    name = "Example",
    base_url = "https://api.example.com",
    error = ErrorBody,
    scheme(token = baerer(api_token)),
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
