//! Cold fleet burst, side by side in one run: 8 worker processes × 250 concurrent calls on
//! cold clients sharing one Redis (one token exchange for all, asserted) against a single
//! worker process of 250 calls, each round on a fresh store key against the sandbox (whose
//! token endpoint takes 100 ms, as a real one does). Reports the medians of wall time to
//! all-served and their ratio. A private `redis-server` is started here.
//!
//! `cargo bench -p auth-tests --bench fleet_burst`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use auth_sandbox::{Sandbox, SandboxConfig};

#[path = "../tests/common/redis_server.rs"]
#[allow(dead_code)]
mod redis_server;

const WORKER: &str = env!("CARGO_BIN_EXE_fleet_worker");
const ROUNDS: usize = 7;

fn worker(sb: &Sandbox, redis: &str, key: &str) -> Child {
    let creds = &sb.credentials().loccus;
    Command::new(WORKER)
        .env("FLEET_BASE_URL", sb.base_urls().loccus)
        .env("FLEET_HANDLE", &creds.handle)
        .env("FLEET_PASSWORD", &creds.password)
        .env("FLEET_CALLS", "250")
        .env("FLEET_EXCHANGE_TIMEOUT_MS", "20000")
        .env("AUTH_SDK_REDIS_URL", redis)
        .env("AUTH_SDK_STORE_KEY", key)
        .env("AUTH_SDK_STORE_TIMEOUT_MS", "2000")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// Wall time until `n` workers have all exited successfully.
fn burst(sb: &Sandbox, redis: &str, n: usize) -> Duration {
    let key = redis_server::random_store_key();
    let started = Instant::now();
    let children: Vec<Child> = (0..n).map(|_| worker(sb, redis, &key)).collect();
    for c in children {
        assert!(c.wait_with_output().unwrap().status.success());
    }
    started.elapsed()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let redis = redis_server::RedisServer::start().expect("this benchmark needs redis-server");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sb = rt
        .block_on(Sandbox::start_with(
            SandboxConfig::default().with_token_endpoint_delay(Duration::from_millis(100)),
        ))
        .unwrap();
    let _guard = rt.enter();
    let (mut one, mut eight, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let before = sb.stats().loccus.tokens_issued;
        let a = burst(&sb, &redis.url(), 8).as_secs_f64();
        assert_eq!(
            sb.stats().loccus.tokens_issued - before,
            1,
            "one exchange for 8 processes"
        );
        let b = burst(&sb, &redis.url(), 1).as_secs_f64();
        eight.push(a);
        one.push(b);
        ratios.push(a / b);
    }
    println!(
        "COLD FLEET BURST: 8 processes x 250 calls {:.0} ms, 1 process x 250 calls {:.0} ms (medians of {ROUNDS}); median per-round ratio {:.2}; token exchanges per 8-process burst: 1 (asserted)",
        median(eight) * 1e3,
        median(one) * 1e3,
        median(ratios)
    );
}
