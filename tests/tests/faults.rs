//! Fault injection over loopback: wiremock for statuses and bodies, a raw `TcpListener`
//! server for what wiremock cannot do (reset, stall, lie about lengths, stream forever).
//!
//! Every case ends in a typed error or a bounded retry, and asserts how many attempts the
//! server saw and how long the call took. Real sleeps are sub-second except the
//! `Retry-After: 1` case.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use auth_sdk::__private::bytes::Bytes;
use auth_sdk::{
    ClientBuilder, Error, ManualClock, ReqwestTransport, RetryBudget, RetryPolicy, TimeoutKind,
    Timeouts, Transport, TransportError, TransportErrorKind, coolset, coopfin, http, loccus,
};
use serde_json::json;
use tokio::io::AsyncWriteExt as _;
use wiremock::matchers::header;
use wiremock::{MockServer, Respond, ResponseTemplate};

mod common;
use common::endpoints::{note, whoami};
use common::{
    OK_BODY, Raw, answer_then_stall, assert_never_shows, bearer, chain, closed_port, count,
    json_reply, loopback, mount, mount_any, on, raw, read_head, received, retry_policy, stall,
};

const TOKEN: &str = "ct_test_CANARY_token";

// ---------------------------------------------------------------------------------------
// User-declared endpoints (the public spec language); `note` and `whoami` are in `common`.

mod probe {
    use auth_sdk::{endpoint, response};
    /// An idempotent GET with token auth.
    #[endpoint(name = probe, provider = auth_sdk::coolset::Client, GET "/probe", auth = token)]
    pub struct Request {}
    /// Answer.
    #[response(200)]
    pub struct Response {
        /// Whether it worked.
        pub ok: bool,
    }
}

#[allow(dead_code)] // the response is never decoded successfully here
mod create {
    use auth_sdk::{endpoint, response};
    /// A non-idempotent POST.
    #[endpoint(name = create, provider = auth_sdk::coolset::Client, POST "/create", auth = token)]
    pub struct Request {
        /// Name of the thing.
        pub name: String,
    }
    /// Answer.
    #[response(201)]
    pub struct Response {
        /// Id of the thing.
        pub id: String,
    }
}

// ---------------------------------------------------------------------------------------
// Clients.

fn retry(max_attempts: u32) -> RetryPolicy {
    retry_policy(max_attempts, 10, 40)
}

fn timeouts(attempt_ms: u64, total_ms: u64) -> Timeouts {
    Timeouts {
        connect: Some(Duration::from_millis(500)),
        attempt: Some(Duration::from_millis(attempt_ms)),
        total: Some(Duration::from_millis(total_ms)),
        token_exchange: Some(Duration::from_secs(1)),
    }
}

/// Attempt 200 ms, total 1 s.
fn short() -> Timeouts {
    timeouts(200, 1000)
}

fn coolset_builder(
    base: &str,
    retry: RetryPolicy,
    timeouts: Timeouts,
) -> ClientBuilder<coolset::Client> {
    loopback(base, coolset::Credentials::new().with_api_token(TOKEN))
        .retry(retry)
        .timeouts(timeouts)
}

fn coolset_at(base: &str, retry: RetryPolicy, timeouts: Timeouts) -> coolset::Client {
    coolset_builder(base, retry, timeouts).build().unwrap()
}

fn loccus_at(base: &str, timeouts: Timeouts) -> loccus::Client {
    let creds = loccus::Credentials::new().with_api_key("lk_test_CANARY");
    loopback(format!("{base}/v1"), creds)
        .retry(retry(3))
        .timeouts(timeouts)
        .build()
        .unwrap()
}

/// A CoopFin client at `server`'s `/v1` holding a key pair, with 3 attempts and [`short`].
fn coopfin_builder(server: &MockServer) -> ClientBuilder<coopfin::Client> {
    let creds = coopfin::Credentials::new()
        .with_api_key("pk_test_1")
        .with_secret_key("sk_test_CANARY");
    loopback(format!("{}/v1", server.uri()), creds)
        .retry(retry(3))
        .timeouts(short())
}

fn probe() -> probe::Request {
    probe::Request::new()
}

fn create() -> create::Request {
    create::Request::new("widget".to_owned())
}

fn report(case: &str, elapsed: Duration) {
    eprintln!("[faults] {case}: {} ms", elapsed.as_millis());
}

/// Awaits `call`, reports how long it took under `case`, and returns its output and the time.
async fn timed<T>(case: &str, call: impl Future<Output = T>) -> (T, Duration) {
    let start = Instant::now();
    let out = call.await;
    let elapsed = start.elapsed();
    report(case, elapsed);
    (out, elapsed)
}

