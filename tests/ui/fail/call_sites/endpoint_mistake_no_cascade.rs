// An endpoint with a mistake still has its request, client method, builder and response:
// the callers below compile without a second error.
use auth_sdk::{Secret, model, provider};

/// A provider.
#[provider(
    name = "Example",
    base_url = "https://api.example.com",
    error = ErrorBody,
    scheme(key = header("x-api-key", api_key)),
)]
pub struct Client {
    /// Key.
    api_key: Secret,
}

/// Errors.
#[model]
pub struct ErrorBody {
    /// Message.
    pub message: String,
}

/// `GET /items`.
pub mod list_items {
    use auth_sdk::{endpoint, response};

    /// Lists items.
    #[endpoint(name = list_items, provider = super::Client, GET "/items", auth = key, client_method, retries = 3)]
    pub struct Request {
        /// Owner.
        #[header("x-owner")]
        pub owner: String,
        /// Page size.
        #[query]
        pub limit: Option<u32>,
    }

    /// The items.
    #[response(200)]
    pub struct Response {
        /// Items.
        #[body]
        pub items: Vec<String>,
    }
}

pub async fn run(client: Client) -> Result<usize, list_items::Error> {
    let page = client.list_items("me").limit(5).send().await?;
    let again = client.list_items("me").await?;
    let direct = client.send(list_items::Request::new("me")).await?;
    Ok(page.items.len() + again.items.len() + direct.items.len())
}

fn main() {}
