//! Fault injection over loopback: wiremock for statuses and bodies, a raw `TcpListener`
//! server for what wiremock cannot do (reset, stall, lie about lengths, stream forever).
//!
//! Every case ends in a typed error or a bounded retry, and asserts how many attempts the
//! server saw and how long the call took. Real sleeps are sub-second except the
//! `Retry-After: 1` case.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use auth_sdk::__private::bytes::Bytes;
use auth_sdk::{
    Error, ReqwestTransport, RetryBudget, RetryPolicy, TimeoutKind, Timeouts, Transport,
    TransportError, TransportErrorKind, coolset, coopfin, http, loccus,
};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

const TOKEN: &str = "ct_test_CANARY_token";
const OK_BODY: &[u8] =
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{\"ok\":true}";

// ---------------------------------------------------------------------------------------
// User-declared endpoints (the public spec language).

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

mod note {
    use auth_sdk::{endpoint, response};
    /// A GET with a user-supplied header.
    #[endpoint(name = note, provider = auth_sdk::coolset::Client, GET "/note", auth = token)]
    pub struct Request {
        /// Free text.
        #[header("x-note")]
        pub note: String,
    }
    /// Answer.
    #[response(200)]
    pub struct Response {
        /// Whether it worked.
        pub ok: bool,
    }
}

#[allow(dead_code)] // the response is never decoded successfully here
mod whoami {
    use auth_sdk::{endpoint, response};
    /// CoopFin call authenticated with an exchanged token.
    #[endpoint(name = whoami, provider = auth_sdk::coopfin::Client, GET "/me", auth = token)]
    pub struct Request {}
    /// Who.
    #[response(200)]
    pub struct Response {
        /// Id.
        pub user_id: String,
    }
}

// ---------------------------------------------------------------------------------------
// Clients.

fn retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        ..RetryPolicy::default()
    }
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

fn coolset_at(base: &str, retry: RetryPolicy, timeouts: Timeouts) -> coolset::Client {
    coolset::Client::builder()
        .credentials(coolset::Credentials::new().with_api_token(TOKEN))
        .base_url(base)
        .allow_http_loopback(true)
        .retry(retry)
        .timeouts(timeouts)
        .build()
        .unwrap()
}

fn loccus_at(base: &str, timeouts: Timeouts) -> loccus::Client {
    loccus::Client::builder()
        .credentials(loccus::Credentials::new().with_api_key("lk_test_CANARY"))
        .base_url(format!("{base}/v1"))
        .allow_http_loopback(true)
        .retry(retry(3))
        .timeouts(timeouts)
        .build()
        .unwrap()
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

// ---------------------------------------------------------------------------------------
// A raw loopback server: counts accepted connections, runs `handler` on each.

struct Raw {
    addr: SocketAddr,
    accepts: Arc<AtomicUsize>,
}

impl Raw {
    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }
    fn accepts(&self) -> usize {
        self.accepts.load(Ordering::SeqCst)
    }
}

async fn raw<F, Fut>(handler: F) -> Raw
where
    F: Fn(TcpStream, usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepts = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepts);
    let handler = Arc::new(handler);
    tokio::spawn(async move {
        for _ in 0..1000 {
            let Ok((stream, _)) = listener.accept().await else {
                break;
            };
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let h = Arc::clone(&handler);
            tokio::spawn(async move { h(stream, n).await });
        }
    });
    Raw { addr, accepts }
}

/// Reads the request head (bounded in size and time).
async fn read_head(s: &mut TcpStream) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 64 * 1024 {
        match tokio::time::timeout(Duration::from_secs(2), s.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => break,
        }
    }
    buf
}

/// Holds a connection open without writing (longer than any client timeout here).
async fn stall() {
    tokio::time::sleep(Duration::from_secs(5)).await;
}

/// A closed loopback port.
fn closed_port() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    addr
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

