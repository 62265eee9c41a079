//! Request matchers wiremock does not have: an exact query, no query, a header's absence,
//! and a bearer token.

use wiremock::matchers::{HeaderExactMatcher, header};
use wiremock::{Match, Request};

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

/// Matches `authorization: Bearer <token>`.
pub fn bearer(token: &str) -> HeaderExactMatcher {
    header("authorization", format!("Bearer {token}").as_str())
}
