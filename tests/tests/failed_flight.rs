#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! A failed token exchange is shared, not repeated (checklist T2): 200 callers of a cold
//! CoopFin client against a token endpoint that answers 400 after 2 s, 500, resets the
//! connection, or stalls past the exchange timeout. Each case: one exchange for all (plus
//! the retry policy's retries of a transient failure, run once for all), every caller gets
//! the same typed error within 1.2x the endpoint's delay, callers inside the backoff get it
//! at once, and the first exchange after the backoff succeeds once the endpoint recovers.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use auth_sdk::{
    Error, ManualClock, RetryPolicy, TimeoutKind, Timeouts, TransportErrorKind, coopfin,
};
use tokio::io::AsyncWriteExt as _;
use tokio::net::TcpStream;

mod common;
use common::endpoints::whoami;
use common::{loopback, raw, read_head, retry_policy};

const CALLERS: usize = 200;

/// The token-exchange bound of the clients, except in the slow-400 case.
const EXCHANGE_TIMEOUT: Duration = Duration::from_millis(500);

/// The error of a CoopFin call (and of its issuer call).
type CallError = Error<coopfin::ErrorBody>;

/// How the token endpoint fails until it recovers.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// `400` with a CoopFin error body, after a delay.
    Status400After(Duration),
    /// `500` with a CoopFin error body, at once.
    Status500,
    /// The connection reset after the request head was read.
    Reset,
    /// The request read, then nothing (longer than the exchange timeout).
    Stall,
}

/// A CoopFin token endpoint with `fault` until `recover` is set (then it issues `tok-ok`),
/// and `/v1/me` answering `u1`; counts token requests.
struct Endpoint {
    base: String,
    token_requests: Arc<AtomicUsize>,
    recovered: Arc<AtomicBool>,
}

