#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! Answers that break HTTP are protocol errors, sent once and never retried (checklist R2's
//! "only classified-transient failures are retried"): headers over 64 KiB in total,
//! thousands of headers, a bare CR, an invalid status line, two different
//! `Content-Length`s, each from a raw loopback server, on an idempotent GET with three
//! attempts allowed. And typed response headers: an optional one that does not parse is
//! `None` with a warning naming it; a required one is a decode error naming it.

use std::io;
use std::sync::{Arc, Mutex};

use auth_sdk::{Error, TransportErrorKind, coolset};
use tokio::io::AsyncWriteExt as _;

mod common;
use common::{loopback, raw, read_head, retry_policy};

const TOKEN: &str = "cs_test_protocol";

fn client(base: &str) -> coolset::Client {
    loopback(
        format!("{base}/api"),
        coolset::Credentials::new().with_api_token(TOKEN),
    )
    .retry(retry_policy(3, 5, 20))
    .build()
    .unwrap()
}

/// A head of `status_line`, `extra` header lines, and a `{}` body.
fn answer(status_line: &str, extra: &str) -> Vec<u8> {
    format!(
        "{status_line}\r\ncontent-type: application/json\r\ncontent-length: 2\r\n{extra}\r\n{{}}"
    )
    .into_bytes()
}

/// Serves `bytes` to every connection; returns the user_config error and the connections
/// the client opened.
async fn broken(bytes: Vec<u8>) -> (Error<coolset::ErrorBody>, usize) {
    let bytes = Arc::new(bytes);
    let server = raw(move |mut s, _| {
        let bytes = Arc::clone(&bytes);
        async move {
            let _ = read_head(&mut s).await;
            let _ = s.write_all(&bytes).await;
            let _ = s.shutdown().await;
        }
    })
    .await;
    let err = client(&server.base()).user_config().await.unwrap_err();
    (err.map_body(|b| b), server.accepts())
}

async fn assert_protocol_error(case: &str, bytes: Vec<u8>, names: &str) {
    let (err, accepts) = broken(bytes).await;
    let Error::Transport(t) = &err else {
        panic!("{case}: expected a transport error, got {err:?}");
    };
    assert_eq!(t.kind, TransportErrorKind::Protocol, "{case}: {err}");
    assert!(
        !err.is_transient(),
        "{case}: a broken answer is not retried"
    );
    assert_eq!(accepts, 1, "{case}: sent once");
    let text = err.to_string();
    eprintln!("{case}: {text}");
    assert!(text.contains(names), "{case}: `{names}` not in: {text}");
    assert!(!text.contains(TOKEN), "{case}: {text}");
}

#[tokio::test]
async fn r2_headers_over_64_kib_are_a_protocol_error() {
    let pad = "a".repeat(1000);
    let extra: String = (0..70).map(|i| format!("x-pad-{i}: {pad}\r\n")).collect();
    let bytes = answer("HTTP/1.1 200 OK", &extra);
    assert_protocol_error("70 KiB of headers", bytes, "over the 65536-byte limit").await;
}

#[tokio::test]
async fn r2_thousands_of_headers_are_a_protocol_error() {
    let extra: String = (0..3000).map(|i| format!("x-h-{i}: v\r\n")).collect();
    let bytes = answer("HTTP/1.1 200 OK", &extra);
    assert_protocol_error("3000 headers", bytes, "not valid HTTP").await;
}

#[tokio::test]
async fn r2_a_bare_cr_is_a_protocol_error() {
    let bytes = answer("HTTP/1.1 200 OK", "x-odd: a\rb\r\n");
    assert_protocol_error("bare CR", bytes, "invalid HTTP header").await;
}

#[tokio::test]
async fn r2_an_invalid_status_line_is_a_protocol_error() {
    let bytes = answer("HTTP/1.1 2OO OK", "");
    assert_protocol_error("status 2OO", bytes, "not valid HTTP").await;
}

#[tokio::test]
async fn r2_conflicting_content_lengths_are_a_protocol_error() {
    let bytes = answer("HTTP/1.1 200 OK", "content-length: 3\r\n");
    assert_protocol_error("content-length 2 and 3", bytes, "not valid HTTP").await;
}

// ------------------------------------------------------------------ typed headers

mod request_id {
    use auth_sdk::{endpoint, response};

    /// The user configuration, with a required numeric request id header.
    #[endpoint(name = user_config_traced, provider = auth_sdk::coolset::Client, GET "/accounts/user-config/", auth = token)]
    pub struct Request {}

    /// The configuration and the request id.
    #[response(200)]
    pub struct Response {
        /// The configuration, untyped.
        #[body]
        pub config: serde_json::Value,
        /// The server's id of the request.
        #[header("x-request-id")]
        pub request_id: u64,
    }
}

/// A server answering every request `200 {}` with `extra` header lines.
async fn answering(extra: &'static str) -> common::Raw {
    raw(move |mut s, _| async move {
        let _ = read_head(&mut s).await;
        let _ = s.write_all(&answer("HTTP/1.1 200 OK", extra)).await;
    })
    .await
}

struct Capture(Arc<Mutex<Vec<u8>>>);
impl io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn an_unreadable_optional_header_is_none_with_a_warning_naming_it() {
    let captured = Arc::new(Mutex::new(Vec::<u8>::new()));
    let sink = Arc::clone(&captured);
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .with_writer(move || Capture(Arc::clone(&sink)))
        .finish();
    // Global: tracing caches a callsite's interest, so a thread-scoped subscriber could miss
    // the event if another test's thread hit the callsite first. Only this test sets one.
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let server = answering("x-ratelimit-limit: abc\r\nx-ratelimit-remaining: 7\r\n").await;
    let config = client(&server.base()).user_config().await.unwrap();
    assert_eq!(config.rate_limit, None, "unreadable: treated as absent");
    assert_eq!(config.rate_limit_remaining, Some(7));
    let log = String::from_utf8_lossy(&captured.lock().unwrap()).into_owned();
    let line = log
        .lines()
        .find(|l| l.contains("could not be read"))
        .unwrap_or_else(|| panic!("no warning in:\n{log}"));
    assert!(line.contains("WARN"), "{line}");
    assert!(line.contains("x-ratelimit-limit"), "{line}");
    assert!(!line.contains("abc"), "the value is not logged: {line}");
}

#[tokio::test]
async fn a_required_header_that_is_unreadable_or_absent_is_a_decode_error_naming_it() {
    for extra in ["x-request-id: abc\r\n", ""] {
        let server = answering(extra).await;
        let err = client(&server.base())
            .send(request_id::Request::new())
            .await
            .unwrap_err();
        let Error::Decode(d) = &err else {
            panic!("{extra:?}: expected a decode error, got {err:?}");
        };
        assert_eq!(d.path, "header x-request-id", "{extra:?}");
        assert!(err.to_string().contains("x-request-id"), "{err}");
    }
    let server = answering("x-request-id: 42\r\n").await;
    let ok = client(&server.base())
        .send(request_id::Request::new())
        .await
        .unwrap();
    assert_eq!(ok.request_id, 42);
}
