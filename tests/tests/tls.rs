//! N2: HTTPS is required, plain HTTP only for loopback hosts and only when enabled, and a
//! server whose certificate is not trusted is refused with a typed TLS error that is never
//! retried and never echoes the URL.
//!
//! The TLS server is the shared raw loopback server (`common::raw`) + tokio-rustls with a
//! self-signed certificate generated per test by rcgen; it counts connections and handshake
//! attempts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use auth_sdk::{
    BuildError, ClientBuilder, Error, Provider, ProviderClient, Timeouts, TransportErrorKind,
    akool, coinflow, coolset, coopfin, loccus, reqwest,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

mod common;
use common::{Raw, raw, renderings, retry_policy};

const TOKEN: &str = "ct_test_CANARY_tls";
const QUERY_CANARY: &str = "q_CANARY_query";

// ---------------------------------------------------------------------------------------
// (a) The builder's scheme rule.

/// Builds a client of `P` at `url`, with `allow_http_loopback` as given.
fn build<P: ProviderClient>(url: &str, allow: bool) -> Result<(), BuildError> {
    ClientBuilder::<P>::new()
        .base_url(url)
        .allow_http_loopback(allow)
        .build()
        .map(drop)
}

/// Builds a client of every provider at `url`, with `allow_http_loopback` as given.
fn build_all(url: &str, allow: bool) -> Vec<(&'static str, Result<(), BuildError>)> {
    vec![
        ("coopfin", build::<coopfin::Client>(url, allow)),
        ("coinflow", build::<coinflow::Client>(url, allow)),
        ("coolset", build::<coolset::Client>(url, allow)),
        ("akool", build::<akool::Client>(url, allow)),
        ("loccus", build::<loccus::Client>(url, allow)),
    ]
}

/// Every provider's builder error at `url`, each checked to be about the base URL.
fn refusals(url: &str, allow: bool) -> Vec<(&'static str, BuildError)> {
    build_all(url, allow)
        .into_iter()
        .map(|(provider, result)| {
            let err = result.expect_err(url);
            assert_eq!(err.item, "base_url", "{provider} {url}");
            (provider, err)
        })
        .collect()
}

/// Asserts that every provider's builder accepts `url`.
fn all_accept(url: &str, allow: bool) {
    for (provider, result) in build_all(url, allow) {
        assert!(result.is_ok(), "{provider} {url}: {result:?}");
    }
}

#[test]
fn plain_http_to_a_non_loopback_host_is_always_refused() {
    for url in [
        "http://api.example.invalid/v1",
        "http://10.0.0.1/api",
        "http://192.168.1.10:8080",
        "http://0.0.0.0:8080",
        "http://[2001:db8::1]/v1",
        "http://localhost.example.invalid",
        "http://127.0.0.1.nip.io",
    ] {
        for allow in [false, true] {
            for (provider, err) in refusals(url, allow) {
                assert!(err.reason.contains("https"), "{provider} {url}: {err}");
            }
        }
    }
}

#[test]
fn plain_http_to_loopback_needs_the_explicit_opt_in() {
    for url in [
        "http://127.0.0.1:1",
        "http://127.0.0.1:8080/v1",
        "http://127.5.6.7",
        "http://localhost:3000/api",
        "http://LOCALHOST",
        "http://[::1]:8080",
    ] {
        for (provider, err) in refusals(url, false) {
            assert!(
                err.reason.contains("allow_http_loopback"),
                "{provider} {url}: {err}"
            );
        }
        all_accept(url, true);
    }
}

