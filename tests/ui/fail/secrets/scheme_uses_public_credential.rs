// What a scheme sends is a secret; a public credential cannot be one.
use auth_sdk::{model, provider};

/// A provider.
#[provider(
    name = "Example",
    base_url = "https://api.example.com",
    error = ErrorBody,
    scheme(key = header("x-api-key", handle)),
)]
pub struct Client {
    /// The user's handle.
    #[credential(public)]
    handle: String,
}

/// Errors.
#[model]
pub struct ErrorBody {
    /// Message.
    pub message: String,
}

fn main() {}
