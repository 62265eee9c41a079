// `client_method` on an endpoint of one of auth-sdk's own providers: only the crate that
// declares a provider can add methods to its client.
pub mod balance {
    use auth_sdk::{endpoint, response};

    /// Reads the balance.
    #[endpoint(name = balance, provider = auth_sdk::coopfin::Client, GET "/balance", auth = token, client_method)]
    pub struct Request {}

    /// The balance.
    #[response(200)]
    pub struct Response {
        /// Cents.
        pub cents: u64,
    }
}

fn main() {}
