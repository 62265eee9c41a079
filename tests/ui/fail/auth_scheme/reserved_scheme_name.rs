// `none` means "no auth"; it cannot name a scheme.
use auth_sdk::{Secret, model, provider};

/// A provider.
#[provider(
    name = "Example",
    base_url = "https://api.example.com",
    error = ErrorBody,
    scheme(none = bearer(api_token)),
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
