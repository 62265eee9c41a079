#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! One clock: every timer of a call (attempt and total deadlines, backoff, `Retry-After`
//! waits, the token-exchange bound) and token expiry follow tokio's clock, so a test under
//! `#[tokio::test(start_paused = true)]` drives them with `tokio::time::advance`.
//!
//! Every server here runs on the test's own runtime (the sandbox, or a task of the test):
//! a server on another runtime would make this runtime look idle while it answers, and a
//! paused clock auto-advances to the next timer when the runtime is idle.

use std::time::Duration;

use auth_sandbox::Sandbox;
use auth_sdk::{Error, RetryPolicy, TimeoutKind, Timeouts, coolset};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

mod common;
use common::endpoints::sandbox_whoami as whoami;

fn coopfin_client(sb: &Sandbox) -> auth_sdk::coopfin::Client {
    let c = &sb.credentials().coopfin;
    auth_sdk::coopfin::Client::builder()
        .credentials(
            auth_sdk::coopfin::Credentials::new()
                .with_api_key(c.api_key.as_str())
                .with_secret_key(c.secret_key.as_str()),
        )
        .base_url(&sb.base_urls().coopfin)
        .allow_http_loopback(true)
        .build()
        .unwrap()
}

fn coolset_client(base: &str, timeouts: Timeouts, retry: RetryPolicy) -> coolset::Client {
    coolset::Client::builder()
        .credentials(coolset::Credentials::new().with_api_token("sk_test_paused"))
        .base_url(base)
        .allow_http_loopback(true)
        .timeouts(timeouts)
        .retry(retry)
        .build()
        .unwrap()
}

/// Reads one HTTP/1.1 request head (the calls here have no body).
async fn read_head(sock: &mut tokio::net::TcpStream) -> bool {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match sock.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if buf.len() > 64 * 1024 {
            return false;
        }
    }
    true
}

/// A server on this runtime that answers the requests of one connection with `answers`, in
/// order, then keeps the connection open without answering.
async fn scripted_server(answers: Vec<&'static str>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut answers = answers.into_iter();
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            // Connections after the last answer are held open, unanswered.
            while read_head(&mut sock).await {
                match answers.next() {
                    Some(a) => {
                        if sock.write_all(a.as_bytes()).await.is_err() {
                            break;
                        }
                    }
                    None => {
                        std::future::pending::<()>().await;
                    }
                }
            }
        }
    });
    format!("http://{addr}/api")
}

#[tokio::test(start_paused = true)]
async fn token_refreshes_once_after_advance_past_the_refresh_window() {
    let sb = Sandbox::start().await.unwrap();
    let client = coopfin_client(&sb);
    let me = client.send(whoami::Request::new()).await.unwrap();
    assert!(me.token_expires_in_ms > 0);
    assert_eq!(sb.stats().coopfin.tokens_issued, 1);

    // Still fresh: the sandbox's tokens live 86 400 s, the refresh window is at most 330 s.
    tokio::time::advance(Duration::from_secs(3600)).await;
    client.send(whoami::Request::new()).await.unwrap();
    assert_eq!(sb.stats().coopfin.tokens_issued, 1, "fresh token reused");

    // 60 s before expiry: inside the refresh window, still valid.
    tokio::time::advance(Duration::from_secs(86_400 - 3600 - 60)).await;
    client.send(whoami::Request::new()).await.unwrap();
    assert_eq!(sb.stats().coopfin.tokens_issued, 2, "refreshed once");
    client.send(whoami::Request::new()).await.unwrap();
    assert_eq!(
        sb.stats().coopfin.tokens_issued,
        2,
        "the new token is reused"
    );
}

#[tokio::test(start_paused = true)]
async fn a_server_that_never_answers_times_out_in_virtual_time() {
    let base = scripted_server(vec![]).await;
    let timeouts = Timeouts {
        attempt: Some(Duration::from_secs(5)),
        ..Timeouts::default()
    };
    let once = RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    };
    let client = coolset_client(&base, timeouts, once);
    let real = std::time::Instant::now();
    let virtual_start = tokio::time::Instant::now();
    let err = client.user_config().await.unwrap_err();
    let (virtual_took, real_took) = (virtual_start.elapsed(), real.elapsed());
    match &err {
        Error::Timeout(t) => {
            assert_eq!(t.kind, TimeoutKind::Attempt);
            assert_eq!(t.after, Duration::from_secs(5));
        }
        other => panic!("expected an attempt timeout, got {other:?}"),
    }
    assert!(
        virtual_took >= Duration::from_secs(5) && virtual_took < Duration::from_millis(5100),
        "virtual {virtual_took:?}"
    );
    assert!(real_took < Duration::from_millis(100), "real {real_took:?}");
}

#[tokio::test(start_paused = true)]
async fn the_total_timeout_follows_virtual_time_across_retries() {
    let base = scripted_server(vec![]).await;
    let timeouts = Timeouts {
        attempt: Some(Duration::from_secs(4)),
        total: Some(Duration::from_secs(10)),
        ..Timeouts::default()
    };
    let retry = RetryPolicy {
        max_attempts: 10,
        budget: None,
        ..RetryPolicy::default()
    };
    let client = coolset_client(&base, timeouts, retry);
    let real = std::time::Instant::now();
    let virtual_start = tokio::time::Instant::now();
    let err = client.user_config().await.unwrap_err();
    let virtual_took = virtual_start.elapsed();
    assert!(matches!(&err, Error::Timeout(_)), "{err:?}");
    assert!(
        virtual_took <= Duration::from_secs(10),
        "never past the total bound: {virtual_took:?}"
    );
    assert!(
        virtual_took >= Duration::from_secs(8),
        "two attempts of 4 s at least"
    );
    assert!(real.elapsed() < Duration::from_millis(500));
}

#[tokio::test(start_paused = true)]
async fn retry_after_30_s_waits_in_virtual_time() {
    let base = scripted_server(vec![
        "HTTP/1.1 503 Service Unavailable\r\nretry-after: 30\r\ncontent-length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{\"ok\":true}",
    ])
    .await;
    let client = coolset_client(&base, Timeouts::default(), RetryPolicy::default());
    let real = std::time::Instant::now();
    let virtual_start = tokio::time::Instant::now();
    let resp = client.user_config().await.unwrap();
    let virtual_took = virtual_start.elapsed();
    assert_eq!(resp.config, serde_json::json!({"ok": true}));
    assert!(
        virtual_took >= Duration::from_secs(30) && virtual_took < Duration::from_secs(31),
        "virtual {virtual_took:?}"
    );
    assert!(
        real.elapsed() < Duration::from_secs(1),
        "real {:?}",
        real.elapsed()
    );
}
