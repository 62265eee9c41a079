#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! What a client does with nothing configured (checklist R1, R3) and the statuses besides
//! 5xx that count as transient (R2: 408 and 429), over loopback: raw servers on the test's
//! own runtime under paused time for the default timeouts (a minute of the client's time
//! passes in milliseconds), wiremock with `expect(n)` for the attempts.

use std::time::Duration;

use auth_sdk::{
    BuildError, ClientBuilder, Error, RetryPolicy, TimeoutKind, coolset, coopfin, loccus,
};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use wiremock::{MockServer, ResponseTemplate};

mod common;
use common::endpoints::whoami;
use common::{Raw, client_at, fast_client, fast_retry, loopback, mount, on, raw};

const TOKEN: &str = "cs_test_defaults";

fn coolset_creds() -> coolset::Credentials {
    coolset::Credentials::new().with_api_token(TOKEN)
}

// ---------------------------------------------------------------------------------------------
// R1: the default timeouts end every call
// ---------------------------------------------------------------------------------------------

/// Reads one request head, with no timer of its own (time is paused).
async fn read_request_head(s: &mut TcpStream) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 64 * 1024 {
        match s.read(&mut chunk).await {
            Ok(n) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => return,
        }
    }
}

/// A raw server that reads each request head, writes `bytes` and then holds the connection
/// open for ever without another byte.
async fn holds_after(bytes: &'static [u8]) -> Raw {
    raw(move |mut s, _| async move {
        read_request_head(&mut s).await;
        let _ = s.write_all(bytes).await;
        std::future::pending::<()>().await;
        drop(s);
    })
    .await
}

/// Runs `call` under a one-day guard of virtual time: the call must end by itself. Returns
/// its error and how much virtual time it took.
async fn ends_by_itself<T: std::fmt::Debug, B: std::fmt::Debug>(
    case: &str,
    call: impl Future<Output = Result<T, Error<B>>>,
) -> (Error<B>, Duration) {
    let real = std::time::Instant::now();
    let start = tokio::time::Instant::now();
    let result = tokio::time::timeout(Duration::from_secs(86_400), call)
        .await
        .unwrap_or_else(|_| panic!("{case}: still running after a day of client time"));
    let took = start.elapsed();
    let err = result.unwrap_err();
    eprintln!(
        "[defaults] {case}: {err} after {took:?} of client time ({:?} real)",
        real.elapsed()
    );
    assert!(real.elapsed() < Duration::from_secs(5), "{case}: real time");
    (err, took)
}

/// The kind of a timeout error.
fn timeout_kind<B: std::fmt::Debug>(case: &str, err: &Error<B>) -> TimeoutKind {
    match err {
        Error::Timeout(t) => t.kind,
        other => panic!("{case}: expected a timeout, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn r1_default_timeouts_end_calls_to_silent_and_stalling_servers() {
    let silent = holds_after(b"").await;
    let stalled_body = holds_after(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"la",
    )
    .await;
    for (case, server) in [("silent server", &silent), ("stalled body", &stalled_body)] {
        // Nothing configured but the address: default timeouts, default retries.
        let client: coolset::Client = loopback(format!("{}/api", server.base()), coolset_creds())
            .build()
            .unwrap();
        let (err, took) = ends_by_itself(case, client.user_config()).await;
        let kind = timeout_kind(case, &err);
        assert!(
            matches!(kind, TimeoutKind::Attempt | TimeoutKind::Total),
            "{case}: {kind:?}"
        );
        // One full attempt (30 s) at least, never past the total bound (60 s).
        assert!(took >= Duration::from_secs(30), "{case}: {took:?}");
        assert!(took <= Duration::from_secs(61), "{case}: {took:?}");
        assert!(server.accepts() >= 2, "{case}: the GET was retried");
    }

    // A call that needs a token, whose issuer never answers: the exchange's own default
    // bound (20 s, retries included) ends it, and the API is never reached.
    let silent_issuer = holds_after(b"").await;
    let creds = coopfin::Credentials::new()
        .with_api_key("pk_test_defaults")
        .with_secret_key("sk_test_defaults");
    let client: coopfin::Client = loopback(format!("{}/v1", silent_issuer.base()), creds)
        .build()
        .unwrap();
    let (err, took) = ends_by_itself("silent issuer", client.send(whoami::Request::new())).await;
    assert_eq!(
        timeout_kind("silent issuer", &err),
        TimeoutKind::TokenExchange
    );
    assert!(
        took >= Duration::from_secs(20) && took <= Duration::from_secs(21),
        "{took:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// R2: 408 and 429 are transient like 5xx
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn r2_408_and_429_are_retried_on_get_but_not_on_a_post() {
    for status in [408u16, 429] {
        let server = MockServer::start().await;
        // No Retry-After and no rate-limit headers: the retry waits the backoff.
        let answer = ResponseTemplate::new(status);
        mount(
            &server,
            on("GET", "/api/accounts/user-config/"),
            answer.clone(),
            3,
        )
        .await;
        mount(&server, on("POST", "/v1/user/keys"), answer, 1).await;
        let cs: coolset::Client = fast_client(format!("{}/api", server.uri()), coolset_creds());
        let err = cs.user_config().await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err:?}");
        assert!(err.is_transient(), "{status} is transient");

        // Loccus create_key is not idempotent: a 408/429 reached the server, so no retry.
        let creds = loccus::Credentials::new().with_api_key("lk_test_defaults");
        let lc: loccus::Client = fast_client(format!("{}/v1", server.uri()), creds);
        let err = lc.create_key("new-key").await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err:?}");
        server.verify().await;
    }
}

// ---------------------------------------------------------------------------------------------
// R3: three attempts by default, configurable, 1 disables retries, 0 is refused
// ---------------------------------------------------------------------------------------------

/// A server answering 503 to every Coolset `user_config`, expected exactly `attempts` times.
async fn always_503(attempts: u64) -> MockServer {
    let server = MockServer::start().await;
    let route = on("GET", "/api/accounts/user-config/");
    mount(&server, route, ResponseTemplate::new(503), attempts).await;
    server
}

#[tokio::test]
async fn r3_three_attempts_by_default_configurable_and_one_disables_retries() {
    assert_eq!(RetryPolicy::default().max_attempts, 3);

    // The default policy (its real backoff: 200 ms, then up to 400 ms).
    let server = always_503(3).await;
    let client: coolset::Client = client_at(format!("{}/api", server.uri()), coolset_creds());
    let err = client.user_config().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    server.verify().await;

    for (policy, attempts) in [
        (
            RetryPolicy {
                max_attempts: 5,
                ..fast_retry()
            },
            5,
        ),
        (RetryPolicy::disabled(), 1),
    ] {
        let server = always_503(attempts).await;
        let client: coolset::Client = loopback(format!("{}/api", server.uri()), coolset_creds())
            .retry(policy)
            .build()
            .unwrap();
        let err = client.user_config().await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
        server.verify().await;
    }

    let zero = RetryPolicy {
        max_attempts: 0,
        ..RetryPolicy::default()
    };
    let refused: BuildError = ClientBuilder::<coolset::Client>::new()
        .base_url("https://api.example.invalid/api")
        .retry(zero)
        .build()
        .unwrap_err();
    assert_eq!(refused.item, "retry.max_attempts", "{refused}");
}