/// Asserts `min_ms <= elapsed < max_ms`.
fn assert_between(elapsed: Duration, min_ms: u64, max_ms: u64) {
    assert!(elapsed >= Duration::from_millis(min_ms), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(max_ms), "{elapsed:?}");
}

/// Sends `probe()`, which must end in a `kind` timeout with `server` having accepted
/// `accepts` connections in total, after `min_ms` and before `max_ms`.
async fn probe_times_out(
    case: &str,
    client: &coolset::Client,
    server: &Raw,
    want: (TimeoutKind, usize, u64, u64),
) {
    let (kind, accepts, min_ms, max_ms) = want;
    let (result, elapsed) = timed(case, client.send(probe())).await;
    let err = result.unwrap_err();
    assert_eq!(timeout_kind(&err), Some(kind), "{err:?}");
    assert_eq!(server.accepts(), accepts);
    assert_between(elapsed, min_ms, max_ms);
}

/// A raw server answering each request with `head` and then stalling, and a Coolset client
/// at it with `attempts` attempts and [`short`] timeouts.
async fn stalling_server(head: &'static [u8], attempts: u32) -> (Raw, coolset::Client) {
    let server = answer_then_stall(head).await;
    let client = coolset_at(&server.base(), retry(attempts), short());
    (server, client)
}

/// A transport that counts attempts (for failures no server can count).
#[derive(Debug)]
struct Counting {
    inner: ReqwestTransport,
    calls: Arc<AtomicUsize>,
}

type SendFuture<'a> =
    Pin<Box<dyn Future<Output = Result<http::Response<Bytes>, TransportError>> + Send + 'a>>;

impl Transport for Counting {
    fn send<'life0, 'async_trait>(
        &'life0 self,
        request: http::Request<Bytes>,
        max_body: usize,
    ) -> SendFuture<'async_trait>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.send(request, max_body)
    }
}

/// Records when each request arrived; answers with the script's templates in order, the
/// last one repeated.
struct Script {
    arrivals: Arc<Mutex<Vec<Instant>>>,
    answers: Vec<ResponseTemplate>,
}

impl Script {
    fn new(answers: Vec<ResponseTemplate>) -> (Self, Arc<Mutex<Vec<Instant>>>) {
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        let script = Script {
            arrivals: Arc::clone(&arrivals),
            answers,
        };
        (script, arrivals)
    }
}

impl Respond for Script {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let mut a = self.arrivals.lock().unwrap();
        a.push(Instant::now());
        let i = (a.len() - 1).min(self.answers.len() - 1);
        self.answers[i].clone()
    }
}

fn transport_kind<B>(e: &Error<B>) -> Option<TransportErrorKind> {
    match e {
        Error::Transport(t) => Some(t.kind),
        _ => None,
    }
}

/// Asserts that `err` is a transport error of `kind`.
fn assert_transport<B: Debug>(err: &Error<B>, kind: TransportErrorKind) {
    assert_eq!(transport_kind(err), Some(kind), "{err:?}");
}

fn timeout_kind<B>(e: &Error<B>) -> Option<TimeoutKind> {
    match e {
        Error::Timeout(t) => Some(t.kind),
        _ => None,
    }
}

/// The HTTP status of `err`, if it has one.
fn status_of<B>(err: &Error<B>) -> Option<u16> {
    err.status().map(|s| s.as_u16())
}

// ---------------------------------------------------------------------------------------
// Connection-level faults.

#[tokio::test]
async fn refused_connection_is_connect_error_retried_even_on_post() {
    let addr = closed_port();
    for post in [false, true] {
        let calls = Arc::new(AtomicUsize::new(0));
        let client = coolset_builder(&format!("http://{addr}"), retry(3), short())
            .transport(Counting {
                inner: ReqwestTransport::new(Some(Duration::from_millis(500))).unwrap(),
                calls: Arc::clone(&calls),
            })
            .build()
            .unwrap();
        let case = if post { "refused POST" } else { "refused GET" };
        let (result, elapsed) = if post {
            timed(case, async { client.send(create()).await.map(drop) }).await
        } else {
            timed(case, async { client.send(probe()).await.map(drop) }).await
        };
        let err = result.unwrap_err();
        let Error::Transport(t) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(t.kind, TransportErrorKind::Connect);
        assert!(!t.sent && !err.may_have_been_processed());
        assert_eq!(
            calls.load(Ordering::SeqCst),
            3,
            "never sent, so retried even when not idempotent"
        );
        assert!(elapsed < Duration::from_millis(900), "{elapsed:?}");
    }
}

