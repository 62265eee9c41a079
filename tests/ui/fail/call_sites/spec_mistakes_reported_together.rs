// Two mistakes in one spec are reported together, and the code using the endpoint (built
// from stubs) adds no error of its own.
pub mod search {
    use auth_sdk::{endpoint, response};

    /// Searches keys.
    #[endpoint(name = search, provider = auth_sdk::loccus::Client, GET "/user/keys/{owner}", auth = session)]
    pub struct Request {
        /// Text to match.
        #[body]
        pub text: String,
        /// Page size.
        #[query]
        pub limit: Option<u32>,
    }

    /// The keys.
    #[response(200)]
    pub struct Response {
        /// Number of keys.
        pub total: u64,
    }
}

pub async fn run(client: auth_sdk::loccus::Client) -> Result<u64, search::Error> {
    let request = search::Request::new("alias").limit(10);
    let found = client.send(request).await?;
    Ok(found.total)
}

fn main() {}
