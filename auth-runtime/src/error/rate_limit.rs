//! Rate-limit headers (`X-RateLimit-Limit`, `-Remaining`, `-Reset`, `Retry-After`).

use std::time::{Duration, SystemTime};

use http::HeaderMap;

/// What an answer said about the caller's rate limit. Fields the answer did not carry, or
/// carried in an unreadable form, are `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed in the window (`X-RateLimit-Limit`).
    pub limit: Option<u64>,
    /// Requests left in the window (`X-RateLimit-Remaining`).
    pub remaining: Option<u64>,
    /// When the window resets (`X-RateLimit-Reset`, Unix seconds).
    pub reset_at: Option<SystemTime>,
}

impl RateLimit {
    /// Reads the rate-limit headers.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let num = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
        RateLimit {
            limit: num("x-ratelimit-limit"),
            remaining: num("x-ratelimit-remaining"),
            reset_at: num("x-ratelimit-reset")
                .and_then(|s| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(s))),
        }
    }

    /// Whether the answer carried any rate-limit header.
    pub fn is_empty(&self) -> bool {
        self.limit.is_none() && self.remaining.is_none() && self.reset_at.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_headers_and_ignores_garbage() {
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-limit", http::HeaderValue::from_static("1000"));
        h.insert(
            "x-ratelimit-remaining",
            http::HeaderValue::from_static("nope"),
        );
        h.insert(
            "x-ratelimit-reset",
            http::HeaderValue::from_static("1700000000"),
        );
        let r = RateLimit::from_headers(&h);
        assert_eq!(r.limit, Some(1000));
        assert_eq!(r.remaining, None);
        assert_eq!(
            r.reset_at,
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000))
        );
        assert!(RateLimit::from_headers(&HeaderMap::new()).is_empty());
    }
}