#[tokio::test]
async fn r6_reset_after_accept_retried_on_get_not_on_post() {
    let server = raw(|mut s, _| async move {
        let _ = read_head(&mut s).await;
        let _ = s.set_zero_linger();
        drop(s);
    })
    .await;
    let client = coolset_at(&server.base(), retry(3), short());
    let (result, _) = timed("reset GET", client.send(probe())).await;
    let err = result.unwrap_err();
    assert_transport(&err, TransportErrorKind::Io);
    assert!(err.may_have_been_processed());
    assert_eq!(server.accepts(), 3);

    let err = client.send(create()).await.unwrap_err();
    assert_transport(&err, TransportErrorKind::Io);
    assert_eq!(
        server.accepts(),
        4,
        "a POST that may have arrived is not retried"
    );

    // Loccus create_key: the error says the key may have been created.
    let server = raw(|mut s, _| async move {
        let _ = read_head(&mut s).await;
        let _ = s.set_zero_linger();
    })
    .await;
    let loccus = loccus_at(&server.base(), short());
    let err = loccus.create_key("new-key").await.unwrap_err();
    assert!(err.may_have_been_processed(), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("may have been processed"), "{text}");
    assert!(!text.contains("CANARY"), "{text}");
    assert_eq!(server.accepts(), 1);
}

#[tokio::test]
async fn r1_accept_and_stall_times_out_per_attempt() {
    // GET: three attempts of 200 ms, each on a fresh connection, within the 1 s total.
    let (server, client) = stalling_server(b"", 3).await;
    let want = (TimeoutKind::Attempt, 3, 600, 1000);
    probe_times_out("stall GET (3 x 200 ms)", &client, &server, want).await;

    // Loccus create_key (POST): one attempt, and the error says it may have been processed.
    let loccus = loccus_at(&server.base(), short());
    let case = "stall create_key (1 x 200 ms)";
    let (result, elapsed) = timed(case, loccus.create_key("new-key").send()).await;
    let err = result.unwrap_err();
    assert_eq!(timeout_kind(&err), Some(TimeoutKind::Attempt), "{err:?}");
    assert!(err.may_have_been_processed());
    assert!(err.to_string().contains("may have been processed"), "{err}");
    assert_eq!(server.accepts(), 4);
    assert_between(elapsed, 200, 600);
}

#[tokio::test]
async fn total_timeout_bounds_the_call() {
    let server = answer_then_stall(b"").await;
    // Attempts of 400 ms would need 1.2 s; the total of 1 s ends the third one.
    let client = coolset_at(&server.base(), retry(3), timeouts(400, 1000));
    let want = (TimeoutKind::Total, 3, 1000, 1500);
    probe_times_out("stall GET, total 1 s", &client, &server, want).await;
}

#[tokio::test]
async fn headers_then_stalled_body_times_out() {
    let head =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"ok\"";
    let (server, client) = stalling_server(head, 2).await;
    let want = (TimeoutKind::Attempt, 2, 400, 800);
    probe_times_out(
        "headers then stalled body (2 x 200 ms)",
        &client,
        &server,
        want,
    )
    .await;
}

#[tokio::test]
async fn r11_retry_after_timeout_uses_a_fresh_connection() {
    let server = raw(|mut s, n| async move {
        let _ = read_head(&mut s).await;
        if n == 0 {
            stall().await;
        } else {
            let _ = s.write_all(OK_BODY).await;
        }
    })
    .await;
    let client = coolset_at(&server.base(), retry(3), short());
    let case = "stall then answer on a new connection";
    let (result, elapsed) = timed(case, client.send(probe())).await;
    assert!(result.unwrap().ok);
    assert_eq!(server.accepts(), 2, "the retry opened a second connection");
    assert_between(elapsed, 200, 600);
}

#[tokio::test]
async fn truncated_body_is_typed_and_retried_on_get() {
    let server = raw(|mut s, _| async move {
        let _ = read_head(&mut s).await;
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"ok\":true")
            .await;
        let _ = s.shutdown().await;
    })
    .await;
    let client = coolset_at(&server.base(), retry(3), short());
    let (result, elapsed) = timed("truncated body GET", client.send(probe())).await;
    let err = result.unwrap_err();
    assert!(
        matches!(&err, Error::Transport(t) if t.kind == TransportErrorKind::Io)
            || matches!(&err, Error::Decode(_)),
        "{err:?}"
    );
    assert!(err.is_transient());
    assert_eq!(server.accepts(), 3);
    assert!(elapsed < Duration::from_millis(900));
}

