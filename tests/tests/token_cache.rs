#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! Token cache behaviour (checklist T1–T7) through real clients over loopback wiremock, with
//! an injected `ManualClock` driving token lifetimes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use auth_sdk::{
    Clock as _, Error, ManualClock, RetryPolicy, TimeoutKind, Timeouts, Timestamp, akool, coinflow,
    coopfin, loccus,
};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

mod common;
use common::{count, fast_retry, requests_to};

pub mod whoami {
    use auth_sdk::{endpoint, response};
    /// A CoopFin endpoint authenticated with the issued bearer token.
    #[endpoint(name = whoami, provider = auth_sdk::coopfin::Client, GET "/me", auth = token)]
    pub struct Request {}
    /// Who.
    #[response(200)]
    pub struct Response {
        /// Id.
        pub user_id: String,
    }
}

pub mod cf_me {
    use auth_sdk::{endpoint, response};
    /// A Coinflow endpoint authenticated with the cached session key.
    #[endpoint(name = cf_me, provider = auth_sdk::coinflow::Client, GET "/me", auth = session)]
    pub struct Request {}
    /// Who.
    #[response(200)]
    pub struct Response {
        /// Id.
        pub user_id: String,
    }
}

const TOKEN_PATH: &str = "/v1/sandbox/token";
const ME_PATH: &str = "/v1/me";

/// CoopFin `create_token` responder: `tok-1`, `tok-2`, ... in order; the status, the delay
/// and the lifetime are switchable while the test runs.
#[derive(Clone)]
struct Issuer {
    issued: Arc<AtomicUsize>,
    status: Arc<AtomicU16>,
    slow: Arc<AtomicBool>,
    slow_delay: Duration,
    delay: Duration,
    expires_in: i64,
}

impl Issuer {
    fn new(expires_in: i64) -> Self {
        Issuer {
            issued: Arc::new(AtomicUsize::new(0)),
            status: Arc::new(AtomicU16::new(200)),
            slow: Arc::new(AtomicBool::new(false)),
            slow_delay: Duration::ZERO,
            delay: Duration::ZERO,
            expires_in,
        }
    }
    fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
    fn set_status(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }
    /// Tokens handed out so far (200 answers only).
    fn issued(&self) -> usize {
        self.issued.load(Ordering::SeqCst)
    }
}

impl Respond for Issuer {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let status = self.status.load(Ordering::SeqCst);
        let mut t = if status == 200 {
            let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
            ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "token_type": "Bearer",
                "token": format!("tok-{n}"),
                "expires_in": self.expires_in,
            }))
        } else {
            ResponseTemplate::new(status)
                .set_body_json(serde_json::json!({"error": "token service unavailable"}))
        };
        let delay = if self.slow.load(Ordering::SeqCst) {
            self.slow_delay
        } else {
            self.delay
        };
        if !delay.is_zero() {
            t = t.set_delay(delay);
        }
        t
    }
}

async fn mount_issuer(server: &MockServer, issuer: &Issuer) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(issuer.clone())
        .mount(server)
        .await;
}

async fn mount_me_ok(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(ME_PATH))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"user_id": "u1"})),
        )
        .mount(server)
        .await;
}

fn coopfin_client(
    server: &MockServer,
    clock: &ManualClock,
    retry: RetryPolicy,
    timeouts: Timeouts,
) -> coopfin::Client {
    coopfin::Client::builder()
        .credentials(
            coopfin::Credentials::new()
                .with_api_key("pk_test_cache")
                .with_secret_key("sk_test_cache"),
        )
        .base_url(format!("{}/v1", server.uri()))
        .allow_http_loopback(true)
        .clock(clock.clone())
        .retry(retry)
        .timeouts(timeouts)
        .build()
        .unwrap()
}

