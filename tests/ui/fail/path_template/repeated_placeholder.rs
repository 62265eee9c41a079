// `{a}{a}`: the same placeholder twice.
pub mod get_key {
    use auth_sdk::{endpoint, response};

    /// Reads a key.
    #[endpoint(name = get_key, provider = auth_sdk::loccus::Client, GET "/user/keys/{a}{a}", auth = session)]
    pub struct Request {
        /// The key's handle.
        #[path]
        pub a: String,
    }

    /// The key.
    #[response(200)]
    pub struct Response {}
}

fn main() {}
