// A misspelt provider key gets a suggestion.
use auth_sdk::{Secret, model, provider};

/// A provider.
#[provider(name = "Example", base_ulr = "https://api.example.com", error = ErrorBody)]
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
