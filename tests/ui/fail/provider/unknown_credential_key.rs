// A misspelt credential key gets a suggestion.
use auth_sdk::{model, provider};

/// A provider.
#[provider(name = "Example", base_url = "https://api.example.com", error = ErrorBody)]
pub struct Client {
    /// Handle.
    #[credential(pubic)]
    handle: String,
}

/// Errors.
#[model]
pub struct ErrorBody {
    /// Message.
    pub message: String,
}

fn main() {}
