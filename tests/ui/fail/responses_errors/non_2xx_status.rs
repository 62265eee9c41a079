// A response lists success statuses; errors decode into the provider's error body.
pub mod me {
    use auth_sdk::{endpoint, response};

    /// Reads the account.
    #[endpoint(name = me, provider = auth_sdk::coopfin::Client, GET "/me", auth = token)]
    pub struct Request {}

    /// The account.
    #[response(200, 404)]
    pub struct Response {}
}

fn main() {}
