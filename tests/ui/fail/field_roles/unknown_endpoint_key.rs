// A misspelt endpoint key gets a suggestion.
pub mod refresh {
    use auth_sdk::{endpoint, response};

    /// Refreshes.
    #[endpoint(name = refresh, provider = auth_sdk::coopfin::Client, POST "/refresh", auth = token, idempotnet)]
    pub struct Request {}

    /// Done.
    #[response(200)]
    pub struct Response {}
}

fn main() {}
