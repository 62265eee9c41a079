// Environment variable names are upper case.
use auth_sdk::{Secret, model, provider};

/// A provider.
#[provider(name = "Example", base_url = "https://api.example.com", error = ErrorBody)]
pub struct Client {
    /// Token.
    #[credential(env = "example-token")]
    api_token: Secret,
}

/// Errors.
#[model]
pub struct ErrorBody {
    /// Message.
    pub message: String,
}

fn main() {}
