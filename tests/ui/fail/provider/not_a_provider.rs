// `provider = ..` names a client declared with #[provider].
pub mod me {
    use auth_sdk::{endpoint, response};

    /// Reads the account.
    #[endpoint(name = me, provider = String, GET "/me", auth = none)]
    pub struct Request {}

    /// The account.
    #[response(200)]
    pub struct Response {
        /// Its id.
        pub id: String,
    }
}

fn main() {}
