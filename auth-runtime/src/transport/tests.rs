//! Tests of the reqwest transport (`mod.rs`): the bytes on the wire, and how failures are classified and rendered.
#![allow(clippy::unwrap_used)]

use super::*;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// A loopback server that answers a TLS ClientHello with plain HTTP.
async fn not_tls_server() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 1024];
                let _ = s.read(&mut buf).await;
                let _ = s
                    .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                    .await;
                let _ = s.shutdown().await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn tls_failures_are_classified_tls_not_sent_not_transient() {
    let addr = not_tls_server().await;
    let t = ReqwestTransport::new(Some(Duration::from_secs(2))).unwrap();
    let req = http::Request::builder()
        .uri(format!("https://{addr}/x?token=canary"))
        .body(Bytes::new())
        .unwrap();
    let err = t.send(req, 1024).await.err().unwrap();
    let mut chain = vec![err.to_string()];
    let mut cur: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(&err);
    while let Some(c) = cur {
        chain.push(c.to_string());
        cur = c.source();
    }
    assert_eq!(err.kind, TransportErrorKind::Tls, "{chain:?}");
    assert!(!err.sent);
    assert!(chain.iter().all(|c| !c.contains("canary")), "{chain:?}");
    let e: crate::Error = crate::Error::Transport(err);
    assert!(!e.is_transient(), "TLS failures are never retried");
}

#[tokio::test]
async fn refused_connections_are_connect_not_sent_transient() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let t = ReqwestTransport::new(Some(Duration::from_secs(2))).unwrap();
    let req = http::Request::builder()
        .uri(format!("http://{addr}/x"))
        .body(Bytes::new())
        .unwrap();
    let err = t.send(req, 1024).await.err().unwrap();
    assert_eq!(err.kind, TransportErrorKind::Connect, "{err}");
    assert!(!err.sent);
    assert!(crate::Error::<()>::Transport(err).is_transient());
}

/// The default transport sends a [`PreparedRequest`] without going through
/// `http::Request`; what reaches the server must be byte for byte what `send` would
/// have sent for the same request, with and without a body.
#[tokio::test]
async fn send_prepared_puts_the_same_bytes_on_the_wire_as_send() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut got = Vec::new();
                let mut buf = [0u8; 4096];
                // The head, then as many body bytes as it declares.
                loop {
                    let n = s.read(&mut buf).await.unwrap_or(0);
                    got.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&got).to_ascii_lowercase();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length: "))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if got.len() >= end + 4 + len {
                            break;
                        }
                    }
                    if n == 0 {
                        break;
                    }
                }
                let _ = tx.send(got);
                let _ = s
                    .write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
                    )
                    .await;
                let _ = s.shutdown().await;
            });
        }
    });
    let base = crate::BaseUrl::parse(&format!("http://{addr}/v1/")).unwrap();
    let t = ReqwestTransport::new(Some(Duration::from_secs(2))).unwrap();
    // The client's own path: the default transport called directly, not through the trait.
    let sender = Sender::Reqwest(t.clone());
    for method in [http::Method::GET, http::Method::POST] {
        let build = || {
            let mut rb = crate::spec::request::RequestBuilder::new(method.clone(), &base);
            rb.path("/keys/");
            rb.path_param("key", "a b", &[]).unwrap();
            rb.query("q", "x y&z");
            static X_TOKEN: http::HeaderName = http::HeaderName::from_static("x-token");
            rb.header(&X_TOKEN, "token", "sk_test_HEADER").unwrap();
            if method == http::Method::POST {
                rb.json(&serde_json::json!({"name": "n"})).unwrap();
            }
            rb.finish()
        };
        let via_http = t.send(build().into_http().unwrap(), 1024).await.unwrap();
        let via_prepared = sender.send(build(), 1024).await.unwrap();
        assert_eq!(via_http.status(), 200);
        assert_eq!(via_prepared.body(), via_http.body());
        let (a, b) = (rx.recv().await.unwrap(), rx.recv().await.unwrap());
        assert_eq!(
            String::from_utf8_lossy(&b),
            String::from_utf8_lossy(&a),
            "{method}"
        );
        let head = String::from_utf8_lossy(&a).into_owned();
        assert!(
            head.starts_with(&format!("{method} /v1/keys/a%20b?q=x+y%26z HTTP/1.1\r\n")),
            "{head}"
        );
    }
}

