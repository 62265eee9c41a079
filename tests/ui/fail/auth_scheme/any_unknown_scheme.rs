// `any(..)` lists schemes of the same provider.
use auth_sdk::{Secret, model, provider};

/// A provider.
#[provider(
    name = "Example",
    base_url = "https://api.example.com",
    error = ErrorBody,
    scheme(key = header("x-api-key", api_key)),
    scheme(token = bearer(api_token)),
    scheme(either = any(key, tokn)),
)]
pub struct Client {
    /// Key.
    api_key: Secret,
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
