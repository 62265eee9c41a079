//! A user crate adds an undocumented CoopFin call, under `deny(missing_docs)`.
#![deny(missing_docs, warnings)]

/// `GET /accounts/me`.
pub mod me {
    use auth_sdk::{endpoint, response};

    /// Reads the account the token belongs to.
    #[endpoint(name = me, provider = auth_sdk::coopfin::Client, GET "/accounts/{account}/me", auth = token)]
    pub struct Request {
        /// Account id.
        #[path]
        pub account: String,
        /// Include details.
        #[query]
        pub details: Option<bool>,
    }

    /// The account.
    #[response(200)]
    pub struct Response {
        /// Its id.
        pub id: String,
    }
}

fn main() {
    let req = me::Request::new("acc-1").details(true);
    let _ = req;
}