fn response(status: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

async fn serve(mut s: TcpStream, fault: Fault, tokens: Arc<AtomicUsize>, ok: Arc<AtomicBool>) {
    // One request per connection keeps the count exact (`connection: close`-like).
    let head = read_head(&mut s).await;
    let head = String::from_utf8_lossy(&head);
    if head.starts_with("GET /v1/me ") {
        let _ = s
            .write_all(&response("200 OK", r#"{"user_id":"u1"}"#))
            .await;
        return;
    }
    tokens.fetch_add(1, Ordering::SeqCst);
    if ok.load(Ordering::SeqCst) {
        let body = r#"{"token_type":"Bearer","token":"tok-ok","expires_in":600}"#;
        let _ = s.write_all(&response("200 OK", body)).await;
        return;
    }
    match fault {
        Fault::Status400After(delay) => {
            tokio::time::sleep(delay).await;
            let body = r#"{"error":"invalid api key"}"#;
            let _ = s.write_all(&response("400 Bad Request", body)).await;
        }
        Fault::Status500 => {
            let body = r#"{"error":"token service unavailable"}"#;
            let _ = s
                .write_all(&response("500 Internal Server Error", body))
                .await;
        }
        Fault::Reset => {
            let _ = s.set_zero_linger();
        }
        Fault::Stall => tokio::time::sleep(Duration::from_secs(10)).await,
    }
}

async fn endpoint(fault: Fault) -> Endpoint {
    let token_requests = Arc::new(AtomicUsize::new(0));
    let recovered = Arc::new(AtomicBool::new(false));
    let (t, r) = (Arc::clone(&token_requests), Arc::clone(&recovered));
    let server = raw(move |s, _| serve(s, fault, Arc::clone(&t), Arc::clone(&r))).await;
    Endpoint {
        base: format!("{}/v1", server.base()),
        token_requests,
        recovered,
    }
}

/// Three attempts with millisecond backoffs; the exchange bounded by 500 ms, except when
/// the endpoint is slower on purpose (then the default bound).
fn client(base: &str, clock: &ManualClock, fault: Fault) -> coopfin::Client {
    let exchange = match fault {
        Fault::Status400After(_) => Timeouts::default().token_exchange,
        _ => Some(EXCHANGE_TIMEOUT),
    };
    client_with(base, clock, retry_policy(3, 5, 20), exchange)
}

fn client_with(
    base: &str,
    clock: &ManualClock,
    retry: RetryPolicy,
    token_exchange: Option<Duration>,
) -> coopfin::Client {
    let creds = coopfin::Credentials::new()
        .with_api_key("pk_test_flight")
        .with_secret_key("sk_test_flight");
    loopback(base, creds)
        .clock(clock.clone())
        .retry(retry)
        .timeouts(Timeouts {
            token_exchange,
            ..Timeouts::default()
        })
        .build()
        .unwrap()
}

/// `CALLERS` concurrent `whoami` calls: each error with the time it arrived.
async fn storm(client: &coopfin::Client) -> Vec<(CallError, Duration)> {
    let start = Instant::now();
    let tasks: Vec<_> = (0..CALLERS)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move {
                let err = c.send(whoami::Request::new()).await.unwrap_err();
                (err, start.elapsed())
            })
        })
        .collect();
    let mut out = Vec::with_capacity(CALLERS);
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// The issuer call's own error inside a token-exchange error.
fn issuer_error(err: &CallError) -> &CallError {
    let Error::TokenExchange(te) = err else {
        panic!("expected a token-exchange error, got {err:?}");
    };
    te.inner()
        .downcast_ref::<Error<coopfin::ErrorBody>>()
        .unwrap_or_else(|| panic!("the issuer's Error<coopfin::ErrorBody>, got {err:?}"))
}

/// Runs the storm against `fault`: returns the errors, the token requests it caused, and
/// checks the backoff and the recovery.
async fn shared_failure(
    fault: Fault,
    expect_requests: usize,
    within: Duration,
    check: impl Fn(&CallError),
) {
    let ep = endpoint(fault).await;
    let clock = ManualClock::new();
    let client = client(&ep.base, &clock, fault);
    let errors = storm(&client).await;
    assert_eq!(
        ep.token_requests.load(Ordering::SeqCst),
        expect_requests,
        "{fault:?}: one exchange (with its retries) for {CALLERS} callers"
    );
    let slowest = errors.iter().map(|(_, t)| *t).max().unwrap();
    eprintln!(
        "{fault:?}: {expect_requests} token request(s) for {CALLERS} callers, the last error after {slowest:?}"
    );
    assert!(
        slowest <= within,
        "{fault:?}: the last caller got the error after {slowest:?} (bound {within:?})"
    );
    let first = errors[0].0.to_string();
    for (err, _) in &errors {
        check(err);
        assert_eq!(err.to_string(), first, "{fault:?}: the same error for all");
    }

    // Inside the backoff: the last error at once, no new request.
    let started = Instant::now();
    let again = client.send(whoami::Request::new()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(100));
    assert_eq!(again.to_string(), first);
    assert_eq!(ep.token_requests.load(Ordering::SeqCst), expect_requests);

    // After the backoff (1 s on the client's clock), a recovered endpoint issues a token.
    ep.recovered.store(true, Ordering::SeqCst);
    clock.advance(Duration::from_secs(1));
    let me = client.send(whoami::Request::new()).await.unwrap();
    assert_eq!(me.user_id, "u1");
    assert_eq!(
        ep.token_requests.load(Ordering::SeqCst),
        expect_requests + 1,
        "{fault:?}: one new exchange after the backoff"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn t2_failed_flight_shared_400_after_2s() {
    let delay = Duration::from_secs(2);
    shared_failure(Fault::Status400After(delay), 1, delay.mul_f64(1.2), |err| {
        let pe = issuer_error(err)
            .provider_error()
            .expect("the issuer's 400");
        assert_eq!(pe.status.as_u16(), 400);
        assert_eq!(
            pe.body.as_ref().map(|b| b.error.as_str()),
            Some("invalid api key")
        );
        assert!(!err.is_transient());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn t2_failed_flight_shared_500() {
    // Transient: the policy's 3 attempts, once for all callers.
    shared_failure(Fault::Status500, 3, Duration::from_millis(600), |err| {
        let pe = issuer_error(err)
            .provider_error()
            .expect("the issuer's 500");
        assert_eq!(pe.status.as_u16(), 500);
        assert!(err.is_transient());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn t2_failed_flight_shared_connection_reset() {
    // Transient, and a token exchange is safe to repeat: the policy's 3 attempts.
    shared_failure(Fault::Reset, 3, Duration::from_millis(600), |err| {
        let Error::Transport(te) = issuer_error(err) else {
            panic!("expected the issuer's transport error, got {err:?}");
        };
        assert_eq!(te.kind, TransportErrorKind::Io);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn t2_failed_flight_shared_stall_past_the_exchange_timeout() {
    // The exchange bound is the endpoint's delay here.
    shared_failure(Fault::Stall, 1, EXCHANGE_TIMEOUT.mul_f64(1.2), |err| {
        let Error::Timeout(t) = err else {
            panic!("expected the token-exchange timeout, got {err:?}");
        };
        assert_eq!(t.kind, TimeoutKind::TokenExchange);
    })
    .await;
}

#[tokio::test]
async fn clear_tokens_ends_the_backoff() {
    let ep = endpoint(Fault::Status500).await;
    let clock = ManualClock::new();
    let client = client_with(&ep.base, &clock, RetryPolicy::disabled(), None);
    assert!(client.send(whoami::Request::new()).await.is_err());
    assert_eq!(ep.token_requests.load(Ordering::SeqCst), 1);
    ep.recovered.store(true, Ordering::SeqCst);
    client.core().clear_tokens();
    let me = client.send(whoami::Request::new()).await.unwrap();
    assert_eq!(me.user_id, "u1");
    assert_eq!(ep.token_requests.load(Ordering::SeqCst), 2);
}
