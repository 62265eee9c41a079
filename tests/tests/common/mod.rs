//! Helpers shared by the wiremock test suites: request matchers, a fast retry policy, and
//! queries over the requests a mock server received. Each suite uses a part of them.
#![allow(dead_code, clippy::unwrap_used)]

use std::time::Duration;

use auth_sdk::RetryPolicy;
use wiremock::{Match, MockServer, Request};

/// Matches when the query parameters are exactly these (order-insensitive, nothing extra).
pub struct QueryIs(pub Vec<(&'static str, &'static str)>);
impl Match for QueryIs {
    fn matches(&self, req: &Request) -> bool {
        let mut got: Vec<(String, String)> = req
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut want: Vec<(String, String)> = self
            .0
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        got.sort();
        want.sort();
        got == want
    }
}

/// Matches when the request has no query string.
pub struct NoQuery;
impl Match for NoQuery {
    fn matches(&self, req: &Request) -> bool {
        req.url.query().is_none()
    }
}

/// Matches when the request does not carry the header.
pub struct NoHeader(pub &'static str);
impl Match for NoHeader {
    fn matches(&self, req: &Request) -> bool {
        !req.headers.contains_key(self.0)
    }
}

/// The default retry policy (3 attempts) with millisecond backoffs, so retry tests are fast.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        ..RetryPolicy::default()
    }
}

/// Requests received on `path_`, in arrival order.
pub async fn requests_to(server: &MockServer, path_: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == path_)
        .collect()
}

/// How many requests `server` received on `path_`.
pub async fn count(server: &MockServer, path_: &str) -> usize {
    requests_to(server, path_).await.len()
}
