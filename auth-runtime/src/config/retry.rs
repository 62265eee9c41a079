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
mod tests {
    use super::*;

    #[test]
    fn r4_backoff_is_capped_and_jittered() {
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
        assert_eq!(parse_retry_after("", now), None);
        // Huge: an integer that fits u64 is kept (and is then over any cap); beyond u64 it
        // is read as a float, and floats of 1e9 s or more are garbage.
        assert_eq!(
            parse_retry_after("18446744073709551615", now),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(parse_retry_after("99999999999999999999", now), None);
        assert_eq!(parse_retry_after("1e10", now), None);
        // A malformed HTTP date.
        assert_eq!(
            parse_retry_after("Wed, 32 Oct 2015 07:28:00 GMT", now),
            None
        );
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

    use crate::error::{ProviderError, Timeout, TimeoutKind, TransportError, TransportErrorKind};
    use crate::secret::RawBody;

    fn transport(kind: TransportErrorKind, sent: bool) -> Error<()> {
        Error::Transport(TransportError::new(kind, sent, "x"))
    }

    fn provider(status: u16, headers: &[(&'static str, &'static str)]) -> Error<()> {
        let mut h = HeaderMap::new();
        for (n, v) in headers {
            h.insert(*n, http::HeaderValue::from_static(v));
        }
        Error::Provider(Box::new(ProviderError {
            provider: "p",
            endpoint: "e",
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            headers: h,
            code: None,
            body: None,
            raw: RawBody::default(),
            message: None,
            auth_failure: status == 401,
        }))
    }

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            ..RetryPolicy::default()
        }
    }

    const NOW: SystemTime = SystemTime::UNIX_EPOCH;

    fn now() -> SystemTime {
        NOW + Duration::from_secs(1_700_000_000)
    }

    #[test]
    fn transport_classification() {
        use TransportErrorKind::*;
        for (kind, transient) in [
            (Connect, true),
            (ConnectTimeout, true),
            (Io, true),
            (Tls, false),
            (BodyTooLarge, false),
            (Redirect, false),
            (Other, false),
        ] {
            assert_eq!(transport(kind, false).is_transient(), transient, "{kind:?}");
        }
        let t: Error<()> = Error::Timeout(Timeout::new(TimeoutKind::Attempt, Duration::ZERO, true));
        assert!(t.is_transient() && t.may_have_been_processed());
        assert!(t.to_string().contains("may have been processed"), "{t}");
        let io = transport(Io, true);
        assert!(io.may_have_been_processed());
        assert!(io.to_string().contains("may have been processed"), "{io}");
        assert!(!transport(Connect, false).may_have_been_processed());
    }

    #[test]
    fn tls_is_never_retried() {
        for idempotent in [true, false] {
            for sent in [true, false] {
                let e = transport(TransportErrorKind::Tls, sent);
                assert_eq!(
                    decide(Facts::of(&e), idempotent, 1, &policy(), now(), 0.5),
                    Decision::Fail
                );
            }
        }
    }

    #[test]
    fn idempotency_and_sending_gate_retries() {
        let p = policy();
        let refused = transport(TransportErrorKind::Connect, false);
        assert!(matches!(
            decide(Facts::of(&refused), false, 1, &p, now(), 0.5),
            Decision::Retry(_)
        ));
        let reset = transport(TransportErrorKind::Io, true);
        assert!(matches!(
            decide(Facts::of(&reset), true, 1, &p, now(), 0.5),
            Decision::Retry(_)
        ));
        assert_eq!(
            decide(Facts::of(&reset), false, 1, &p, now(), 0.5),
            Decision::Fail
        );
        for s in [500, 502, 503, 504, 408, 429] {
            assert!(
                matches!(
                    decide(Facts::of(&provider(s, &[])), true, 1, &p, now(), 0.5),
                    Decision::Retry(_)
                ),
                "{s}"
            );
            assert_eq!(
                decide(Facts::of(&provider(s, &[])), false, 1, &p, now(), 0.5),
                Decision::Fail
            );
        }
        for s in [400, 401, 403, 404, 409, 422] {
            assert_eq!(
                decide(Facts::of(&provider(s, &[])), true, 1, &p, now(), 0.5),
                Decision::Fail,
                "{s}"
            );
        }
        assert_eq!(
            decide(Facts::of(&provider(503, &[])), true, 3, &p, now(), 0.5),
            Decision::Fail
        );
        let off = RetryPolicy::disabled();
        assert_eq!(
            decide(Facts::of(&provider(503, &[])), true, 1, &off, now(), 0.5),
            Decision::Fail
        );
    }

