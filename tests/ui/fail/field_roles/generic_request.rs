// Request and response structs cannot be generic (their parameters were dropped silently).
pub mod items {
    use auth_sdk::{endpoint, response};

    /// Lists items.
    #[endpoint(name = list_items, provider = auth_sdk::coopfin::Client, GET "/items", auth = token)]
    pub struct Request<T: auth_sdk::ToParam> {
        /// Filter.
        #[query]
        pub filter: T,
    }

    /// Items.
    #[response(200)]
    pub struct Response<I> {
        /// The items.
        pub items: Vec<I>,
    }
}

fn main() {}
