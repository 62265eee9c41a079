// A scheme's source is one of the provider's credentials.
use auth_sdk::{Secret, model, provider};

/// A provider.
#[provider(
    name = "Example",
    base_url = "https://api.example.com",
    error = ErrorBody,
    scheme(key = header("x-api-key", api_kye)),
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