#[test]
fn https_is_accepted_and_other_schemes_and_userinfo_are_refused() {
    for url in ["https://api.example.invalid/v1", "https://127.0.0.1:8443"] {
        for allow in [false, true] {
            all_accept(url, allow);
        }
    }
    for url in [
        "ftp://api.example.invalid",
        "ws://127.0.0.1:1",
        "file:///etc/passwd",
        "api.example.invalid/v1",
        "https://user:sk_test_CANARY@api.example.invalid",
        "https://api.example.invalid/v1?api_key=sk_test_CANARY",
    ] {
        for (provider, err) in refusals(url, true) {
            let text = format!("{err} {err:?}");
            assert!(!text.contains("CANARY"), "{provider} {url}: {text}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// (b) A loopback TLS server with a self-signed certificate.

struct TlsServer {
    /// The raw server underneath; counts the TCP connections accepted.
    raw: Raw,
    cert: CertificateDer<'static>,
    /// Connections whose first bytes were a TLS handshake record (a ClientHello).
    handshakes: Arc<AtomicUsize>,
    /// Handshakes that completed.
    completed: Arc<AtomicUsize>,
    /// Why handshakes failed, as the server saw it.
    failures: Arc<Mutex<Vec<String>>>,
}

impl TlsServer {
    fn counts(&self) -> (usize, usize, usize) {
        (
            self.raw.accepts(),
            self.handshakes.load(Ordering::SeqCst),
            self.completed.load(Ordering::SeqCst),
        )
    }

    fn port(&self) -> u16 {
        self.raw.addr.port()
    }

    /// Waits (bounded) until the server has finished with `n` handshakes.
    async fn settle(&self, n: usize) {
        for _ in 0..50 {
            let done = self.completed.load(Ordering::SeqCst) + self.failures.lock().unwrap().len();
            if done >= n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // Give a (wrong) retry time to show up.
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Starts a TLS server for `localhost` and `127.0.0.1` with a fresh self-signed
/// certificate; a completed handshake is answered with `200 {"count":0,"results":[]}`.
async fn tls_server() -> TlsServer {
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap();
    let cert_der = cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(signing_key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert_der.clone()], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));

    let handshakes = Arc::new(AtomicUsize::new(0));
    let completed = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let counters = (
        Arc::clone(&handshakes),
        Arc::clone(&completed),
        Arc::clone(&failures),
    );
    let raw = raw(move |stream, _| {
        let (acceptor, (handshakes, completed, failures)) = (acceptor.clone(), counters.clone());
        async move {
            let mut first = [0u8; 1];
            match tokio::time::timeout(Duration::from_secs(2), stream.peek(&mut first)).await {
                Ok(Ok(1)) if first[0] == 0x16 => {
                    handshakes.fetch_add(1, Ordering::SeqCst);
                }
                _ => return,
            }
            let accepted =
                tokio::time::timeout(Duration::from_secs(2), acceptor.accept(stream)).await;
            let mut tls = match accepted {
                Ok(Ok(tls)) => tls,
                Ok(Err(e)) => {
                    failures.lock().unwrap().push(e.to_string());
                    return;
                }
                Err(_) => {
                    failures.lock().unwrap().push("handshake timed out".into());
                    return;
                }
            };
            completed.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 8192];
            let _ = tokio::time::timeout(Duration::from_secs(2), tls.read(&mut buf)).await;
            let body = br#"{"count":0,"results":[]}"#;
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = tls.write_all(head.as_bytes()).await;
            let _ = tls.write_all(body).await;
            let _ = tls.shutdown().await;
        }
    })
    .await;
    TlsServer {
        raw,
        cert: cert_der,
        handshakes,
        completed,
        failures,
    }
}

fn timeouts() -> Timeouts {
    Timeouts {
        connect: Some(Duration::from_secs(2)),
        attempt: Some(Duration::from_secs(2)),
        total: Some(Duration::from_secs(4)),
        token_exchange: Some(Duration::from_secs(2)),
    }
}

/// A builder for `P` at `base` holding `creds`, retries on (3 attempts), with [`timeouts`].
fn tls_builder<P: Provider>(base: &str, creds: P::Credentials) -> ClientBuilder<P> {
    ClientBuilder::new()
        .credentials(creds)
        .base_url(base)
        .retry(retry_policy(3, 10, 40))
        .timeouts(timeouts())
}

fn coolset_builder(base: &str) -> ClientBuilder<coolset::Client> {
    tls_builder(base, coolset::Credentials::new().with_api_token(TOKEN))
}

#[tokio::test]
async fn n2_a_callers_builder_cannot_turn_certificate_checks_off() {
    // The caller asks reqwest to accept any certificate and any host name; the SDK turns
    // both checks back on, so the self-signed server is refused as above.
    let server = tls_server().await;
    let base = format!("https://localhost:{}/api", server.port());
    #[allow(clippy::disallowed_methods)] // the point of the test
    let careless = reqwest::Client::builder()
        .tls_danger_accept_invalid_certs(true)
        .tls_danger_accept_invalid_hostnames(true);
    let client = coolset_builder(&base)
        .http_client(careless)
        .build()
        .unwrap();
    let err = client.list_workspaces().send().await.unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(t.kind, TransportErrorKind::Tls, "{err:?}");
    server.settle(1).await;
    let (_, handshakes, completed) = server.counts();
    assert_eq!(
        (handshakes, completed),
        (1, 0),
        "the handshake failed, nothing was served"
    );
}

#[tokio::test]
async fn n2_self_signed_certificate_is_refused_once_typed_and_without_the_url() {
    for host in ["127.0.0.1", "localhost"] {
        let server = tls_server().await;
        let base = format!("https://{host}:{}/api", server.port());
        let client = coolset_builder(&base).build().unwrap();
        let start = Instant::now();
        // An idempotent GET with retries on, a query and a bearer token.
        let err = client
            .list_workspaces()
            .search(QUERY_CANARY.to_owned())
            .send()
            .await
            .unwrap_err();
        let elapsed = start.elapsed();
        server.settle(1).await;
        eprintln!(
            "[tls] {host}: {err} (in {} ms); server saw {:?}; server-side failures {:?}",
            elapsed.as_millis(),
            server.counts(),
            server.failures.lock().unwrap()
        );
        let Error::Transport(t) = &err else {
            panic!("{host}: {err:?}")
        };
        assert_eq!(t.kind, TransportErrorKind::Tls, "{host}: {err:?}");
        assert!(!t.sent, "nothing was sent over an untrusted connection");
        assert!(!err.is_transient() && !err.may_have_been_processed());
        let (accepts, handshakes, completed) = server.counts();
        assert_eq!(
            handshakes, 1,
            "{host}: exactly one handshake attempt, no retry"
        );
        assert_eq!(accepts, 1, "{host}: one connection");
        assert_eq!(completed, 0, "{host}: no handshake completed");
        assert_eq!(server.failures.lock().unwrap().len(), 1);
        for text in renderings(&err) {
            for needle in [
                "CANARY",
                "search=",
                "?",
                "/api",
                "accounts/workspaces",
                &base,
            ] {
                assert!(!text.contains(needle), "{host}: `{needle}` in {text}");
            }
        }
        assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
    }
}

#[tokio::test]
async fn tls_failures_are_not_retried_on_token_exchange_either() {
    // CoopFin's create_token is an idempotent POST (retried on transient failures): a TLS
    // failure of the token exchange is still one handshake, and the API is never called.
    let server = tls_server().await;
    let creds = coopfin::Credentials::new()
        .with_api_key("pk_test_1")
        .with_secret_key("sk_test_CANARY");
    let base = format!("https://127.0.0.1:{}/v1", server.port());
    let client: coopfin::Client = tls_builder(&base, creds).build().unwrap();
    let err = client.create_token("pk_test_1", "sk_test_CANARY").await;
    let err = err.unwrap_err();
    server.settle(1).await;
    assert!(
        matches!(&err, Error::Transport(t) if t.kind == TransportErrorKind::Tls),
        "{err:?}"
    );
    assert_eq!(server.counts(), (1, 1, 0));
    for text in renderings(&err) {
        assert!(!text.contains("CANARY"), "{text}");
    }
}

#[tokio::test]
async fn the_same_server_is_reachable_when_its_certificate_is_trusted() {
    // Control: the refusal above is about trust, not a broken server. A caller's reqwest
    // client that trusts exactly this certificate gets through.
    let server = tls_server().await;
    let http = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_der(server.cert.as_ref()).unwrap()]);
    let client = coolset_builder(&format!("https://localhost:{}/api", server.port()))
        .http_client(http)
        .build()
        .unwrap();
    let page = client.list_workspaces().send().await.unwrap();
    assert_eq!(page.count, 0);
    assert_eq!(server.counts(), (1, 1, 1));
}
