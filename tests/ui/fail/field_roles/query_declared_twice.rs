// Two fields for one query parameter: both would be sent.
pub mod search {
    use auth_sdk::{endpoint, response};

    /// Searches.
    #[endpoint(name = search, provider = auth_sdk::coopfin::Client, GET "/search", auth = token)]
    pub struct Request {
        /// What to look for.
        #[query(rename = "q")]
        pub text: String,
        /// The same parameter again.
        #[query]
        pub q: Option<String>,
    }

    /// Results.
    #[response(200)]
    pub struct Response {}
}

fn main() {}
