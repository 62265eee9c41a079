// An endpoint declared for one of the SDK's providers (no client method: sent with
// `Client::send`).

/// `GET /accounts/{account}`.
pub mod account {
    /// Reads one account.
    #[auth_sdk::endpoint(name = account, provider = auth_sdk::coopfin::Client, GET "/accounts/{account}", auth = token)]
    pub struct Request {
        /// Account id.
        #[path]
        pub account: String,
        /// Include details.
        #[query]
        pub details: Option<bool>,
    }

    /// The account.
    #[auth_sdk::response(200)]
    pub struct Response {
        /// Its id.
        pub id: String,
    }
}