    #[test]
    fn retry_after_within_and_beyond_the_cap() {
        let p = policy();
        let soon = provider(429, &[("retry-after", "2")]);
        assert_eq!(
            decide(Facts::of(&soon), true, 1, &p, now(), 0.5),
            Decision::Retry(Duration::from_secs(2))
        );
        let later = provider(429, &[("retry-after", "120")]);
        for (idempotent, attempt) in [(true, 1), (false, 1), (true, 3)] {
            assert_eq!(
                decide(Facts::of(&later), idempotent, attempt, &p, now(), 0.5),
                Decision::Throttled(Duration::from_secs(120))
            );
        }
        // Coolset: no Retry-After, a reset an hour away.
        let reset = (now() + Duration::from_secs(3600))
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
            .to_string();
        let mut h = HeaderMap::new();
        h.insert(
            "x-ratelimit-reset",
            http::HeaderValue::from_str(&reset).unwrap_or(http::HeaderValue::from_static("0")),
        );
        let Error::Provider(mut pe) = provider(429, &[]) else {
            return;
        };
        pe.headers = h;
        let coolset: Error<()> = Error::Provider(pe);
        assert_eq!(
            decide(Facts::of(&coolset), false, 1, &p, now(), 0.5),
            Decision::Throttled(Duration::from_secs(3600))
        );
        // A 503 asking for a long wait on a call that may not be retried stays a provider error.
        let busy = provider(503, &[("retry-after", "120")]);
        assert_eq!(
            decide(Facts::of(&busy), false, 1, &p, now(), 0.5),
            Decision::Fail
        );
        assert_eq!(
            decide(Facts::of(&busy), true, 1, &p, now(), 0.5),
            Decision::Throttled(Duration::from_secs(120))
        );
        // Garbage falls back to the backoff.
        let junk = provider(503, &[("retry-after", "soon")]);
        assert_eq!(
            decide(Facts::of(&junk), true, 1, &p, now(), 1.0),
            Decision::Retry(Duration::from_millis(100))
        );
    }

    #[test]
    fn should_retry_hint_overrides_the_status() {
        let p = policy();
        // `false`: never retried, not even a 503 on an idempotent call, nor throttled.
        for v in ["false", "FALSE", " False "] {
            let e = provider(503, &[("x-should-retry", v)]);
            assert!(!e.is_transient(), "{v}");
            assert_eq!(
                decide(Facts::of(&e), true, 1, &p, now(), 0.5),
                Decision::Fail,
                "{v}"
            );
        }
        let quota = provider(429, &[("x-should-retry", "false"), ("retry-after", "120")]);
        assert_eq!(
            decide(Facts::of(&quota), true, 1, &p, now(), 0.5),
            Decision::Fail
        );
        // `true`: a status that is not normally transient is retried on idempotent calls only.
        let conflict = provider(409, &[("x-should-retry", "true")]);
        assert!(conflict.is_transient());
        assert!(matches!(
            decide(Facts::of(&conflict), true, 1, &p, now(), 0.5),
            Decision::Retry(_)
        ));
        assert_eq!(
            decide(Facts::of(&conflict), false, 1, &p, now(), 0.5),
            Decision::Fail
        );
        assert_eq!(
            decide(Facts::of(&conflict), true, 3, &p, now(), 0.5),
            Decision::Fail
        );
        // `true` with a Retry-After within the cap waits that long.
        let later = provider(409, &[("x-should-retry", "true"), ("retry-after", "2")]);
        assert_eq!(
            decide(Facts::of(&later), true, 1, &p, now(), 0.5),
            Decision::Retry(Duration::from_secs(2))
        );
        // Anything else is ignored: the status decides.
        for v in ["yes", "0", "", "true, false"] {
            let e = provider(409, &[("x-should-retry", v)]);
            assert_eq!(
                decide(Facts::of(&e), true, 1, &p, now(), 0.5),
                Decision::Fail,
                "{v}"
            );
            let e = provider(503, &[("x-should-retry", v)]);
            assert!(matches!(
                decide(Facts::of(&e), true, 1, &p, now(), 0.5),
                Decision::Retry(_)
            ));
        }
        // The hint only exists on provider answers.
        assert_eq!(
            decide(
                Facts::of(&transport(TransportErrorKind::Tls, false)),
                true,
                1,
                &p,
                now(),
                0.5
            ),
            Decision::Fail
        );
    }
}
