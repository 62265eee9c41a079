// Plain http to a host that is not loopback: every client would be refused at `build()`.
// Loopback hosts stay allowed (the `local` region).
use auth_sdk::{Secret, model, provider};

/// A provider.
#[provider(
    name = "Example",
    base_url = "http://api.example.com/v1",
    base_urls(local = "http://127.0.0.1:8080/v1", dev = "http://localhost/v1"),
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
