//! Which failures are retried, and how long to wait.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

use crate::config::RetryPolicy;

/// Statuses that may succeed on a retry: 408, 429, 500, 502, 503, 504.
pub fn is_transient_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// Backoff before retry number `retry` (1 for the first retry): full jitter over a capped
/// exponential, `random in [0, min(cap, initial * 2^(retry-1))]`. `unit` is a random number in
/// `[0, 1)`, injected so the computation can be tested.
pub fn backoff(policy: &RetryPolicy, retry: u32, unit: f64) -> Duration {
    let exp = retry.saturating_sub(1).min(30);
    let ceiling = policy
        .initial_backoff
        .saturating_mul(1u32 << exp)
        .min(policy.max_backoff);
    let unit = if unit.is_finite() {
        unit.clamp(0.0, 1.0)
    } else {
        0.0
    };
    ceiling.mul_f64(unit)
}

/// Parses `Retry-After` as delta-seconds or an HTTP date relative to `now`. Garbage,
/// negative, non-finite or past values give `None` (the caller falls back to backoff).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && (0.0..1e9).contains(&secs))
            .then(|| Duration::from_secs_f64(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    at.duration_since(now).ok()
}

/// The wait the answer asks for: `Retry-After`, else (for 429) the `X-RateLimit-Reset` time.
pub fn requested_wait(
    status: StatusCode,
    headers: &HeaderMap,
    now: SystemTime,
) -> Option<Duration> {
    if let Some(v) = headers
        .get(http::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        && let Some(d) = parse_retry_after(v, now)
    {
        return Some(d);
    }
    if status == StatusCode::TOO_MANY_REQUESTS {
        let reset = crate::ratelimit::RateLimit::from_headers(headers).reset_at?;
        return Some(reset.duration_since(now).unwrap_or(Duration::ZERO));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_capped_and_jittered() {
        let p = RetryPolicy::default();
        assert_eq!(backoff(&p, 1, 0.0), Duration::ZERO);
        assert_eq!(backoff(&p, 1, 1.0), Duration::from_millis(200));
        assert_eq!(backoff(&p, 2, 1.0), Duration::from_millis(400));
        assert_eq!(backoff(&p, 3, 0.5), Duration::from_millis(400));
        assert_eq!(backoff(&p, 10, 1.0), Duration::from_secs(5));
        assert_eq!(backoff(&p, u32::MAX, 1.0), Duration::from_secs(5));
        assert_eq!(backoff(&p, 2, f64::NAN), Duration::ZERO);
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("inf", now), None);
        assert_eq!(parse_retry_after("NaN", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
        let later = httpdate::fmt_http_date(now + Duration::from_secs(120));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(120))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(120));
        assert_eq!(parse_retry_after(&past, now), None);
    }

    #[test]
    fn transient_statuses() {
        for s in [408u16, 429, 500, 502, 503, 504] {
            assert!(is_transient_status(
                StatusCode::from_u16(s).unwrap_or(StatusCode::OK)
            ));
        }
        for s in [200u16, 400, 401, 403, 404, 409, 422, 501] {
            assert!(!is_transient_status(
                StatusCode::from_u16(s).unwrap_or(StatusCode::OK)
            ));
        }
    }
}
