//! Cold fleet burst, side by side in one run: 8 worker processes × 250 concurrent calls on
//! cold clients sharing one Redis (one token exchange for all, asserted), against a single
//! worker process of 250 calls, and against the floor: the same 8 processes without a store
//! (8 exchanges, nothing shared). Each round uses a fresh store key, against the sandbox
//! (whose token endpoint takes 100 ms, as a real one does). Reports the medians of wall time
//! to all-served and the per-round ratios. A private `redis-server` is started here.
//!
//! `cargo bench -p auth-tests --bench fleet_burst`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use auth_sandbox::{Sandbox, SandboxConfig};

#[path = "../tests/common/fleet_worker.rs"]
mod fleet_worker;
#[path = "../tests/common/redis_server.rs"]
#[allow(dead_code)]
mod redis_server;

const ROUNDS: usize = 7;

fn worker(sb: &Sandbox, redis: &str, key: &str, store: bool) -> Child {
    let mut cmd = fleet_worker::fleet_worker(sb, redis, key, 250, 20_000);
    if !store {
        cmd.env("FLEET_NO_STORE", "1");
    }
    cmd.stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// Wall time until `n` workers have all exited successfully.
fn burst(sb: &Sandbox, redis: &str, n: usize, store: bool) -> Duration {
    let key = redis_server::random_store_key();
    let started = Instant::now();
    let children: Vec<Child> = (0..n).map(|_| worker(sb, redis, &key, store)).collect();
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
    let (mut one, mut eight, mut floor) = (Vec::new(), Vec::new(), Vec::new());
    let (mut vs_one, mut vs_floor) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let issued = || sb.stats().loccus.tokens_issued;
        let before = issued();
        let a = burst(&sb, &redis.url(), 8, true).as_secs_f64();
        assert_eq!(issued() - before, 1, "one exchange for 8 processes");
        let b = burst(&sb, &redis.url(), 1, true).as_secs_f64();
        let before = issued();
        let c = burst(&sb, &redis.url(), 8, false).as_secs_f64();
        assert_eq!(
            issued() - before,
            8,
            "one exchange per process without a store"
        );
        eight.push(a);
        one.push(b);
        floor.push(c);
        vs_one.push(a / b);
        vs_floor.push(a / c);
    }
    println!(
        "COLD FLEET BURST (medians of {ROUNDS}): 8 processes x 250 calls with the store {:.0} ms; 1 process x 250 calls {:.0} ms; 8 processes without a store {:.0} ms. Per-round ratios: fleet / one process {:.2}, fleet / 8 processes without a store {:.2}. Token exchanges per fleet burst: 1 (asserted; 8 without the store)",
        median(eight) * 1e3,
        median(one) * 1e3,
        median(floor) * 1e3,
        median(vs_one),
        median(vs_floor)
    );
}