#[tokio::test]
async fn n5_endless_chunked_body_is_cut_off() {
    const TOTAL: u64 = 64 * 1024 * 1024;
    let written = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let (w, d) = (Arc::clone(&written), Arc::clone(&done));
    let server = raw(move |mut s, _| {
        let (written, done) = (Arc::clone(&w), Arc::clone(&d));
        async move {
            let _ = read_head(&mut s).await;
            let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            if s.write_all(head).await.is_ok() {
                let chunk = vec![b' '; 64 * 1024];
                let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
                frame.extend_from_slice(&chunk);
                frame.extend_from_slice(b"\r\n");
                let until = Instant::now() + Duration::from_secs(5);
                while written.load(Ordering::SeqCst) < TOTAL && Instant::now() < until {
                    if s.write_all(&frame).await.is_err() {
                        break;
                    }
                    written.fetch_add(chunk.len() as u64, Ordering::SeqCst);
                }
            }
            done.store(true, Ordering::SeqCst);
        }
    })
    .await;
    let client = coolset_at(&server.base(), retry(3), timeouts(2000, 3000));
    let (result, elapsed) = timed("64 MiB chunked body", client.send(probe())).await;
    let err = result.unwrap_err();
    assert_transport(&err, TransportErrorKind::BodyTooLarge);
    assert!(!err.is_transient());
    assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
    for _ in 0..100 {
        if done.load(Ordering::SeqCst) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        done.load(Ordering::SeqCst),
        "the server saw the client disconnect"
    );
    let sent = written.load(Ordering::SeqCst);
    eprintln!("[faults] 64 MiB chunked body: server wrote {sent} bytes before the client hung up");
    assert!(sent < TOTAL / 4, "the client stopped reading early: {sent}");
    assert_eq!(server.accepts(), 1, "not retried");
}

