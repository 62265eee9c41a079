// A misspelt key inside a role attribute.
pub mod list {
    use auth_sdk::{endpoint, response};

    /// Lists.
    #[endpoint(name = list, provider = auth_sdk::coopfin::Client, GET "/items", auth = token)]
    pub struct Request {
        /// Page size.
        #[query(renmae = "page-size")]
        pub page_size: Option<u32>,
    }

    /// The items.
    #[response(200)]
    pub struct Response {}
}

fn main() {}
