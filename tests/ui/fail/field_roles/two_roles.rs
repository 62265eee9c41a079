// A field goes to one place.
pub mod list {
    use auth_sdk::{endpoint, response};

    /// Lists.
    #[endpoint(name = list, provider = auth_sdk::coopfin::Client, GET "/items", auth = token)]
    pub struct Request {
        /// Tenant.
        #[query]
        #[header("x-tenant")]
        pub tenant: String,
    }

    /// The items.
    #[response(200)]
    pub struct Response {}
}

fn main() {}
