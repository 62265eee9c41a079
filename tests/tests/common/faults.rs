//! A raw loopback server for faults wiremock cannot produce (resets, stalls, lying lengths,
//! endless bodies, TLS handshakes): it counts accepted connections and runs a handler on
//! each. Also a closed loopback port.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// `200 OK` with `{"ok":true}`.
pub const OK_BODY: &[u8] =
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{\"ok\":true}";

/// A running raw server.
pub struct Raw {
    pub addr: SocketAddr,
    accepts: Arc<AtomicUsize>,
}

impl Raw {
    /// `http://<addr>`.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Connections accepted so far.
    pub fn accepts(&self) -> usize {
        self.accepts.load(Ordering::SeqCst)
    }
}

/// Starts a raw server on `127.0.0.1:0` running `handler(stream, n)` on the n-th accepted
/// connection (counting from 0), each in its own task.
pub async fn raw<F, Fut>(handler: F) -> Raw
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
pub async fn read_head(s: &mut TcpStream) -> Vec<u8> {
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
pub async fn stall() {
    tokio::time::sleep(Duration::from_secs(5)).await;
}

/// A raw server that reads each request head, writes `bytes`, then stalls.
pub async fn answer_then_stall(bytes: &'static [u8]) -> Raw {
    raw(move |mut s, _| async move {
        let _ = read_head(&mut s).await;
        let _ = s.write_all(bytes).await;
        stall().await;
    })
    .await
}

/// A closed loopback port.
pub fn closed_port() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    addr
}
