// A misspelt `#[credential]` attribute gets a suggestion (and no second error on the type).
use auth_sdk::{model, provider};

/// A provider.
#[provider(name = "Example", base_url = "https://api.example.com", error = ErrorBody)]
pub struct Client {
    /// Handle.
    #[credentail(public)]
    handle: String,
}

/// Errors.
#[model]
pub struct ErrorBody {
    /// Message.
    pub message: String,
}

fn main() {}