fn timeout_kind<B>(e: &Error<B>) -> Option<TimeoutKind> {
    match e {
        Error::Timeout(t) => Some(t.kind),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Connection-level faults.

#[tokio::test]
async fn refused_connection_is_connect_error_retried_even_on_post() {
    let addr = closed_port();
    for post in [false, true] {
        let calls = Arc::new(AtomicUsize::new(0));
        let client = coolset::Client::builder()
            .credentials(coolset::Credentials::new().with_api_token(TOKEN))
            .base_url(format!("http://{addr}"))
            .allow_http_loopback(true)
            .retry(retry(3))
            .timeouts(short())
            .transport(Counting {
                inner: ReqwestTransport::new(Some(Duration::from_millis(500))).unwrap(),
                calls: Arc::clone(&calls),
            })
            .build()
            .unwrap();
        let start = Instant::now();
        let err = if post {
            client.send(create()).await.map(drop).unwrap_err()
        } else {
            client.send(probe()).await.map(drop).unwrap_err()
        };
        let elapsed = start.elapsed();
        report(if post { "refused POST" } else { "refused GET" }, elapsed);
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
async fn reset_after_accept_retried_on_get_not_on_post() {
    let server = raw(|mut s, _| async move {
        let _ = read_head(&mut s).await;
        let _ = s.set_zero_linger();
        drop(s);
    })
    .await;
    let client = coolset_at(&server.base(), retry(3), short());
    let start = Instant::now();
    let err = client.send(probe()).await.unwrap_err();
    report("reset GET", start.elapsed());
    assert_eq!(
        transport_kind(&err),
        Some(TransportErrorKind::Io),
        "{err:?}"
    );
    assert!(err.may_have_been_processed());
    assert_eq!(server.accepts(), 3);

    let err = client.send(create()).await.unwrap_err();
    assert_eq!(
        transport_kind(&err),
        Some(TransportErrorKind::Io),
        "{err:?}"
    );
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
async fn accept_and_stall_times_out_per_attempt() {
    let server = raw(|mut s, _| async move {
        let _ = read_head(&mut s).await;
        stall().await;
    })
    .await;
    // GET: three attempts of 200 ms, each on a fresh connection, within the 1 s total.
    let client = coolset_at(&server.base(), retry(3), short());
    let start = Instant::now();
    let err = client.send(probe()).await.unwrap_err();
    let elapsed = start.elapsed();
    report("stall GET (3 x 200 ms)", elapsed);
    assert_eq!(timeout_kind(&err), Some(TimeoutKind::Attempt), "{err:?}");
    assert_eq!(server.accepts(), 3);
    assert!(elapsed >= Duration::from_millis(600), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(1000), "{elapsed:?}");

    // Loccus create_key (POST): one attempt, and the error says it may have been processed.
    let loccus = loccus_at(&server.base(), short());
    let start = Instant::now();
    let err = loccus.create_key("new-key").await.unwrap_err();
    let elapsed = start.elapsed();
    report("stall create_key (1 x 200 ms)", elapsed);
    assert_eq!(timeout_kind(&err), Some(TimeoutKind::Attempt), "{err:?}");
    assert!(err.may_have_been_processed());
    assert!(err.to_string().contains("may have been processed"), "{err}");
    assert_eq!(server.accepts(), 4);
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(600), "{elapsed:?}");
}

#[tokio::test]
async fn total_timeout_bounds_the_call() {
    let server = raw(|mut s, _| async move {
        let _ = read_head(&mut s).await;
        stall().await;
    })
    .await;
    // Attempts of 400 ms would need 1.2 s; the total of 1 s ends the third one.
    let client = coolset_at(&server.base(), retry(3), timeouts(400, 1000));
    let start = Instant::now();
    let err = client.send(probe()).await.unwrap_err();
    let elapsed = start.elapsed();
    report("stall GET, total 1 s", elapsed);
    assert_eq!(timeout_kind(&err), Some(TimeoutKind::Total), "{err:?}");
    assert_eq!(server.accepts(), 3);
    assert!(elapsed >= Duration::from_millis(1000), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
}

#[tokio::test]
async fn headers_then_stalled_body_times_out() {
    let server = raw(|mut s, _| async move {
        let _ = read_head(&mut s).await;
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"ok\"")
            .await;
        stall().await;
    })
    .await;
    let client = coolset_at(&server.base(), retry(2), short());
    let start = Instant::now();
    let err = client.send(probe()).await.unwrap_err();
    let elapsed = start.elapsed();
    report("headers then stalled body (2 x 200 ms)", elapsed);
    assert_eq!(timeout_kind(&err), Some(TimeoutKind::Attempt), "{err:?}");
    assert_eq!(server.accepts(), 2);
    assert!(elapsed >= Duration::from_millis(400), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(800), "{elapsed:?}");
}

#[tokio::test]
async fn retry_after_timeout_uses_a_fresh_connection() {
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
    let start = Instant::now();
    let ok = client.send(probe()).await.unwrap();
    let elapsed = start.elapsed();
    report("stall then answer on a new connection", elapsed);
    assert!(ok.ok);
    assert_eq!(server.accepts(), 2, "the retry opened a second connection");
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(600), "{elapsed:?}");
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
    let start = Instant::now();
    let err = client.send(probe()).await.unwrap_err();
    report("truncated body GET", start.elapsed());
    assert!(
        matches!(&err, Error::Transport(t) if t.kind == TransportErrorKind::Io)
            || matches!(&err, Error::Decode(_)),
        "{err:?}"
    );
    assert!(err.is_transient());
    assert_eq!(server.accepts(), 3);
    assert!(start.elapsed() < Duration::from_millis(900));
}

#[tokio::test]
async fn endless_chunked_body_is_cut_off() {
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
    let start = Instant::now();
    let err = client.send(probe()).await.unwrap_err();
    let elapsed = start.elapsed();
    report("64 MiB chunked body", elapsed);
    assert_eq!(
        transport_kind(&err),
        Some(TransportErrorKind::BodyTooLarge),
        "{err:?}"
    );
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
    let server = raw(|mut s, _| async move {
        let _ = read_head(&mut s).await;
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10737418240\r\n\r\n{")
            .await;
        stall().await;
    })
    .await;
    let client = coolset_at(&server.base(), retry(3), short());
    let start = Instant::now();
    let err = client.send(probe()).await.unwrap_err();
    let elapsed = start.elapsed();
    report("10 GiB Content-Length", elapsed);
    assert_eq!(
        transport_kind(&err),
        Some(TransportErrorKind::BodyTooLarge),
        "{err:?}"
    );
    assert!(elapsed < Duration::from_millis(500), "{elapsed:?}");
    assert_eq!(server.accepts(), 1);
}

#[tokio::test]
async fn redirects_are_not_followed_to_another_origin() {
    let other = raw(|mut s, _| async move {
        let _ = read_head(&mut s).await;
        let _ = s.write_all(OK_BODY).await;
    })
    .await;
    let server = MockServer::start().await;
    let location = format!("{}/collect", other.base());
    Mock::given(method("GET"))
        .and(path("/probe"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", location.as_str()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/create"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", location.as_str()))
        .expect(1)
        .mount(&server)
        .await;
    let client = coolset_at(&server.uri(), retry(3), short());
    let err = client.send(probe()).await.unwrap_err();
    assert_eq!(
        transport_kind(&err),
        Some(TransportErrorKind::Redirect),
        "{err:?}"
    );
    assert_eq!(err.status(), None);
    let err = client.send(create()).await.unwrap_err();
    assert_eq!(
        transport_kind(&err),
        Some(TransportErrorKind::Redirect),
        "{err:?}"
    );
    assert!(!err.to_string().contains("CANARY"));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(other.accepts(), 0, "the second origin was never contacted");
}

#[tokio::test]
async fn header_values_with_control_characters_are_never_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/note"))
        .and(header("x-note", "fine value"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
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
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

// ---------------------------------------------------------------------------------------
// Status classification.

#[tokio::test]
async fn server_errors_retried_on_get_not_on_post() {
    for status in [500u16, 502, 503, 504] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/probe"))
            .respond_with(ResponseTemplate::new(status))
            .expect(3)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/create"))
            .respond_with(ResponseTemplate::new(status))
            .expect(1)
            .mount(&server)
            .await;
        let client = coolset_at(&server.uri(), retry(3), short());
        let start = Instant::now();
        let err = client.send(probe()).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err:?}");
        assert!(matches!(err, Error::Provider(_)));
        let err = client.send(create()).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err:?}");
        assert!(start.elapsed() < Duration::from_millis(1000));
        server.verify().await;
    }
}

#[tokio::test]
async fn idempotent_post_retries_are_identical_and_backed_off_within_the_cap() {
    // CoopFin create_token is an idempotent POST: 503, 503, then a token.
    let server = MockServer::start().await;
    let (script, arrivals) = Script::new(vec![
        ResponseTemplate::new(503),
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"token_type": "Bearer", "token": "tok", "expires_in": 60}),
        ),
    ]);
    Mock::given(method("POST"))
        .and(path("/v1/sandbox/token"))
        .respond_with(script)
        .expect(3)
        .mount(&server)
        .await;
    let policy = RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(30),
        max_backoff: Duration::from_millis(60),
        ..RetryPolicy::default()
    };
    let client = coopfin::Client::builder()
        .base_url(format!("{}/v1", server.uri()))
        .allow_http_loopback(true)
        .retry(policy)
        .timeouts(short())
        .build()
        .unwrap();
    let token = client
        .create_token("pk_test_1", "sk_test_CANARY")
        .await
        .unwrap();
    assert_eq!(token.expires_in, 60);
    let received = server.received_requests().await.unwrap();
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
        Mock::given(method("GET"))
            .and(path("/probe"))
            .respond_with(
                ResponseTemplate::new(status)
                    .set_body_json(serde_json::json!({"detail": "no", "error_code": "x"})),
            )
            .expect(1)
            .mount(&server)
            .await;
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
async fn retry_after_one_second_is_honoured() {
    let server = MockServer::start().await;
    let (script, arrivals) = Script::new(vec![
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})),
    ]);
    Mock::given(method("GET"))
        .and(path("/probe"))
        .respond_with(script)
        .expect(2)
        .mount(&server)
        .await;
    let client = coolset_at(&server.uri(), retry(3), timeouts(500, 3000));
    let start = Instant::now();
    let ok = client.send(probe()).await.unwrap();
    report("429 Retry-After: 1 then 200", start.elapsed());
    assert!(ok.ok);
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
    Mock::given(method("GET"))
        .and(path("/probe"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "120"))
        .expect(1)
        .mount(&server)
        .await;
    let reset = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    // Coolset style: no Retry-After, the window resets in an hour; on a POST.
    Mock::given(method("POST"))
        .and(path("/create"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-ratelimit-limit", "100")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", reset.to_string().as_str())
                .set_body_json(serde_json::json!({"detail": "Request was throttled."})),
        )
        .expect(1)
        .mount(&server)
        .await;
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
    Mock::given(method("GET"))
        .and(path("/probe"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
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
    Mock::given(method("GET"))
        .and(path("/probe"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(html, "text/html"))
        .expect(3)
        .mount(&server)
        .await;
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
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/sandbox/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"token_type": "Bearer", "expires_in": 60})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/me"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"user_id": "u"})))
        .expect(0)
        .mount(&server)
        .await;
    let client = coopfin::Client::builder()
        .credentials(
            coopfin::Credentials::new()
                .with_api_key("pk_test_1")
                .with_secret_key("sk_test_CANARY"),
        )
        .base_url(format!("{}/v1", server.uri()))
        .allow_http_loopback(true)
        .retry(retry(3))
        .timeouts(short())
        .build()
        .unwrap();
    let err = client.send(whoami::Request::new()).await.unwrap_err();
    let Error::TokenExchange(te) = &err else {
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
    assert_eq!(d.status.as_u16(), 200);
    assert!(!err.to_string().contains("CANARY"));
    server.verify().await;
}

// ---------------------------------------------------------------------------------------
// The client-wide retry budget (R8).

async fn always_503() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/probe"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    server
}

