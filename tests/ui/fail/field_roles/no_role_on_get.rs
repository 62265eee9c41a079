// Without a body, every field of a GET needs a role.
pub mod search {
    use auth_sdk::{endpoint, response};

    /// Searches keys.
    #[endpoint(name = search, provider = auth_sdk::loccus::Client, GET "/user/keys", auth = session)]
    pub struct Request {
        /// Text to match.
        pub text: String,
    }

    /// The keys.
    #[response(200)]
    pub struct Response {}
}

fn main() {}