#[tokio::test]
async fn huge_declared_length_is_refused_without_reading() {
    let head =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10737418240\r\n\r\n{";
    let (server, client) = stalling_server(head, 3).await;
    let (result, elapsed) = timed("10 GiB Content-Length", client.send(probe())).await;
    assert_transport(&result.unwrap_err(), TransportErrorKind::BodyTooLarge);
    assert!(elapsed < Duration::from_millis(500), "{elapsed:?}");
    assert_eq!(server.accepts(), 1);
}

#[tokio::test]
async fn n1_redirects_are_not_followed_to_another_origin() {
    let other = answer_then_stall(OK_BODY).await;
    let server = MockServer::start().await;
    let location = format!("{}/collect", other.base());
    let redirect =
        |status| ResponseTemplate::new(status).insert_header("location", location.as_str());
    mount(&server, on("GET", "/probe"), redirect(302), 1).await;
    mount(&server, on("POST", "/create"), redirect(307), 1).await;
    let client = coolset_at(&server.uri(), retry(3), short());
    let err = client.send(probe()).await.unwrap_err();
    assert_transport(&err, TransportErrorKind::Redirect);
    assert_eq!(err.status(), None);
    let err = client.send(create()).await.unwrap_err();
    assert_transport(&err, TransportErrorKind::Redirect);
    assert!(!err.to_string().contains("CANARY"));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(other.accepts(), 0, "the second origin was never contacted");
}

#[tokio::test]
async fn header_values_with_control_characters_are_never_sent() {
    let server = MockServer::start().await;
    let fine = on("GET", "/note").and(header("x-note", "fine value"));
    mount(&server, fine, json_reply(200, json!({"ok": true})), 1).await;
    let client = coolset_at(&server.uri(), retry(3), short());
    for bad in ["a\r\nx-evil: 1", "a\nb", "a\rb", "a\0b", "\u{7f}"] {
        let err = client
            .send(note::Request::new(bad.to_owned()))
            .await
            .unwrap_err();
        let Error::InvalidInput(e) = &err else {
            panic!("{bad:?}: {err:?}")
        };
        assert_eq!(e.field, "note");
    }
    let ok = client
        .send(note::Request::new("fine value".to_owned()))
        .await
        .unwrap();
    assert!(ok.ok);
    assert_eq!(received(&server).await.len(), 1);
}

// ---------------------------------------------------------------------------------------
// Status classification.

#[tokio::test]
async fn r2_server_errors_retried_on_get_not_on_post() {
    for status in [500u16, 502, 503, 504] {
        let server = MockServer::start().await;
        mount(
            &server,
            on("GET", "/probe"),
            ResponseTemplate::new(status),
            3,
        )
        .await;
        mount(
            &server,
            on("POST", "/create"),
            ResponseTemplate::new(status),
            1,
        )
        .await;
        let client = coolset_at(&server.uri(), retry(3), short());
        let start = Instant::now();
        let err = client.send(probe()).await.unwrap_err();
        assert_eq!(status_of(&err), Some(status), "{err:?}");
        assert!(matches!(err, Error::Provider(_)));
        let err = client.send(create()).await.unwrap_err();
        assert_eq!(status_of(&err), Some(status), "{err:?}");
        assert!(start.elapsed() < Duration::from_millis(1000));
        server.verify().await;
    }
}

#[tokio::test]
async fn r7_idempotent_post_retries_are_identical_and_backed_off_within_the_cap() {
    // CoopFin create_token is an idempotent POST: 503, 503, then a token.
    let server = MockServer::start().await;
    let (script, arrivals) = Script::new(vec![
        ResponseTemplate::new(503),
        ResponseTemplate::new(503),
        json_reply(
            200,
            json!({"token_type": "Bearer", "token": "tok", "expires_in": 60}),
        ),
    ]);
    mount(&server, on("POST", "/v1/sandbox/token"), script, 3).await;
    let client: coopfin::Client =
        loopback(format!("{}/v1", server.uri()), coopfin::Credentials::new())
            .retry(retry_policy(3, 30, 60))
            .timeouts(short())
            .build()
            .unwrap();
    let token = client
        .create_token("pk_test_1", "sk_test_CANARY")
        .await
        .unwrap();
    assert_eq!(token.expires_in, 60);
    let received = received(&server).await;
    assert_eq!(received.len(), 3);
    for r in &received[1..] {
        assert_eq!(
            r.body, received[0].body,
            "R7: the retried body is byte-identical"
        );
        assert_eq!(r.headers, received[0].headers);
        assert_eq!(r.url, received[0].url);
    }
    let a = arrivals.lock().unwrap().clone();
    for w in a.windows(2) {
        let gap = w[1] - w[0];
        // Full jitter: between 0 and the capped exponential (30 ms, then 60 ms), plus slack.
        assert!(gap < Duration::from_millis(60 + 100), "{gap:?}");
    }
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for status in [400u16, 401, 403, 404, 422] {
        let server = MockServer::start().await;
        let body = json!({"detail": "no", "error_code": "x"});
        mount(&server, on("GET", "/probe"), json_reply(status, body), 1).await;
        let client = coolset_at(&server.uri(), retry(3), short());
        let err = client.send(probe()).await.unwrap_err();
        let pe = err.provider_error().unwrap();
        assert_eq!(pe.status.as_u16(), status);
        assert!(matches!(pe.body, Some(coolset::ErrorBody::Detail { .. })));
        assert!(!err.is_transient());
        server.verify().await;
    }
}

#[tokio::test]
async fn r5_retry_after_one_second_is_honoured() {
    let server = MockServer::start().await;
    let (script, arrivals) = Script::new(vec![
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        json_reply(200, json!({"ok": true})),
    ]);
    mount(&server, on("GET", "/probe"), script, 2).await;
    let client = coolset_at(&server.uri(), retry(3), timeouts(500, 3000));
    let (result, _) = timed("429 Retry-After: 1 then 200", client.send(probe())).await;
    assert!(result.unwrap().ok);
    let a = arrivals.lock().unwrap().clone();
    assert_eq!(a.len(), 2);
    let gap = a[1] - a[0];
    eprintln!(
        "[faults] Retry-After: 1 gap measured on the server: {} ms",
        gap.as_millis()
    );
    assert!(gap >= Duration::from_secs(1), "{gap:?}");
    assert!(gap < Duration::from_millis(1500), "{gap:?}");
}

#[tokio::test]
async fn waits_beyond_the_cap_are_rate_limited_errors() {
    let server = MockServer::start().await;
    let long_wait = ResponseTemplate::new(429).insert_header("retry-after", "120");
    mount(&server, on("GET", "/probe"), long_wait, 1).await;
    let reset = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    // Coolset style: no Retry-After, the window resets in an hour; on a POST.
    let throttled = json_reply(429, json!({"detail": "Request was throttled."}))
        .insert_header("x-ratelimit-limit", "100")
        .insert_header("x-ratelimit-remaining", "0")
        .insert_header("x-ratelimit-reset", reset.to_string().as_str());
    mount(&server, on("POST", "/create"), throttled, 1).await;
    let client = coolset_at(&server.uri(), retry(3), short());
    let start = Instant::now();
    let err = client.send(probe()).await.unwrap_err();
    let Error::RateLimited(rl) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(rl.status.as_u16(), 429);
    assert_eq!(rl.retry_after, Some(Duration::from_secs(120)));

    let err = client.send(create()).await.unwrap_err();
    let Error::RateLimited(rl) = &err else {
        panic!("{err:?}")
    };
    let wait = rl.retry_after.unwrap();
    assert!(
        wait > Duration::from_secs(3500) && wait <= Duration::from_secs(3600),
        "{wait:?}"
    );
    assert_eq!(
        rl.reset_at,
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(reset))
    );
    let elapsed = start.elapsed();
    report("429 beyond the cap (two calls)", elapsed);
    assert!(elapsed < Duration::from_millis(500), "{elapsed:?}");
    server.verify().await;
}