/// The `authorization` header of every request to `path_`, in arrival order.
async fn auth_headers(server: &MockServer, path_: &str) -> Vec<String> {
    requests_to(server, path_)
        .await
        .iter()
        .map(|r| {
            r.headers
                .get("authorization")
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 1–3: reuse, refresh window, expiry
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn reuses_token_before_the_refresh_window() {
    let server = MockServer::start().await;
    let issuer = Issuer::new(600);
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(issuer.clone())
        .expect(1)
        .mount(&server)
        .await;
    mount_me_ok(&server).await;
    let clock = ManualClock::new();
    let client = coopfin_client(&server, &clock, fast_retry(), Timeouts::default());

    // Refresh starts at the earliest 600 - 330 = 270 s after receipt: stay below.
    for advance in [0u64, 0, 200, 30, 30] {
        clock.advance(Duration::from_secs(advance));
        let me = client.send(whoami::Request::new()).await.unwrap();
        assert_eq!(me.user_id, "u1");
    }
    assert_eq!(issuer.issued(), 1);
    assert_eq!(
        auth_headers(&server, ME_PATH).await,
        vec!["Bearer tok-1"; 5]
    );
}

#[tokio::test]
async fn refreshes_inside_the_window_and_sends_the_new_token() {
    let server = MockServer::start().await;
    let issuer = Issuer::new(600);
    mount_issuer(&server, &issuer).await;
    mount_me_ok(&server).await;
    let clock = ManualClock::new();
    let client = coopfin_client(&server, &clock, fast_retry(), Timeouts::default());

    client.send(whoami::Request::new()).await.unwrap();
    // Window = min(300, 600 / 2) + up to 10 % = 300..330 s before expiry: refresh from 270..300 s.
    clock.advance(Duration::from_secs(320));
    client.send(whoami::Request::new()).await.unwrap();
    // The new token is cached: no third fetch.
    client.send(whoami::Request::new()).await.unwrap();

    assert_eq!(issuer.issued(), 2, "exactly one refresh");
    assert_eq!(count(&server, TOKEN_PATH).await, 2);
    assert_eq!(
        auth_headers(&server, ME_PATH).await,
        vec!["Bearer tok-1", "Bearer tok-2", "Bearer tok-2"]
    );
}

#[tokio::test]
async fn refreshes_after_expiry() {
    let server = MockServer::start().await;
    let issuer = Issuer::new(600);
    mount_issuer(&server, &issuer).await;
    mount_me_ok(&server).await;
    let clock = ManualClock::new();
    let client = coopfin_client(&server, &clock, fast_retry(), Timeouts::default());

    client.send(whoami::Request::new()).await.unwrap();
    clock.advance(Duration::from_secs(700));
    client.send(whoami::Request::new()).await.unwrap();
    clock.advance(Duration::from_secs(3600));
    client.send(whoami::Request::new()).await.unwrap();

    assert_eq!(issuer.issued(), 3);
    assert_eq!(
        auth_headers(&server, ME_PATH).await,
        vec!["Bearer tok-1", "Bearer tok-2", "Bearer tok-3"]
    );
}

// ---------------------------------------------------------------------------------------------
// 4: single flight
// ---------------------------------------------------------------------------------------------

async fn concurrent_cold_calls(n: usize) -> (usize, Vec<String>, Duration) {
    let server = MockServer::start().await;
    let issuer = Issuer::new(600).with_delay(Duration::from_millis(200));
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(issuer.clone())
        .expect(1)
        .mount(&server)
        .await;
    mount_me_ok(&server).await;
    let clock = ManualClock::new();
    let client = coopfin_client(&server, &clock, fast_retry(), Timeouts::default());

    let started = Instant::now();
    let mut tasks = Vec::with_capacity(n);
    for _ in 0..n {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            client.send(whoami::Request::new()).await
        }));
    }
    let results = tokio::time::timeout(Duration::from_secs(10), async {
        let mut out = Vec::with_capacity(n);
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    })
    .await
    .expect("concurrent calls did not finish within 10 s");
    let elapsed = started.elapsed();
    for r in &results {
        assert_eq!(
            r.as_ref().map(|m| m.user_id.as_str()).ok(),
            Some("u1"),
            "{r:?}"
        );
    }
    let tokens = count(&server, TOKEN_PATH).await;
    let auths = auth_headers(&server, ME_PATH).await;
    (tokens, auths, elapsed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn single_flight_100_then_1000_concurrent_cold_calls() {
    let (tokens, auths, _) = concurrent_cold_calls(100).await;
    assert_eq!(
        tokens, 1,
        "100 cold callers must cause exactly one token request"
    );
    assert_eq!(auths.len(), 100);
    assert!(auths.iter().all(|a| a == "Bearer tok-1"), "{auths:?}");

    let (tokens, auths, elapsed) = concurrent_cold_calls(1000).await;
    assert_eq!(
        tokens, 1,
        "1000 cold callers must cause exactly one token request"
    );
    assert_eq!(auths.len(), 1000);
    assert!(auths.iter().all(|a| a == "Bearer tok-1"));
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
}

// ---------------------------------------------------------------------------------------------
// 5–6: failures are not cached; a valid token survives a failed refresh
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn failed_exchange_is_not_cached() {
    let server = MockServer::start().await;
    let issuer = Issuer::new(600);
    issuer.set_status(500);
    mount_issuer(&server, &issuer).await;
    mount_me_ok(&server).await;
    let clock = ManualClock::new();
    let client = coopfin_client(
        &server,
        &clock,
        RetryPolicy::disabled(),
        Timeouts::default(),
    );

    let err = client.send(whoami::Request::new()).await.unwrap_err();
    let Error::TokenExchange(te) = &err else {
        panic!("expected TokenExchange, got {err:?}");
    };
    assert_eq!(te.issuer, "create_token");
    assert_eq!(te.provider, "CoopFin Network");
    let inner = te
        .inner()
        .downcast_ref::<Error<coopfin::ErrorBody>>()
        .expect("the inner error is the issuer call's Error<coopfin::ErrorBody>");
    let pe = inner.provider_error().expect("a provider error");
    assert_eq!(pe.status.as_u16(), 500);
    assert_eq!(
        pe.body.as_ref().map(|b| b.error.as_str()),
        Some("token service unavailable")
    );
    assert!(err.is_transient(), "a 500 from the issuer is transient");
    assert!(std::error::Error::source(&err).is_some());
    assert_eq!(count(&server, TOKEN_PATH).await, 1, "retries are disabled");
    assert_eq!(count(&server, ME_PATH).await, 0, "the API got nothing");

    issuer.set_status(200);
    let me = client.send(whoami::Request::new()).await.unwrap();
    assert_eq!(me.user_id, "u1");
    assert_eq!(count(&server, TOKEN_PATH).await, 2, "exactly one new fetch");
    assert_eq!(auth_headers(&server, ME_PATH).await, vec!["Bearer tok-1"]);
}

#[tokio::test]
async fn old_token_kept_while_valid_when_refresh_fails() {
    let server = MockServer::start().await;
    let issuer = Issuer::new(600);
    mount_issuer(&server, &issuer).await;
    mount_me_ok(&server).await;
    let clock = ManualClock::new();
    let client = coopfin_client(
        &server,
        &clock,
        RetryPolicy::disabled(),
        Timeouts::default(),
    );

    client.send(whoami::Request::new()).await.unwrap();
    clock.advance(Duration::from_secs(320)); // inside the window, 280 s of life left
    issuer.set_status(500);
    let me = client.send(whoami::Request::new()).await.unwrap();
    assert_eq!(me.user_id, "u1");
    assert_eq!(
        count(&server, TOKEN_PATH).await,
        2,
        "a refresh was attempted"
    );
    assert_eq!(
        auth_headers(&server, ME_PATH).await,
        vec!["Bearer tok-1", "Bearer tok-1"],
        "the old token stays in use"
    );

    clock.advance(Duration::from_secs(300)); // 620 s: expired
    let err = client.send(whoami::Request::new()).await.unwrap_err();
    assert!(matches!(err, Error::TokenExchange(_)), "{err:?}");
    assert_eq!(
        count(&server, ME_PATH).await,
        2,
        "an expired token is never sent"
    );
}

// ---------------------------------------------------------------------------------------------
// 7: 401 → one refetch, one replay, no loop
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn unauthorized_refetches_once_and_replays_once() {
    let server = MockServer::start().await;
    let issuer = Issuer::new(600);
    mount_issuer(&server, &issuer).await;
    Mock::given(method("GET"))
        .and(path(ME_PATH))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(serde_json::json!({"error": "revoked"})),
        )
        .mount(&server)
        .await;
    mount_me_ok(&server).await;
    let clock = ManualClock::new();
    let client = coopfin_client(&server, &clock, fast_retry(), Timeouts::default());

    let me = client.send(whoami::Request::new()).await.unwrap();
    assert_eq!(me.user_id, "u1");
    assert_eq!(count(&server, TOKEN_PATH).await, 2);
    assert_eq!(
        auth_headers(&server, ME_PATH).await,
        vec!["Bearer tok-1", "Bearer tok-2"]
    );
    // The replacement token is cached.
    client.send(whoami::Request::new()).await.unwrap();
    assert_eq!(count(&server, TOKEN_PATH).await, 2);
}

#[tokio::test]
async fn always_unauthorized_stops_after_one_replay() {
    let server = MockServer::start().await;
    let issuer = Issuer::new(600);
    mount_issuer(&server, &issuer).await;
    Mock::given(method("GET"))
        .and(path(ME_PATH))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({"error": "no"})))
        .expect(2)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let client = coopfin_client(&server, &clock, fast_retry(), Timeouts::default());

    let err = client.send(whoami::Request::new()).await.unwrap_err();
    let pe = err.provider_error().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(pe.status.as_u16(), 401);
    assert!(pe.is_auth_failure());
    assert_eq!(pe.body.as_ref().map(|b| b.error.as_str()), Some("no"));
    assert_eq!(count(&server, ME_PATH).await, 2, "exactly two API attempts");
    assert_eq!(
        count(&server, TOKEN_PATH).await,
        2,
        "exactly two token fetches"
    );
    assert_eq!(
        auth_headers(&server, ME_PATH).await,
        vec!["Bearer tok-1", "Bearer tok-2"]
    );
}

