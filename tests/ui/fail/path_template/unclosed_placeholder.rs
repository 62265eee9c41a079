// `{` without its `}`.
pub mod get_key {
    use auth_sdk::{endpoint, response};

    /// Reads a key.
    #[endpoint(name = get_key, provider = auth_sdk::loccus::Client, GET "/user/keys/{key", auth = session)]
    pub struct Request {
        /// The key's handle.
        #[path]
        pub key: String,
    }

    /// The key.
    #[response(200)]
    pub struct Response {}
}

fn main() {}
