// Charset ranges go low to high.
pub mod get_item {
    use auth_sdk::{endpoint, response};

    /// One item.
    #[endpoint(name = get_item, provider = auth_sdk::coopfin::Client, GET "/items/{id}", auth = token)]
    pub struct Request {
        /// Item id.
        #[path(charset = "z-a0-9")]
        pub id: String,
    }

    /// The item.
    #[response(200)]
    pub struct Response {}
}

fn main() {}