/// Every rendering of an error: Display, Debug, alternate Debug and the `source()` chain.
fn renderings(e: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut out = vec![e.to_string(), format!("{e:?}"), format!("{e:#?}")];
    let mut cur = e.source();
    while let Some(c) = cur {
        out.push(c.to_string());
        out.push(format!("{c:?}"));
        cur = c.source();
    }
    out
}

/// A loopback server that reads the request head, then runs `answer` on the socket.
async fn server<F, Fut>(answer: F) -> std::net::SocketAddr
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let answer = std::sync::Arc::new(answer);
    tokio::spawn(async move {
        for _ in 0..16 {
            let Ok((mut s, _)) = listener.accept().await else {
                break;
            };
            let answer = std::sync::Arc::clone(&answer);
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = tokio::time::timeout(Duration::from_secs(2), s.read(&mut buf)).await;
                answer(s).await;
            });
        }
    });
    addr
}

/// S3 / item 6: whatever reqwest reports (refused connection, reset, truncated body, TLS
/// failure), the `TransportError` built from it, and every `Error` variant that can
/// carry one, never render the URL's query (nor the URL at all).
#[tokio::test]
async fn transport_errors_never_render_the_url_query() {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let a = l.local_addr().unwrap();
        drop(l);
        a
    };
    let reset = server(|s| async move {
        let _ = s.set_zero_linger();
        drop(s);
    })
    .await;
    let truncated = server(|mut s| async move {
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"ok\"")
            .await;
        let _ = s.shutdown().await;
    })
    .await;
    let not_tls = not_tls_server().await;
    let cases = [
        (
            "refused",
            format!("http://{closed}"),
            TransportErrorKind::Connect,
        ),
        (
            "refused (port 1)",
            "http://127.0.0.1:1".to_owned(),
            TransportErrorKind::Connect,
        ),
        ("reset", format!("http://{reset}"), TransportErrorKind::Io),
        (
            "truncated",
            format!("http://{truncated}"),
            TransportErrorKind::Io,
        ),
        (
            "not tls",
            format!("https://{not_tls}"),
            TransportErrorKind::Tls,
        ),
    ];
    let t = ReqwestTransport::new(Some(Duration::from_secs(2))).unwrap();
    for (case, origin, kind) in cases {
        let uri = format!("{origin}/x/sk_path_segment?api_key=sk_test_CANARY&session=CANARY2");
        let fail = || async {
            let req = http::Request::builder()
                .uri(uri.as_str())
                .body(Bytes::new())
                .unwrap();
            t.send(req, 1024).await.err().unwrap()
        };
        let direct = fail().await;
        assert_eq!(direct.kind, kind, "{case}: {direct:?}");
        let mut texts = renderings(&direct);
        let as_error: crate::Error<()> = crate::Error::Transport(fail().await);
        texts.extend(renderings(&as_error));
        let in_exchange: crate::Error<()> =
            crate::Error::TokenExchange(crate::error::TokenExchangeError::new(
                "Provider",
                "issuer",
                as_error.is_transient(),
                crate::Error::<()>::Transport(fail().await),
            ));
        texts.extend(renderings(&in_exchange));
        for text in &texts {
            for needle in ["CANARY", "api_key", "session=", "sk_path_segment", "?"] {
                assert!(!text.contains(needle), "{case}: `{needle}` in {text:?}");
            }
            assert!(!text.contains(&origin), "{case}: the URL in {text:?}");
        }
    }
}
