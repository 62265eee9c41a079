//! Which failures are retried, and how long to wait.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

use crate::config::RetryPolicy;
use crate::error::Error;
#[cfg(test)]
use crate::error::transient::is_transient_status;
use crate::error::transient::should_retry_hint;

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
        let reset = crate::error::rate_limit::RateLimit::from_headers(headers).reset_at?;
        return Some(reset.duration_since(now).unwrap_or(Duration::ZERO));
    }
    None
}

/// What the call loop does after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Return the error.
    Fail,
    /// Return [`crate::Error::RateLimited`]: the provider asked for this wait, beyond the cap.
    Throttled(Duration),
    /// Retry after this delay (subject to the budget and the total deadline).
    Retry(Duration),
}

/// What [`decide`] needs of an error, without its body type (so `decide` is compiled once).
pub(crate) struct Facts<'e> {
    /// A provider's answer: its status and headers.
    answer: Option<(StatusCode, &'e http::HeaderMap)>,
    transient: bool,
    reached_server: bool,
}

impl<'e> Facts<'e> {
    pub(crate) fn of<B>(err: &'e Error<B>) -> Self {
        Facts {
            answer: match err {
                Error::Provider(pe) => Some((pe.status, &pe.headers)),
                _ => None,
            },
            transient: err.is_transient(),
            reached_server: reached_server(err),
        }
    }
}

/// Decides whether attempt number `attempt` (1-based), which failed with the error `facts`
/// describes, is retried.
///
/// A provider answer carrying `x-should-retry: false` is [`Decision::Fail`], whatever its
/// status (the server says a retry cannot help, e.g. an exhausted quota). Otherwise a 429
/// asking for a wait beyond `max_retry_after` is [`Decision::Throttled`] whether or not the
/// call could be retried. Otherwise only transient failures are retried (a provider answer
/// with `x-should-retry: true` counts as transient whatever its status), on idempotent calls
/// or when the request never reached the server, within `max_attempts`. `unit` is the
/// jitter's random number in `[0, 1)`.
pub(crate) fn decide(
    facts: Facts<'_>,
    idempotent: bool,
    attempt: u32,
    policy: &RetryPolicy,
    now: SystemTime,
    unit: f64,
) -> Decision {
    let hint = facts
        .answer
        .and_then(|(_, headers)| should_retry_hint(headers));
    if hint == Some(false) {
        return Decision::Fail;
    }
    let requested = facts.answer.and_then(|(status, headers)| {
        requested_wait(status, headers, now)
            .map(|wait| (wait, status == StatusCode::TOO_MANY_REQUESTS))
    });
    if let Some((wait, true)) = requested
        && wait > policy.max_retry_after
    {
        return Decision::Throttled(wait);
    }
    // `is_transient` already honours `x-should-retry: true` on provider answers; the
    // idempotency gate still applies (a provider answer always reached the server).
    let retryable =
        (facts.transient || hint == Some(true)) && (idempotent || !facts.reached_server);
    if !retryable || attempt >= policy.max_attempts {
        return Decision::Fail;
    }
    match requested {
        Some((wait, _)) if wait > policy.max_retry_after => Decision::Throttled(wait),
        Some((wait, _)) => Decision::Retry(wait),
        None => Decision::Retry(backoff(policy, attempt, unit)),
    }
}

/// The error for a throttled call whose requested wait is beyond the cap.
pub(crate) fn rate_limited<B>(provider: &'static str, err: &Error<B>, wait: Duration) -> Error<B> {
    let (status, rate_limit) = match err {
        Error::Provider(pe) => (pe.status, pe.rate_limit()),
        _ => (
            StatusCode::TOO_MANY_REQUESTS,
            crate::error::rate_limit::RateLimit::default(),
        ),
    };
    Error::RateLimited(crate::error::RateLimited {
        provider,
        status,
        retry_after: Some(wait),
        reset_at: rate_limit.reset_at,
        rate_limit,
    })
}

/// Whether the request may have reached the provider (so a non-idempotent call must not be
/// retried).
pub(crate) fn reached_server<B>(err: &Error<B>) -> bool {
    match err {
        Error::Transport(t) => t.sent,
        Error::Timeout(t) => t.sent,
        Error::Provider(_) | Error::Decode(_) | Error::RateLimited(_) => true,
        _ => false,
    }
}

#[cfg(test)]
#[path = "retry_tests.rs"]
mod tests;
