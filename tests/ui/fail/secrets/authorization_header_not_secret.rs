// The Authorization header carries a credential.
pub mod verify {
    use auth_sdk::{endpoint, response};

    /// Verifies a key.
    #[endpoint(name = verify, provider = auth_sdk::coopfin::Client, GET "/verify", auth = none)]
    pub struct Request {
        /// The key to verify.
        #[header("Authorization")]
        pub key: String,
    }

    /// Done.
    #[response(200)]
    pub struct Response {}
}

fn main() {}
