// A response starts with its success status(es).
pub mod me {
    use auth_sdk::{endpoint, response};

    /// Reads the account.
    #[endpoint(name = me, provider = auth_sdk::coopfin::Client, GET "/me", auth = token)]
    pub struct Request {}

    /// The account.
    #[response]
    pub struct Response {
        /// Its id.
        pub id: String,
    }
}

fn main() {}