fn budget_policy(budget: Option<RetryBudget>) -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        budget,
        ..RetryPolicy::default()
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
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn retry_budget_bounds_load_under_sustained_failure() {
    const CALLS: usize = 100;
    let budget = RetryBudget::default();
    let server = always_503().await;
    let client = coolset_at(
        &server.uri(),
        budget_policy(Some(budget)),
        timeouts(1000, 2000),
    );
    let start = Instant::now();
    concurrent_calls(&client, CALLS).await;
    let arrivals = server.received_requests().await.unwrap().len();
    report("100 concurrent calls, always 503, budget", start.elapsed());
    eprintln!("[faults] budget: {CALLS} calls -> {arrivals} arrivals");
    let bound = CALLS + CALLS * budget.percent as usize / 100 + budget.burst as usize;
    assert!(arrivals >= CALLS, "{arrivals}");
    assert!(arrivals <= bound, "{arrivals} > {bound}");

    // Without the budget every call makes three attempts.
    let server = always_503().await;
    let client = coolset_at(&server.uri(), budget_policy(None), timeouts(1000, 2000));
    concurrent_calls(&client, CALLS).await;
    let arrivals = server.received_requests().await.unwrap().len();
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
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    }
    let arrivals = server.received_requests().await.unwrap().len();
    let retries = arrivals - calls;
    eprintln!("[faults] sequential budget: {calls} calls -> {retries} retries");
    // 4 banked + 20 % of 30 calls = 10 retries at most (and at least 6 were earned).
    assert!((6..=10).contains(&retries), "{retries}");
}