// ---------------------------------------------------------------------------------------
// Bodies that do not decode.

#[tokio::test]
async fn empty_success_body_is_a_decode_error() {
    let server = MockServer::start().await;
    mount(&server, on("GET", "/probe"), ResponseTemplate::new(200), 1).await;
    let client = coolset_at(&server.uri(), retry(3), short());
    let err = client.send(probe()).await.unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.status.as_u16(), 200);
    assert!(d.raw_body().is_empty());
}

#[tokio::test]
async fn html_502_is_a_provider_error_with_raw_body() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let server = MockServer::start().await;
    let bad_gateway = ResponseTemplate::new(502).set_body_raw(html, "text/html");
    mount(&server, on("GET", "/probe"), bad_gateway, 3).await;
    let client = coolset_at(&server.uri(), retry(3), short());
    let err = client.send(probe()).await.unwrap_err();
    let pe = err.provider_error().unwrap();
    assert_eq!(pe.status.as_u16(), 502);
    assert!(pe.body.is_none());
    assert_eq!(pe.raw.expose_secret(), html.as_bytes());
    server.verify().await;
}

#[tokio::test]
async fn token_response_without_token_is_a_token_exchange_decode_error() {
    let server = coopfin_server(json!({"token_type": "Bearer", "expires_in": 60}), 1, 0).await;
    let client = coopfin_builder(&server).build().unwrap();
    let err = client.send(whoami::Request::new()).await.unwrap_err();
    let d = exchange_decode_error(&err);
    assert_eq!(d.status.as_u16(), 200);
    assert!(!err.to_string().contains("CANARY"));
    assert_eq!(count(&server, "/v1/me").await, 0, "the API got nothing");
    server.verify().await;
}

// ---------------------------------------------------------------------------------------
// The client-wide retry budget (R8).

async fn always_503() -> MockServer {
    let server = MockServer::start().await;
    mount_any(&server, on("GET", "/probe"), ResponseTemplate::new(503)).await;
    server
}

fn budget_policy(budget: Option<RetryBudget>) -> RetryPolicy {
    RetryPolicy {
        budget,
        ..retry_policy(3, 5, 20)
    }
}

