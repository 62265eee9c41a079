// Secrets never go in URLs.
pub mod verify {
    use auth_sdk::{Secret, endpoint, response};

    /// Verifies a key.
    #[endpoint(name = verify, provider = auth_sdk::coopfin::Client, GET "/verify", auth = none)]
    pub struct Request {
        /// The key to verify.
        #[query]
        pub key: Secret,
    }

    /// Done.
    #[response(200)]
    pub struct Response {}
}

fn main() {}
