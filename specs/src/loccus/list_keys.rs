//! `GET /user/keys`: the user's API keys, a page at a time.
//!
//! The body is a JSON array (not an object); paging metadata comes in the `Page-Total`,
//! `Page-Size`, `Page-Current` and `Item-Total` headers. `after`/`before` are typed "any" in
//! the docs and sent as RFC 3339 date-times.

use auth_macros::{endpoint, response};
use auth_runtime::Timestamp;

use super::KeySort;

/// Lists the user's API keys (with their tokens), paged and filtered.
#[endpoint(name = list_keys, provider = super::Client, GET "/user/keys", auth = session_or_key, client_method)]
pub struct Request {
    /// Page number, from 1.
    #[query]
    pub page: Option<u32>,
    /// Items per page, 1–50 (default 20).
    #[query(rename = "page-size")]
    pub page_size: Option<u32>,
    /// Sort order (default by handle).
    #[query]
    pub sort: Option<KeySort>,
    /// Matches the handle or the alias.
    #[query]
    pub search: Option<String>,
    /// Created at or after.
    #[query]
    pub after: Option<Timestamp>,
    /// Created at or before.
    #[query]
    pub before: Option<Timestamp>,
}

/// One page of keys.
#[response(200)]
pub struct Response {
    /// The keys of this page.
    #[body]
    pub keys: Vec<super::ApiKey>,
    /// Number of pages (`Page-Total`).
    #[header("page-total")]
    pub page_total: Option<u32>,
    /// Page size (`Page-Size`).
    #[header("page-size")]
    pub page_size: Option<u32>,
    /// This page's number (`Page-Current`).
    #[header("page-current")]
    pub page_current: Option<u32>,
    /// Number of keys in all pages (`Item-Total`).
    #[header("item-total")]
    pub item_total: Option<u32>,
}