// ---------------------------------------------------------------------------------------------
// 8–9: cancellation and the token-exchange timeout
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn cancelled_refresh_does_not_wedge_the_cache() {
    let server = MockServer::start().await;
    let mut issuer = Issuer::new(600);
    issuer.slow_delay = Duration::from_secs(2);
    issuer.slow.store(true, Ordering::SeqCst);
    mount_issuer(&server, &issuer).await;
    mount_me_ok(&server).await;
    let clock = ManualClock::new();
    let client = coopfin_client(&server, &clock, fast_retry(), Timeouts::default());

    let first = tokio::time::timeout(
        Duration::from_millis(100),
        client.send(whoami::Request::new()),
    )
    .await;
    assert!(first.is_err(), "the first call is cancelled by the timeout");

    issuer.slow.store(false, Ordering::SeqCst);
    let started = Instant::now();
    let me = tokio::time::timeout(Duration::from_secs(1), client.send(whoami::Request::new()))
        .await
        .expect("the call after a cancelled refresh must not wait for the abandoned one")
        .unwrap();
    assert_eq!(me.user_id, "u1");
    assert!(started.elapsed() < Duration::from_millis(1000));
    assert_eq!(count(&server, TOKEN_PATH).await, 2, "one more exchange");
    assert_eq!(auth_headers(&server, ME_PATH).await, vec!["Bearer tok-2"]);
}

