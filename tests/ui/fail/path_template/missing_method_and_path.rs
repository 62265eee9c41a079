// No `METHOD "/path"`.
pub mod me {
    use auth_sdk::{endpoint, response};

    /// Reads the account.
    #[endpoint(name = me, provider = auth_sdk::coopfin::Client, auth = token)]
    pub struct Request {}

    /// The account.
    #[response(200)]
    pub struct Response {}
}

fn main() {}
