#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! Token cache behaviour (checklist T1–T7) through real clients over loopback wiremock, with
//! an injected `ManualClock` driving token lifetimes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use auth_sdk::{
    Clock as _, Error, ManualClock, RetryPolicy, TimeoutKind, Timeouts, Timestamp, akool, coinflow,
    coopfin, loccus,
};
use serde_json::json;
use wiremock::matchers::header;
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

mod common;
use common::endpoints::{cf_me, whoami};
use common::{
    count, fast_retry, header_values, json_reply, jwt, loopback, mount, mount_any, numbered, on,
    requests_to, unix_secs,
};

const TOKEN_PATH: &str = "/v1/sandbox/token";
const ME_PATH: &str = "/v1/me";
const QUOTA_PATH: &str = "/api/open/v3/faceswap/quota/info";

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
            json_reply(
                200,
                json!({
                    "token_type": "Bearer",
                    "token": format!("tok-{n}"),
                    "expires_in": self.expires_in,
                }),
            )
        } else {
            json_reply(status, json!({"error": "token service unavailable"}))
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

/// `{"user_id": "u1"}`.
fn me_ok() -> ResponseTemplate {
    json_reply(200, json!({"user_id": "u1"}))
}

/// A wiremock server with `issuer` on the token path (expected `exchanges` times when
/// given) and a CoopFin client at it on a manual clock; `/v1/me` is left to the test.
async fn coopfin_setup(
    issuer: &Issuer,
    exchanges: Option<u64>,
    retry: RetryPolicy,
    timeouts: Timeouts,
) -> (MockServer, ManualClock, coopfin::Client) {
    let server = MockServer::start().await;
    match exchanges {
        Some(n) => mount(&server, on("POST", TOKEN_PATH), issuer.clone(), n).await,
        None => mount_any(&server, on("POST", TOKEN_PATH), issuer.clone()).await,
    }
    let clock = ManualClock::new();
    let creds = coopfin::Credentials::new()
        .with_api_key("pk_test_cache")
        .with_secret_key("sk_test_cache");
    let client = loopback(format!("{}/v1", server.uri()), creds)
        .clock(clock.clone())
        .retry(retry)
        .timeouts(timeouts)
        .build()
        .unwrap();
    (server, clock, client)
}

/// [`coopfin_setup`] with `/v1/me` answering [`me_ok`], fast retries and default timeouts.
async fn fast_setup(
    issuer: &Issuer,
    exchanges: Option<u64>,
) -> (MockServer, ManualClock, coopfin::Client) {
    let setup = coopfin_setup(issuer, exchanges, fast_retry(), Timeouts::default()).await;
    mount_any(&setup.0, on("GET", ME_PATH), me_ok()).await;
    setup
}

/// [`coopfin_setup`] with `/v1/me` answering [`me_ok`] and retries disabled.
async fn no_retry_setup(
    issuer: &Issuer,
    timeouts: Timeouts,
) -> (MockServer, ManualClock, coopfin::Client) {
    let setup = coopfin_setup(issuer, None, RetryPolicy::disabled(), timeouts).await;
    mount_any(&setup.0, on("GET", ME_PATH), me_ok()).await;
    setup
}

/// The `authorization` header of every request to `path_`, in arrival order.
async fn auth_headers(server: &MockServer, path_: &str) -> Vec<String> {
    header_values(server, path_, "authorization").await
}

/// Calls `whoami` through `client` and returns the user id.
async fn whoami_id(client: &coopfin::Client) -> String {
    client.send(whoami::Request::new()).await.unwrap().user_id
}

/// Runs `calls` concurrent `whoami` calls on clones of `client`; each must succeed.
async fn concurrent_whoami(client: &coopfin::Client, calls: usize) {
    let tasks: Vec<_> = (0..calls)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.send(whoami::Request::new()).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// 1–3: reuse, refresh window, expiry
// ---------------------------------------------------------------------------------------------

/// With a 600 s token, one `whoami` call after each clock advance in `advances` (seconds),
/// each answered `u1`: the tokens issued, the token requests, and the bearer of each call.
async fn calls_after(advances: &[u64], exchanges: Option<u64>) -> (usize, usize, Vec<String>) {
    let issuer = Issuer::new(600);
    let (server, clock, client) = fast_setup(&issuer, exchanges).await;
    for advance in advances {
        clock.advance(Duration::from_secs(*advance));
        assert_eq!(whoami_id(&client).await, "u1");
    }
    let fetched = count(&server, TOKEN_PATH).await;
    (
        issuer.issued(),
        fetched,
        auth_headers(&server, ME_PATH).await,
    )
}

#[tokio::test]
async fn reuses_token_before_the_refresh_window() {
    // Refresh starts at the earliest 600 - 330 = 270 s after receipt: stay below.
    let (issued, _, auths) = calls_after(&[0, 0, 200, 30, 30], Some(1)).await;
    assert_eq!(issued, 1);
    assert_eq!(auths, vec!["Bearer tok-1"; 5]);
}

#[tokio::test]
async fn t1_refreshes_inside_the_window_and_sends_the_new_token() {
    // Window = min(300, 600 / 2) + up to 10 % = 300..330 s before expiry: refresh from 270..300 s,
    // so the call at 320 s refreshes; the new token is cached: no third fetch.
    let (issued, fetched, auths) = calls_after(&[0, 320, 0], None).await;
    assert_eq!(issued, 2, "exactly one refresh");
    assert_eq!(fetched, 2);
    assert_eq!(auths, vec!["Bearer tok-1", "Bearer tok-2", "Bearer tok-2"]);
}

#[tokio::test]
async fn refreshes_after_expiry() {
    let (issued, _, auths) = calls_after(&[0, 700, 3600], None).await;
    assert_eq!(issued, 3);
    assert_eq!(auths, vec!["Bearer tok-1", "Bearer tok-2", "Bearer tok-3"]);
}

// ---------------------------------------------------------------------------------------------
// 4: single flight
// ---------------------------------------------------------------------------------------------

async fn concurrent_cold_calls(n: usize) -> (usize, Vec<String>, Duration) {
    let issuer = Issuer::new(600).with_delay(Duration::from_millis(200));
    let (server, _clock, client) = fast_setup(&issuer, Some(1)).await;

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
async fn t2_single_flight_100_then_1000_concurrent_cold_calls() {
    for callers in [100, 1000] {
        let (tokens, auths, elapsed) = concurrent_cold_calls(callers).await;
        assert_eq!(
            tokens, 1,
            "{callers} cold callers must cause exactly one token request"
        );
        assert_eq!(auths.len(), callers);
        assert!(auths.iter().all(|a| a == "Bearer tok-1"), "{auths:?}");
        assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// 5–6: failures are not cached; a valid token survives a failed refresh
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn t4_failed_exchange_is_not_cached() {
    let issuer = Issuer::new(600);
    issuer.set_status(500);
    let (server, clock, client) = no_retry_setup(&issuer, Timeouts::default()).await;

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
    let again = client.send(whoami::Request::new()).await.unwrap_err();
    assert!(matches!(again, Error::TokenExchange(_)), "{again:?}");
    assert_eq!(
        count(&server, TOKEN_PATH).await,
        1,
        "inside the 1 s backoff"
    );
    clock.advance(Duration::from_secs(1));
    assert_eq!(whoami_id(&client).await, "u1");
    assert_eq!(count(&server, TOKEN_PATH).await, 2, "exactly one new fetch");
    assert_eq!(auth_headers(&server, ME_PATH).await, vec!["Bearer tok-1"]);
}

#[tokio::test]
async fn t4_old_token_kept_while_valid_when_refresh_fails() {
    let issuer = Issuer::new(600);
    let (server, clock, client) = no_retry_setup(&issuer, Timeouts::default()).await;

    whoami_id(&client).await;
    clock.advance(Duration::from_secs(320)); // inside the window, 280 s of life left
    issuer.set_status(500);
    assert_eq!(whoami_id(&client).await, "u1");
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
async fn t5_unauthorized_refetches_once_and_replays_once() {
    let issuer = Issuer::new(600);
    let setup = coopfin_setup(&issuer, None, fast_retry(), Timeouts::default()).await;
    let (server, _clock, client) = setup;
    let revoked = on("GET", ME_PATH).and(header("authorization", "Bearer tok-1"));
    mount_any(
        &server,
        revoked,
        json_reply(401, json!({"error": "revoked"})),
    )
    .await;
    mount_any(&server, on("GET", ME_PATH), me_ok()).await;

    assert_eq!(whoami_id(&client).await, "u1");
    assert_eq!(count(&server, TOKEN_PATH).await, 2);
    assert_eq!(
        auth_headers(&server, ME_PATH).await,
        vec!["Bearer tok-1", "Bearer tok-2"]
    );
    // The replacement token is cached.
    whoami_id(&client).await;
    assert_eq!(count(&server, TOKEN_PATH).await, 2);
}

#[tokio::test]
async fn always_unauthorized_stops_after_one_replay() {
    let issuer = Issuer::new(600);
    let setup = coopfin_setup(&issuer, None, fast_retry(), Timeouts::default()).await;
    let (server, _clock, client) = setup;
    mount(
        &server,
        on("GET", ME_PATH),
        json_reply(401, json!({"error": "no"})),
        2,
    )
    .await;

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

/// Timeouts with only the token exchange bounded, to 150 ms.
fn exchange_150ms() -> Timeouts {
    Timeouts {
        token_exchange: Some(Duration::from_millis(150)),
        ..Timeouts::default()
    }
}

#[tokio::test]
async fn t3_cancelled_refresh_does_not_wedge_the_cache() {
    let mut issuer = Issuer::new(600);
    issuer.slow_delay = Duration::from_secs(2);
    issuer.slow.store(true, Ordering::SeqCst);
    let (server, _clock, client) = fast_setup(&issuer, None).await;

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
async fn t7_token_exchange_has_its_own_timeout() {
    let issuer = Issuer::new(600).with_delay(Duration::from_secs(1));
    let setup = coopfin_setup(&issuer, None, RetryPolicy::disabled(), exchange_150ms()).await;
    let (server, _clock, client) = setup;
    mount(&server, on("GET", ME_PATH), me_ok(), 0).await;

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
        json_reply(
            200,
            json!({
                "token": format!("session-{n}"),
                "issuedAt": issued_at.as_str(),
                "expiresAt": Timestamp::from_system_time(expires).as_str(),
            }),
        )
    }
}

fn loccus_user() -> serde_json::Value {
    json!({
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
    let sign_in = LoccusSignIn {
        clock: clock.clone(),
        offset_secs,
        issued: Arc::new(AtomicUsize::new(0)),
    };
    mount_any(&server, on("POST", "/v1/auth/credentials"), sign_in).await;
    mount_any(
        &server,
        on("GET", "/v1/user"),
        json_reply(200, loccus_user()),
    )
    .await;
    let creds = loccus::Credentials::new()
        .with_handle("cache-user")
        .with_password("sk_test_loccus_pw");
    let client = loopback(format!("{}/v1", server.uri()), creds)
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

/// Akool's quota answer with `credit`.
fn quota(credit: f64) -> ResponseTemplate {
    json_reply(
        200,
        json!({"code": 1000, "msg": "OK", "data": {"credit": credit}}),
    )
}

#[tokio::test]
async fn akool_token_without_lifetime_is_reused_for_400_days() {
    let server = MockServer::start().await;
    let n = mount_akool_token_counter(&server, 1).await;
    mount_any(&server, on("GET", QUOTA_PATH), quota(12.5)).await;
    let clock = ManualClock::new();
    let client = akool_legacy_client(&server, clock.clone());

    let q = client.quota_info().await.unwrap();
    assert_eq!(q.data.credit, 12.5);
    clock.advance(Duration::from_secs(400 * 24 * 3600));
    client.quota_info().await.unwrap();
    assert_eq!(n.load(Ordering::SeqCst), 1);
    assert_eq!(
        auth_headers(&server, QUOTA_PATH).await,
        vec!["Bearer akool-1", "Bearer akool-1"]
    );
}

/// Mounts Akool's getToken answering `akool-1`, `akool-2`, ... (expected `expect` times);
/// returns the number of tokens issued so far.
async fn mount_akool_token_counter(server: &MockServer, expect: u64) -> Arc<AtomicUsize> {
    let (issuer, n) =
        numbered(|i| json_reply(200, json!({"code": 1000, "token": format!("akool-{i}")})));
    mount(server, on("POST", "/api/open/v3/getToken"), issuer, expect).await;
    n
}

/// An Akool client with only the legacy client id/secret (so calls use getToken's token).
fn akool_legacy_client(server: &MockServer, clock: ManualClock) -> akool::Client {
    let creds = akool::Credentials::new()
        .with_client_id("akool_test_client_id")
        .with_client_secret("sk_test_akool_secret");
    loopback(server.uri(), creds).clock(clock).build().unwrap()
}

fn jwt_with_exp(exp: u64, nonce: usize) -> String {
    jwt(&format!(r#"{{"exp":{exp},"n":{nonce}}}"#), "c2lnbmF0dXJl")
}

#[tokio::test]
async fn coinflow_session_key_is_capped_at_30_minutes() {
    let server = MockServer::start().await;
    let clock = ManualClock::new();
    let keys = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let (c, k) = (clock.clone(), keys.clone());
    let session_key = on("GET", "/api/auth/session-key")
        .and(header("authorization", "sk_test_coinflow_merchant"))
        .and(header("x-coinflow-auth-user-id", "cache-user-1"));
    let minter = move |_: &Request| {
        // A JWT valid for 24 h from the (manual) wall clock.
        let exp = unix_secs(c.system_now()) + 24 * 3600;
        let mut k = k.lock().unwrap();
        let key = jwt_with_exp(exp, k.len() + 1);
        k.push(key.clone());
        json_reply(200, json!({"key": key}))
    };
    mount_any(&server, session_key, minter).await;
    mount_any(&server, on("GET", "/api/me"), me_ok()).await;
    let creds = coinflow::Credentials::new()
        .with_merchant_key("sk_test_coinflow_merchant")
        .with_identity(coinflow::get_session_key::Identity::UserId {
            user_id: "cache-user-1".to_owned(),
        });
    let client: coinflow::Client = loopback(format!("{}/api", server.uri()), creds)
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
    let sent = header_values(&server, "/api/me", "x-coinflow-auth-session-key").await;
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
    let issuer = Issuer::new(600);
    let (server, _clock, client) = fast_setup(&issuer, Some(1)).await;

    // A clone fetches the token in another task...
    let clone = client.clone();
    tokio::spawn(async move { clone.send(whoami::Request::new()).await })
        .await
        .unwrap()
        .unwrap();
    // ...the original reuses it...
    whoami_id(&client).await;
    // ...and so do further clones, concurrently, in other tasks.
    concurrent_whoami(&client, 4).await;
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
    let issuer = Issuer::new(600).with_delay(Duration::from_millis(200));
    let (server, clock, client) = fast_setup(&issuer, None).await;
    whoami_id(&client).await;
    clock.advance(Duration::from_secs(320));

    concurrent_whoami(&client, 100).await;
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
    whoami_id(&client).await;
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
            json_reply(401, json!({"error": "revoked"})).set_delay(Duration::from_millis(50))
        } else {
            me_ok()
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_unauthorized_answers_cause_one_refetch() {
    let issuer = Issuer::new(600);
    let setup = coopfin_setup(&issuer, None, fast_retry(), Timeouts::default()).await;
    let (server, _clock, client) = setup;
    let api = RevocableApi {
        revoked: Arc::new(AtomicBool::new(false)),
    };
    mount_any(&server, on("GET", ME_PATH), api.clone()).await;
    whoami_id(&client).await; // tok-1 cached
    api.revoked.store(true, Ordering::SeqCst);

    concurrent_whoami(&client, 50).await;
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
    let stale = on("GET", QUOTA_PATH).and(header("authorization", "Bearer akool-1"));
    let expired = json_reply(200, json!({"code": 1101, "msg": "token expired"}));
    mount(&server, stale, expired, 1).await;
    mount(&server, on("GET", QUOTA_PATH), quota(3.0), 1).await;
    let client = akool_legacy_client(&server, ManualClock::new());
    let q = client.quota_info().await.unwrap();
    assert_eq!(q.data.credit, 3.0);
    assert_eq!(
        auth_headers(&server, QUOTA_PATH).await,
        vec!["Bearer akool-1", "Bearer akool-2"]
    );
}

#[tokio::test]
async fn refresh_timeout_keeps_the_still_valid_token() {
    // Cache contract: "while a still-valid token exists, a failed refresh returns that token
    // instead of the error". A refresh that *times out* is a failed refresh too.
    let mut issuer = Issuer::new(600);
    issuer.slow_delay = Duration::from_secs(1);
    let (server, clock, client) = no_retry_setup(&issuer, exchange_150ms()).await;
    whoami_id(&client).await;
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
    let issuer = Issuer::new(600).with_delay(Duration::from_millis(100));
    let (server, clock, client) = no_retry_setup(&issuer, Timeouts::default()).await;
    whoami_id(&client).await;
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
    let cf = coopfin::Credentials::new;
    let coopfin = [
        cf(),
        cf().with_api_key("pk_test_1"),
        cf().with_secret_key("sk_test_1"),
        cf().with_api_key("pk_test_1").with_secret_key("sk_test_1"),
    ];
    let ak = akool::Credentials::new;
    let akool = [
        ak(),
        ak().with_api_key("ak_test_key"),
        ak().with_client_id("ak_test_id"),
        ak().with_client_secret("ak_test_secret"),
        ak().with_client_id("ak_test_id")
            .with_client_secret("ak_test_secret"),
    ];
    let lc = loccus::Credentials::new;
    let loccus = [
        lc(),
        lc().with_handle("alice"),
        lc().with_password("pw_test_1"),
        lc().with_api_key("ls_test_key"),
        lc().with_handle("alice").with_password("pw_test_1"),
    ];
    let counts = [
        ready::<coopfin::Client, coopfin::create_token::Request>("coopfin", &coopfin),
        ready::<akool::Client, akool::get_token::Request>("akool", &akool),
        ready::<loccus::Client, loccus::sign_in::Request>("loccus", &loccus),
    ];
    assert_eq!(counts, [1, 1, 1], "exactly the full issuer pair is ready");
}
