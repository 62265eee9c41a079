// A template is relative to the base URL and starts with `/`; queries are fields.
pub mod list_keys {
    use auth_sdk::{endpoint, response};

    /// Lists keys.
    #[endpoint(name = list_keys, provider = auth_sdk::loccus::Client, GET "user/keys?page=1", auth = session)]
    pub struct Request {}

    /// The keys.
    #[response(200)]
    pub struct Response {}
}

fn main() {}