#[tokio::test]
async fn token_exchange_has_its_own_timeout() {
    let server = MockServer::start().await;
    let issuer = Issuer::new(600).with_delay(Duration::from_secs(1));
    mount_issuer(&server, &issuer).await;
    Mock::given(method("GET"))
        .and(path(ME_PATH))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"user_id": "u1"})),
        )
        .expect(0)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let client = coopfin_client(
        &server,
        &clock,
        RetryPolicy::disabled(),
        Timeouts {
            token_exchange: Some(Duration::from_millis(150)),
            ..Timeouts::default()
        },
    );

    let started = Instant::now();
    let err = client.send(whoami::Request::new()).await.unwrap_err();
    let elapsed = started.elapsed();
    let Error::Timeout(t) = &err else {
        panic!("expected Timeout, got {err:?}");
    };
    assert_eq!(t.kind, TimeoutKind::TokenExchange);
    assert_eq!(t.after, Duration::from_millis(150));
    assert!(elapsed < Duration::from_millis(900), "took {elapsed:?}");
    assert_eq!(count(&server, ME_PATH).await, 0);
}

// ---------------------------------------------------------------------------------------------
// 10: lifetimes of the other issuers
// ---------------------------------------------------------------------------------------------

/// Loccus `sign_in` responder: `expiresAt` = the manual clock's wall time + `offset_secs`.
#[derive(Clone)]
struct LoccusSignIn {
    clock: ManualClock,
    offset_secs: i64,
    issued: Arc<AtomicUsize>,
}

impl Respond for LoccusSignIn {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        let now = self.clock.system_now();
        let off = Duration::from_secs(self.offset_secs.unsigned_abs());
        let expires = if self.offset_secs >= 0 {
            now + off
        } else {
            now - off
        };
        let issued_at = Timestamp::from_system_time(now - Duration::from_secs(60));
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "token": format!("session-{n}"),
            "issuedAt": issued_at.as_str(),
            "expiresAt": Timestamp::from_system_time(expires).as_str(),
        }))
    }
}

