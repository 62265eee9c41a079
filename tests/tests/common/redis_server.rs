//! Real Redis servers for the fleet-store suites: the one `.ci/run` starts (its URL in
//! `AUTH_SDK_TEST_REDIS_URL`), or a private `redis-server` on a free loopback port, without
//! persistence, that a test can kill (`SIGKILL`) and restart. Under CI a missing
//! `redis-server` fails the test loudly; elsewhere the test says so and returns.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `redis-server` child process on 127.0.0.1, killed when dropped.
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
}

/// Whether this run is CI (where every service must be there).
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Reports a missing `redis-server`: a failure under CI, a notice elsewhere (`None`).
fn missing(why: &str) -> Option<RedisServer> {
    assert!(
        !under_ci(),
        "redis-server is required under CI and {why}; .ci/run installs it (apt-get install -y redis-server)"
    );
    eprintln!(
        "NOT RUN: {why}; install redis-server (apt-get install -y redis-server) to run the fleet-store tests"
    );
    None
}

impl RedisServer {
    /// Starts a private server on a free port; `None` (outside CI) if there is no binary.
    pub fn start() -> Option<RedisServer> {
        let port = TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let mut s = RedisServer { child: None, port };
        s.spawn()
            .then_some(s)
            .or_else(|| missing("redis-server could not be started"))
    }

    fn spawn(&mut self) -> bool {
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "", "--appendonly", "no", "--protected-mode", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let Ok(child) = child else { return false };
        self.child = Some(child);
        wait_until_accepting(self.addr(), Duration::from_secs(10))
    }

    /// The server's URL.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// Kills the server with `SIGKILL` (what `Child::kill` sends on Unix).
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts the server again on the same port (empty: no persistence).
    pub fn restart(&mut self) {
        self.kill();
        assert!(
            self.spawn(),
            "redis-server did not restart on port {}",
            self.port
        );
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

fn wait_until_accepting(addr: SocketAddr, limit: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// The URL of a Redis the test may share with others: `.ci/run`'s, else a private one
/// (kept alive by the returned guard). `None` outside CI when there is no `redis-server`.
pub fn shared_redis() -> Option<(String, Option<RedisServer>)> {
    if let Ok(url) = std::env::var("AUTH_SDK_TEST_REDIS_URL") {
        return Some((url, None));
    }
    let server = RedisServer::start()?;
    Some((server.url(), Some(server)))
}

/// A fresh random store key (`<id>:<base64>`), so tests sharing a server never share records.
pub fn random_store_key() -> String {
    use base64::Engine as _;
    use std::hash::BuildHasher;
    // RandomState is seeded from the OS per process and varies per instance.
    let bytes: Vec<u8> = (0..4)
        .flat_map(|i: u64| {
            std::collections::hash_map::RandomState::new()
                .hash_one(i)
                .to_le_bytes()
        })
        .collect();
    format!(
        "test:{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}