async fn concurrent_calls(client: &coolset::Client, calls: usize) {
    let mut tasks = Vec::new();
    for _ in 0..calls {
        let c = client.clone();
        tasks.push(tokio::spawn(async move { c.send(probe()).await.map(drop) }));
    }
    for t in tasks {
        let err = t.await.unwrap().unwrap_err();
        assert_eq!(status_of(&err), Some(503));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn r8_retry_budget_bounds_load_under_sustained_failure() {
    const CALLS: usize = 100;
    let budget = RetryBudget::default();
    let server = always_503().await;
    let client = coolset_at(
        &server.uri(),
        budget_policy(Some(budget)),
        timeouts(1000, 2000),
    );
    let case = "100 concurrent calls, always 503, budget";
    timed(case, concurrent_calls(&client, CALLS)).await;
    let arrivals = received(&server).await.len();
    eprintln!("[faults] budget: {CALLS} calls -> {arrivals} arrivals");
    let bound = CALLS + CALLS * budget.percent as usize / 100 + budget.burst as usize;
    assert!(arrivals >= CALLS, "{arrivals}");
    assert!(arrivals <= bound, "{arrivals} > {bound}");

    // Without the budget every call makes three attempts.
    let server = always_503().await;
    let client = coolset_at(&server.uri(), budget_policy(None), timeouts(1000, 2000));
    concurrent_calls(&client, CALLS).await;
    let arrivals = received(&server).await.len();
    eprintln!("[faults] no budget: {CALLS} calls -> {arrivals} arrivals");
    assert_eq!(arrivals, CALLS * 3);
}

#[tokio::test]
async fn retry_budget_is_shared_by_clones_and_refills_with_calls() {
    let budget = RetryBudget {
        percent: 20,
        burst: 4,
    };
    let server = always_503().await;
    let client = coolset_at(&server.uri(), budget_policy(Some(budget)), short());
    let clone = client.clone();
    let calls = 30usize;
    for i in 0..calls {
        let c = if i % 2 == 0 { &client } else { &clone };
        let err = c.send(probe()).await.unwrap_err();
        assert_eq!(status_of(&err), Some(503));
    }
    let retries = received(&server).await.len() - calls;
    eprintln!("[faults] sequential budget: {calls} calls -> {retries} retries");
    // 4 banked + 20 % of 30 calls = 10 retries at most (and at least 6 were earned).
    assert!((6..=10).contains(&retries), "{retries}");
}

// ---------------------------------------------------------------------------------------
// Server retry hints (R9): `x-should-retry` overrides the status classification.

/// `status` carrying `x-should-retry: <hint>`.
fn hinted(status: u16, hint: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).insert_header("x-should-retry", hint)
}

#[tokio::test]
async fn r9_should_retry_false_is_not_retried_even_on_a_503() {
    let server = MockServer::start().await;
    mount(&server, on("GET", "/probe"), hinted(503, "false"), 1).await;
    // A "permanent 429": quota exhausted, with a short Retry-After that would otherwise be
    // honoured.
    let quota = hinted(429, "false")
        .insert_header("retry-after", "1")
        .set_body_json(json!({"detail": "Monthly quota exhausted."}));
    mount(&server, on("GET", "/note"), quota, 1).await;
    let client = coolset_at(&server.uri(), retry(3), short());
    let start = Instant::now();
    let err = client.send(probe()).await.unwrap_err();
    assert_eq!(status_of(&err), Some(503), "{err:?}");
    assert!(matches!(err, Error::Provider(_)));
    assert!(!err.is_transient(), "the server said a retry cannot help");
    let err = client
        .send(note::Request::new("x".to_owned()))
        .await
        .unwrap_err();
    let pe = err
        .provider_error()
        .expect("a provider error, not RateLimited");
    assert_eq!(pe.status.as_u16(), 429);
    assert!(matches!(pe.body, Some(coolset::ErrorBody::Detail { .. })));
    assert!(!err.is_transient());
    let elapsed = start.elapsed();
    report("x-should-retry: false (503 and 429)", elapsed);
    assert!(
        elapsed < Duration::from_millis(500),
        "failed fast: {elapsed:?}"
    );
    server.verify().await;
}

#[tokio::test]
async fn should_retry_true_retries_a_409_on_get_but_never_a_post() {
    let server = MockServer::start().await;
    let (script, arrivals) = Script::new(vec![
        hinted(409, "true").set_body_json(json!({"detail": "locked", "error_code": "busy"})),
        json_reply(200, json!({"ok": true})),
    ]);
    mount(&server, on("GET", "/probe"), script, 2).await;
    mount(&server, on("POST", "/create"), hinted(409, "true"), 1).await;
    let client = coolset_at(&server.uri(), retry(3), short());
    let ok = client.send(probe()).await.unwrap();
    assert!(ok.ok);
    assert_eq!(
        arrivals.lock().unwrap().len(),
        2,
        "the 409 was retried once"
    );
    let err = client.send(create()).await.unwrap_err();
    assert_eq!(status_of(&err), Some(409), "{err:?}");
    assert!(err.is_transient(), "the hint makes it transient...");
    server.verify().await; // ...but a POST that reached the server is not retried.

    // Without the hint a 409 is final; with it, attempts stay bounded by max_attempts.
    let server = MockServer::start().await;
    mount(&server, on("GET", "/probe"), hinted(409, "true"), 3).await;
    mount(&server, on("GET", "/note"), ResponseTemplate::new(409), 1).await;
    let client = coolset_at(&server.uri(), retry(3), short());
    let err = client.send(probe()).await.unwrap_err();
    assert_eq!(status_of(&err), Some(409));
    let err = client
        .send(note::Request::new("x".to_owned()))
        .await
        .unwrap_err();
    assert!(!err.is_transient());
    server.verify().await;
}

// ---------------------------------------------------------------------------------------
// `expires_in` edge cases through a real token exchange (T6).

const T6_TOKEN: &str = "tok_test_CANARY_T6";

/// A CoopFin server whose token endpoint answers `token_body` (expected `exchanges` times)
/// and whose `/me` answers `{"user_id": "u"}` (expected `calls` times, with the token).
async fn coopfin_server(token_body: serde_json::Value, exchanges: u64, calls: u64) -> MockServer {
    let server = MockServer::start().await;
    let token = json_reply(200, token_body);
    mount(&server, on("POST", "/v1/sandbox/token"), token, exchanges).await;
    let me = on("GET", "/v1/me").and(bearer(T6_TOKEN));
    mount(&server, me, json_reply(200, json!({"user_id": "u"})), calls).await;
    server
}

fn coopfin_at(server: &MockServer, clock: &ManualClock) -> coopfin::Client {
    coopfin_builder(server)
        .clock(clock.clone())
        .build()
        .unwrap()
}

fn token_body(expires_in: serde_json::Value) -> serde_json::Value {
    json!({"token_type": "Bearer", "token": T6_TOKEN, "expires_in": expires_in})
}

/// The issuer's decode error inside a token-exchange error.
fn exchange_decode_error(err: &Error<coopfin::ErrorBody>) -> &auth_sdk::DecodeError {
    let Error::TokenExchange(te) = err else {
        panic!("{err:?}")
    };
    assert_eq!(te.issuer, "create_token");
    let inner = te
        .inner()
        .downcast_ref::<Error<coopfin::ErrorBody>>()
        .expect("the issuer call's error");
    let Error::Decode(d) = inner else {
        panic!("{inner:?}")
    };
    d
}

#[tokio::test]
async fn r10_token_body_without_its_token_names_the_field() {
    let server = coopfin_server(json!({"token_type": "Bearer", "expires_in": 60}), 1, 0).await;
    let client = coopfin_at(&server, &ManualClock::new());
    let err = client.send(whoami::Request::new()).await.unwrap_err();
    let d = exchange_decode_error(&err);
    assert_eq!(d.path, "token", "{d:?}");
    assert!(chain(&err).contains("at `token`"), "{}", chain(&err));
    server.verify().await;
}

#[tokio::test]
async fn expires_in_as_a_string_is_a_decode_error_naming_the_field() {
    for value in [
        json!("86400"),
        json!(86400.5),
        json!(null),
        // Beyond i64: refused, not wrapped.
        json!(10_000_000_000_000_000_000u64),
    ] {
        let server = coopfin_server(token_body(value.clone()), 1, 0).await;
        let client = coopfin_at(&server, &ManualClock::new());
        let err = client.send(whoami::Request::new()).await.unwrap_err();
        let d = exchange_decode_error(&err);
        assert_eq!(d.path, "expires_in", "{value}: {d:?}");
        assert_eq!(d.category, "data", "{value}");
        assert_eq!(d.status.as_u16(), 200);
        let text = chain(&err);
        assert!(text.contains("`expires_in`"), "{value}: {text}");
        assert!(!err.is_transient(), "a bad body is not retried");
        assert_never_shows(&err, "CANARY");
        // The raw body is kept for the caller, behind the secret wrapper.
        assert!(
            String::from_utf8_lossy(d.raw_body().expose_secret()).contains(T6_TOKEN),
            "{value}"
        );
        server.verify().await;
    }
}

#[tokio::test]
async fn missing_expires_in_is_a_decode_error() {
    let server = coopfin_server(json!({"token_type": "Bearer", "token": T6_TOKEN}), 1, 0).await;
    let client = coopfin_at(&server, &ManualClock::new());
    let err = client.send(whoami::Request::new()).await.unwrap_err();
    let d = exchange_decode_error(&err);
    assert_eq!(d.category, "data", "{d:?}");
    assert_never_shows(&err, "CANARY");
    server.verify().await;
}

#[tokio::test]
async fn zero_or_negative_expires_in_is_used_once_and_not_cached() {
    for value in [0i64, -5, i64::MIN] {
        let server = coopfin_server(token_body(json!(value)), 2, 2).await;
        let client = coopfin_at(&server, &ManualClock::new());
        for _ in 0..2 {
            let me = client.send(whoami::Request::new()).await.unwrap();
            assert_eq!(me.user_id, "u");
        }
        server.verify().await; // two calls, two token fetches
    }
}

#[tokio::test]
async fn huge_expires_in_is_cached_without_expiry_or_overflow() {
    for value in [1_000_000_000_000_000i64, i64::MAX] {
        let server = coopfin_server(token_body(json!(value)), 1, 3).await;
        let clock = ManualClock::new();
        let client = coopfin_at(&server, &clock);
        client.send(whoami::Request::new()).await.unwrap();
        client.send(whoami::Request::new()).await.unwrap();
        // Treated as "no known expiry": still cached twenty years later.
        clock.advance(Duration::from_secs(20 * 365 * 24 * 3600));
        client.send(whoami::Request::new()).await.unwrap();
        server.verify().await; // one token fetch for three calls
    }
}
