// Every endpoint says how it authenticates, even when it does not.
pub mod me {
    use auth_sdk::{endpoint, response};

    /// Reads the account.
    #[endpoint(name = me, provider = auth_sdk::coopfin::Client, GET "/me")]
    pub struct Request {}

    /// The account.
    #[response(200)]
    pub struct Response {}
}

fn main() {}
