//! Whether a provider's answer may succeed on a retry: by its status, unless the server's
//! own hint (`x-should-retry`) says otherwise.

use http::{HeaderMap, StatusCode};

/// Statuses that may succeed on a retry: 408, 429, 500, 502, 503, 504.
pub fn is_transient_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// The server's own retry hint, `x-should-retry: true|false` (ASCII case-insensitive,
/// surrounding whitespace ignored). `None` when the header is absent or says anything else.
pub(crate) fn should_retry_hint(headers: &HeaderMap) -> Option<bool> {
    let value = headers.get("x-should-retry")?.to_str().ok()?.trim();
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}