fn loccus_user() -> serde_json::Value {
    serde_json::json!({
        "id": "3f1c9a2e-0000-4000-8000-000000000001",
        "handle": "cache-user",
        "alias": null,
        "email": "cache-user@example.invalid",
        "emailVerified": true,
        "state": "verified",
        "orgs": 1,
        "spaces": 2,
        "createdAt": "2023-01-01T00:00:00Z"
    })
}

async fn loccus_setup(offset_secs: i64) -> (MockServer, ManualClock, loccus::Client) {
    let server = MockServer::start().await;
    let clock = ManualClock::new();
    Mock::given(method("POST"))
        .and(path("/v1/auth/credentials"))
        .respond_with(LoccusSignIn {
            clock: clock.clone(),
            offset_secs,
            issued: Arc::new(AtomicUsize::new(0)),
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(loccus_user()))
        .mount(&server)
        .await;
    let client = loccus::Client::builder()
        .credentials(
            loccus::Credentials::new()
                .with_handle("cache-user")
                .with_password("sk_test_loccus_pw"),
        )
        .base_url(format!("{}/v1", server.uri()))
        .allow_http_loopback(true)
        .clock(clock.clone())
        .retry(fast_retry())
        .build()
        .unwrap();
    (server, clock, client)
}

#[tokio::test]
async fn loccus_session_short_lifetime_is_refreshed_in_its_window() {
    let (server, clock, client) = loccus_setup(30).await;
    client.get_user().await.unwrap();
    // Window = min(300, 30 / 2) = 15 s (+ up to 1.5 s): refresh from 13.5..15 s after receipt.
    clock.advance(Duration::from_secs(10));
    client.get_user().await.unwrap();
    assert_eq!(
        count(&server, "/v1/auth/credentials").await,
        1,
        "reused at 10 s"
    );
    clock.advance(Duration::from_secs(10)); // 20 s: in the window, still valid
    let user = client.get_user().await.unwrap();
    assert_eq!(user.handle, "cache-user");
    assert_eq!(
        count(&server, "/v1/auth/credentials").await,
        2,
        "refreshed at 20 s"
    );
    assert_eq!(
        auth_headers(&server, "/v1/user").await,
        vec!["Bearer session-1", "Bearer session-1", "Bearer session-2"]
    );
}

#[tokio::test]
async fn loccus_session_already_expired_is_used_once_not_cached() {
    let (server, _clock, client) = loccus_setup(-30).await;
    client.get_user().await.unwrap();
    client.get_user().await.unwrap();
    assert_eq!(
        count(&server, "/v1/auth/credentials").await,
        2,
        "two calls, two sign-ins"
    );
    assert_eq!(
        auth_headers(&server, "/v1/user").await,
        vec!["Bearer session-1", "Bearer session-2"]
    );
}

#[tokio::test]
async fn akool_token_without_lifetime_is_reused_for_400_days() {
    let server = MockServer::start().await;
    let n = mount_akool_token_counter(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/api/open/v3/faceswap/quota/info"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"code": 1000, "msg": "OK", "data": {"credit": 12.5}}),
        ))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let client = akool_legacy_client(&server, clock.clone());

    let q = client.quota_info().await.unwrap();
    assert_eq!(q.data.credit, 12.5);
    clock.advance(Duration::from_secs(400 * 24 * 3600));
    client.quota_info().await.unwrap();
    assert_eq!(n.load(Ordering::SeqCst), 1);
    assert_eq!(
        auth_headers(&server, "/api/open/v3/faceswap/quota/info").await,
        vec!["Bearer akool-1", "Bearer akool-1"]
    );
}

/// Mounts Akool's getToken answering `akool-1`, `akool-2`, ... (expected `expect` times);
/// returns the number of tokens issued so far.
async fn mount_akool_token_counter(server: &MockServer, expect: u64) -> Arc<AtomicUsize> {
    let n = Arc::new(AtomicUsize::new(0));
    let n2 = n.clone();
    Mock::given(method("POST"))
        .and(path("/api/open/v3/getToken"))
        .respond_with(move |_: &Request| {
            let i = n2.fetch_add(1, Ordering::SeqCst) + 1;
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"code": 1000, "token": format!("akool-{i}")}))
        })
        .expect(expect)
        .mount(server)
        .await;
    n
}

