// name, base_url and error are required: all three are reported at once.
use auth_sdk::{Secret, provider};

/// A provider.
#[provider(scheme(token = bearer(api_token)))]
pub struct Client {
    /// Token.
    api_token: Secret,
}

fn main() {}
