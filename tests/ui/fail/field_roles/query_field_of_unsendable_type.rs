// A query field whose type has no text form.
pub mod search {
    use auth_sdk::{endpoint, response};

    /// Searches.
    #[endpoint(name = search, provider = auth_sdk::coopfin::Client, GET "/search", auth = token)]
    pub struct Request {
        /// Tags to match.
        #[query]
        pub tags: Vec<String>,
    }

    /// Results.
    #[response(200)]
    pub struct Response {}
}

fn main() {}
