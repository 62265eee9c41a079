//! Tests of the retry decisions (`retry.rs`): backoff, Retry-After forms, which failures are retried.

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