// ---------------------------------------------------------------------------------------
// Server retry hints (R9): `x-should-retry` overrides the status classification.

#[tokio::test]
async fn should_retry_false_is_not_retried_even_on_a_503() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/probe"))
        .respond_with(ResponseTemplate::new(503).insert_header("x-should-retry", "false"))
        .expect(1)
        .mount(&server)
        .await;
    // A "permanent 429": quota exhausted, with a short Retry-After that would otherwise be
    // honoured.
    Mock::given(method("GET"))
        .and(path("/note"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-should-retry", "false")
                .insert_header("retry-after", "1")
                .set_body_json(serde_json::json!({"detail": "Monthly quota exhausted."})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = coolset_at(&server.uri(), retry(3), short());
    let start = Instant::now();
    let err = client.send(probe()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err:?}");
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
        ResponseTemplate::new(409)
            .insert_header("x-should-retry", "true")
            .set_body_json(serde_json::json!({"detail": "locked", "error_code": "busy"})),
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})),
    ]);
    Mock::given(method("GET"))
        .and(path("/probe"))
        .respond_with(script)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/create"))
        .respond_with(ResponseTemplate::new(409).insert_header("x-should-retry", "true"))
        .expect(1)
        .mount(&server)
        .await;
    let client = coolset_at(&server.uri(), retry(3), short());
    let ok = client.send(probe()).await.unwrap();
    assert!(ok.ok);
    assert_eq!(
        arrivals.lock().unwrap().len(),
        2,
        "the 409 was retried once"
    );
    let err = client.send(create()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409), "{err:?}");
    assert!(err.is_transient(), "the hint makes it transient...");
    server.verify().await; // ...but a POST that reached the server is not retried.

    // Without the hint a 409 is final; with it, attempts stay bounded by max_attempts.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/probe"))
        .respond_with(ResponseTemplate::new(409).insert_header("x-should-retry", "true"))
        .expect(3)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/note"))
        .respond_with(ResponseTemplate::new(409))
        .expect(1)
        .mount(&server)
        .await;
    let client = coolset_at(&server.uri(), retry(3), short());
    let err = client.send(probe()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
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
    Mock::given(method("POST"))
        .and(path("/v1/sandbox/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body))
        .expect(exchanges)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/me"))
        .and(header(
            "authorization",
            format!("Bearer {T6_TOKEN}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"user_id": "u"})))
        .expect(calls)
        .mount(&server)
        .await;
    server
}

fn coopfin_at(server: &MockServer, clock: &auth_sdk::ManualClock) -> coopfin::Client {
    coopfin::Client::builder()
        .credentials(
            coopfin::Credentials::new()
                .with_api_key("pk_test_1")
                .with_secret_key("sk_test_CANARY"),
        )
        .base_url(format!("{}/v1", server.uri()))
        .allow_http_loopback(true)
        .clock(clock.clone())
        .retry(retry(3))
        .timeouts(short())
        .build()
        .unwrap()
}

fn token_body(expires_in: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"token_type": "Bearer", "token": T6_TOKEN, "expires_in": expires_in})
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

fn assert_no_canary(err: &Error<coopfin::ErrorBody>) {
    let mut texts = vec![err.to_string(), format!("{err:?}")];
    let mut cur = std::error::Error::source(err);
    while let Some(c) = cur {
        texts.push(c.to_string());
        cur = c.source();
    }
    for t in texts {
        assert!(!t.contains("CANARY"), "{t}");
    }
}

#[tokio::test]
async fn expires_in_as_a_string_is_a_decode_error_naming_the_field() {
    for value in [
        serde_json::json!("86400"),
        serde_json::json!(86400.5),
        serde_json::json!(null),
        // Beyond i64: refused, not wrapped.
        serde_json::json!(10_000_000_000_000_000_000u64),
    ] {
        let server = coopfin_server(token_body(value.clone()), 1, 0).await;
        let client = coopfin_at(&server, &auth_sdk::ManualClock::new());
        let err = client.send(whoami::Request::new()).await.unwrap_err();
        let d = exchange_decode_error(&err);
        assert_eq!(d.path, "expires_in", "{value}: {d:?}");
        assert_eq!(d.category, "data", "{value}");
        assert_eq!(d.status.as_u16(), 200);
        let text = err.to_string();
        assert!(text.contains("`expires_in`"), "{value}: {text}");
        assert!(!err.is_transient(), "a bad body is not retried");
        assert_no_canary(&err);
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
    let server = coopfin_server(
        serde_json::json!({"token_type": "Bearer", "token": T6_TOKEN}),
        1,
        0,
    )
    .await;
    let client = coopfin_at(&server, &auth_sdk::ManualClock::new());
    let err = client.send(whoami::Request::new()).await.unwrap_err();
    let d = exchange_decode_error(&err);
    assert_eq!(d.category, "data", "{d:?}");
    assert_no_canary(&err);
    server.verify().await;
}

#[tokio::test]
async fn zero_or_negative_expires_in_is_used_once_and_not_cached() {
    for value in [0i64, -5, i64::MIN] {
        let server = coopfin_server(token_body(serde_json::json!(value)), 2, 2).await;
        let client = coopfin_at(&server, &auth_sdk::ManualClock::new());
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
        let server = coopfin_server(token_body(serde_json::json!(value)), 1, 3).await;
        let clock = auth_sdk::ManualClock::new();
        let client = coopfin_at(&server, &clock);
        client.send(whoami::Request::new()).await.unwrap();
        client.send(whoami::Request::new()).await.unwrap();
        // Treated as "no known expiry": still cached twenty years later.
        clock.advance(Duration::from_secs(20 * 365 * 24 * 3600));
        client.send(whoami::Request::new()).await.unwrap();
        server.verify().await; // one token fetch for three calls
    }
}