/// An Akool client with only the legacy client id/secret (so calls use getToken's token).
fn akool_legacy_client(server: &MockServer, clock: ManualClock) -> akool::Client {
    akool::Client::builder()
        .credentials(
            akool::Credentials::new()
                .with_client_id("akool_test_client_id")
                .with_client_secret("sk_test_akool_secret"),
        )
        .base_url(server.uri())
        .allow_http_loopback(true)
        .clock(clock)
        .build()
        .unwrap()
}

fn b64url(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(A[((v >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn jwt_with_exp(exp: u64, nonce: usize) -> String {
    format!(
        "{}.{}.c2lnbmF0dXJl",
        b64url(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64url(format!(r#"{{"exp":{exp},"n":{nonce}}}"#).as_bytes())
    )
}

#[tokio::test]
async fn coinflow_session_key_is_capped_at_30_minutes() {
    let server = MockServer::start().await;
    let clock = ManualClock::new();
    let keys = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let (c, k) = (clock.clone(), keys.clone());
    Mock::given(method("GET"))
        .and(path("/api/auth/session-key"))
        .and(header("authorization", "sk_test_coinflow_merchant"))
        .and(header("x-coinflow-auth-user-id", "cache-user-1"))
        .respond_with(move |_: &Request| {
            // A JWT valid for 24 h from the (manual) wall clock.
            let exp = c
                .system_now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_secs()
                + 24 * 3600;
            let mut k = k.lock().unwrap();
            let key = jwt_with_exp(exp, k.len() + 1);
            k.push(key.clone());
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"key": key}))
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/me"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"user_id": "u1"})),
        )
        .mount(&server)
        .await;
    let client = coinflow::Client::builder()
        .credentials(
            coinflow::Credentials::new()
                .with_merchant_key("sk_test_coinflow_merchant")
                .with_identity(coinflow::get_session_key::Identity::UserId {
                    user_id: "cache-user-1".to_owned(),
                }),
        )
        .base_url(format!("{}/api", server.uri()))
        .allow_http_loopback(true)
        .clock(clock.clone())
        .build()
        .unwrap();

    client.send(cf_me::Request::new()).await.unwrap();
    // Lifetime = min(24 h, 1800 s); window = min(300, 900) (+ up to 30 s): refresh from
    // 1470..1500 s.
    clock.advance(Duration::from_secs(1400));
    client.send(cf_me::Request::new()).await.unwrap();
    assert_eq!(
        count(&server, "/api/auth/session-key").await,
        1,
        "reused at 1400 s"
    );
    clock.advance(Duration::from_secs(100)); // 1500 s
    client.send(cf_me::Request::new()).await.unwrap();
    assert_eq!(
        count(&server, "/api/auth/session-key").await,
        2,
        "refreshed at 1500 s"
    );

    let keys = keys.lock().unwrap().clone();
    let sent: Vec<String> = requests_to(&server, "/api/me")
        .await
        .iter()
        .map(|r| {
            r.headers
                .get("x-coinflow-auth-session-key")
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        sent,
        vec![keys[0].clone(), keys[0].clone(), keys[1].clone()]
    );
    assert!(
        requests_to(&server, "/api/me")
            .await
            .iter()
            .all(|r| r.headers.get("authorization").is_none()),
        "the merchant key is not sent on session-authenticated calls"
    );
}

// ---------------------------------------------------------------------------------------------
// 11: clones share the cache
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clones_share_the_token_cache() {
    let server = MockServer::start().await;
    let issuer = Issuer::new(600);
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(issuer.clone())
        .expect(1)
        .mount(&server)
        .await;
    mount_me_ok(&server).await;
    let clock = ManualClock::new();
    let client = coopfin_client(&server, &clock, fast_retry(), Timeouts::default());

    // A clone fetches the token in another task...
    let clone = client.clone();
    tokio::spawn(async move { clone.send(whoami::Request::new()).await })
        .await
        .unwrap()
        .unwrap();
    // ...the original reuses it...
    client.send(whoami::Request::new()).await.unwrap();
    // ...and so do further clones, concurrently, in other tasks.
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let clone = client.clone();
            tokio::spawn(async move { clone.send(whoami::Request::new()).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(issuer.issued(), 1);
    assert_eq!(
        auth_headers(&server, ME_PATH).await,
        vec!["Bearer tok-1"; 6]
    );
}

// ---------------------------------------------------------------------------------------------
// Beyond the brief: stale-cache single flight, 401 herds, Akool 1101, failing/slow refreshes
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn single_flight_when_the_cached_token_is_stale() {
    let server = MockServer::start().await;
    let issuer = Issuer::new(600).with_delay(Duration::from_millis(200));
    mount_issuer(&server, &issuer).await;
    mount_me_ok(&server).await;
    let clock = ManualClock::new();
    let client = coopfin_client(&server, &clock, fast_retry(), Timeouts::default());
    client.send(whoami::Request::new()).await.unwrap();
    clock.advance(Duration::from_secs(320));

    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.send(whoami::Request::new()).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(
        count(&server, TOKEN_PATH).await,
        2,
        "one refresh for 100 stale callers"
    );
    let auths = auth_headers(&server, ME_PATH).await;
    assert_eq!(auths.len(), 101);
    assert!(
        auths[1..]
            .iter()
            .all(|a| a == "Bearer tok-1" || a == "Bearer tok-2"),
        "{auths:?}"
    );
    // Afterwards everyone is on the new token.
    client.send(whoami::Request::new()).await.unwrap();
    assert_eq!(auth_headers(&server, ME_PATH).await[101], "Bearer tok-2");
}

/// API responder that accepts every token until `tok-1` is revoked.
#[derive(Clone)]
struct RevocableApi {
    revoked: Arc<AtomicBool>,
}

impl Respond for RevocableApi {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let auth = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if self.revoked.load(Ordering::SeqCst) && auth == "Bearer tok-1" {
            ResponseTemplate::new(401)
                .set_body_json(serde_json::json!({"error": "revoked"}))
                .set_delay(Duration::from_millis(50))
        } else {
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"user_id": "u1"}))
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_unauthorized_answers_cause_one_refetch() {
    let server = MockServer::start().await;
    let issuer = Issuer::new(600);
    mount_issuer(&server, &issuer).await;
    let api = RevocableApi {
        revoked: Arc::new(AtomicBool::new(false)),
    };
    Mock::given(method("GET"))
        .and(path(ME_PATH))
        .respond_with(api.clone())
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let client = coopfin_client(&server, &clock, fast_retry(), Timeouts::default());
    client.send(whoami::Request::new()).await.unwrap(); // tok-1 cached
    api.revoked.store(true, Ordering::SeqCst);

    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.send(whoami::Request::new()).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(
        count(&server, TOKEN_PATH).await,
        2,
        "50 callers rejected with the same token share one refetch"
    );
    let auths = auth_headers(&server, ME_PATH).await;
    assert!(
        auths
            .iter()
            .all(|a| a == "Bearer tok-1" || a == "Bearer tok-2")
    );
    assert_eq!(auths.iter().filter(|a| *a == "Bearer tok-2").count(), 50);
}

#[tokio::test]
async fn akool_code_1101_refetches_once_and_replays_once() {
    let server = MockServer::start().await;
    mount_akool_token_counter(&server, 2).await;
    Mock::given(method("GET"))
        .and(path("/api/open/v3/faceswap/quota/info"))
        .and(header("authorization", "Bearer akool-1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"code": 1101, "msg": "token expired"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/open/v3/faceswap/quota/info"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                serde_json::json!({"code": 1000, "msg": "OK", "data": {"credit": 3.0}}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = akool_legacy_client(&server, ManualClock::new());
    let q = client.quota_info().await.unwrap();
    assert_eq!(q.data.credit, 3.0);
    assert_eq!(
        auth_headers(&server, "/api/open/v3/faceswap/quota/info").await,
        vec!["Bearer akool-1", "Bearer akool-2"]
    );
}

#[tokio::test]
async fn refresh_timeout_keeps_the_still_valid_token() {
    // Cache contract: "while a still-valid token exists, a failed refresh returns that token
    // instead of the error". A refresh that *times out* is a failed refresh too.
    let server = MockServer::start().await;
    let mut issuer = Issuer::new(600);
    issuer.slow_delay = Duration::from_secs(1);
    mount_issuer(&server, &issuer).await;
    mount_me_ok(&server).await;
    let clock = ManualClock::new();
    let client = coopfin_client(
        &server,
        &clock,
        RetryPolicy::disabled(),
        Timeouts {
            token_exchange: Some(Duration::from_millis(150)),
            ..Timeouts::default()
        },
    );
    client.send(whoami::Request::new()).await.unwrap();
    clock.advance(Duration::from_secs(320)); // in the window; 280 s of validity left
    issuer.slow.store(true, Ordering::SeqCst); // the issuer now hangs past the timeout

    let r = client.send(whoami::Request::new()).await;
    assert!(
        r.is_ok(),
        "a timed-out proactive refresh must fall back to the valid token, got {r:?}"
    );
    assert_eq!(
        auth_headers(&server, ME_PATH).await,
        vec!["Bearer tok-1", "Bearer tok-1"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn valid_token_holders_do_not_queue_behind_a_failing_refresh() {
    // Token valid for 280 more seconds; the issuer answers 500 after 100 ms. 20 concurrent
    // callers should be served with the valid token while (at most) one refresh is in flight,
    // not each run their own failing refresh one after another (20 × 100 ms).
    let server = MockServer::start().await;
    let issuer = Issuer::new(600).with_delay(Duration::from_millis(100));
    mount_issuer(&server, &issuer).await;
    mount_me_ok(&server).await;
    let clock = ManualClock::new();
    let client = coopfin_client(
        &server,
        &clock,
        RetryPolicy::disabled(),
        Timeouts::default(),
    );
    client.send(whoami::Request::new()).await.unwrap();
    clock.advance(Duration::from_secs(320));
    issuer.set_status(500);

    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move {
                let started = Instant::now();
                let r = c.send(whoami::Request::new()).await;
                (r.map(|m| m.user_id), started.elapsed())
            })
        })
        .collect();
    let mut slowest = Duration::ZERO;
    for t in tasks {
        let (r, took) = t.await.unwrap();
        assert_eq!(r.ok().as_deref(), Some("u1"));
        slowest = slowest.max(took);
    }
    let refreshes = count(&server, TOKEN_PATH).await - 1;
    assert!(
        refreshes <= 5 && slowest < Duration::from_millis(1000),
        "{refreshes} failing refreshes ran one after another; the slowest caller waited {slowest:?} \
         although a valid token was cached"
    );
}

/// The readiness check run before a token fetch (and for `any(..)` schemes) copies no secret;
/// it must agree with building the issuer request from the same credentials.
#[test]
fn issuer_readiness_agrees_with_building_the_issuer_request() {
    use auth_sdk::__private::{FromCredentials, Provider};
    /// How many of `creds` are ready, after checking each against `from_credentials`.
    fn ready<P: Provider, E: FromCredentials<P>>(label: &str, creds: &[P::Credentials]) -> usize {
        for (i, c) in creds.iter().enumerate() {
            let built = E::from_credentials(c).is_ok();
            assert_eq!(E::credentials_ready(c), built, "{label} #{i}");
            assert_eq!(
                auth_sdk::__private::issuer_ready::<P, E>(c),
                built,
                "{label} #{i}"
            );
        }
        creds.iter().filter(|c| E::credentials_ready(c)).count()
    }
    let coopfin = [
        coopfin::Credentials::new(),
        coopfin::Credentials::new().with_api_key("pk_test_1"),
        coopfin::Credentials::new().with_secret_key("sk_test_1"),
        coopfin::Credentials::new()
            .with_api_key("pk_test_1")
            .with_secret_key("sk_test_1"),
    ];
    assert_eq!(
        ready::<coopfin::Client, coopfin::create_token::Request>("coopfin", &coopfin),
        1
    );
    let akool = [
        akool::Credentials::new(),
        akool::Credentials::new().with_api_key("ak_test_key"),
        akool::Credentials::new().with_client_id("ak_test_id"),
        akool::Credentials::new().with_client_secret("ak_test_secret"),
        akool::Credentials::new()
            .with_client_id("ak_test_id")
            .with_client_secret("ak_test_secret"),
    ];
    assert_eq!(
        ready::<akool::Client, akool::get_token::Request>("akool", &akool),
        1
    );
    let loccus = [
        loccus::Credentials::new(),
        loccus::Credentials::new().with_handle("alice"),
        loccus::Credentials::new().with_password("pw_test_1"),
        loccus::Credentials::new().with_api_key("ls_test_key"),
        loccus::Credentials::new()
            .with_handle("alice")
            .with_password("pw_test_1"),
    ];
    assert_eq!(
        ready::<loccus::Client, loccus::sign_in::Request>("loccus", &loccus),
        1
    );
}
