#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! A fleet of OS processes (`src/bin/fleet_worker.rs`) sharing tokens through a real Redis,
//! against the sandbox, which counts the sessions it issues: one exchange for the whole
//! fleet; Redis killed in the middle of a burst; a lock holder killed mid-exchange.

use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use auth_sandbox::{Sandbox, SandboxConfig};

mod common;
use common::{RedisServer, fleet_worker, random_store_key};

/// Every process's wait is bounded by this (the tests' loops are bounded in time).
const PROCESS_LIMIT: Duration = Duration::from_secs(120);

/// A worker making `calls` concurrent calls, its output captured.
fn worker(sb: &Sandbox, redis: &RedisServer, key: &str, calls: usize, exchange_ms: u64) -> Child {
    fleet_worker(sb, &redis.url(), key, calls, exchange_ms)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start fleet_worker")
}

/// Waits for `children` (bounded) and returns their outputs.
async fn outputs(children: Vec<Child>) -> Vec<Output> {
    let wait = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect::<Vec<_>>()
    });
    tokio::time::timeout(PROCESS_LIMIT, wait)
        .await
        .expect("the fleet's processes did not finish in time")
        .unwrap()
}

fn assert_all_served(outs: &[Output]) {
    for (i, o) in outs.iter().enumerate() {
        assert!(
            o.status.success(),
            "process {i}: {}\nstdout: {}\nstderr: {}",
            o.status,
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// The `name=value` count a worker printed.
fn count(o: &Output, name: &str) -> u64 {
    let out = String::from_utf8_lossy(&o.stdout);
    out.split_whitespace()
        .find_map(|kv| {
            kv.strip_prefix(&format!("{name}="))
                .map(|v| v.parse().unwrap())
        })
        .unwrap_or_else(|| panic!("no {name} in {out:?}"))
}

async fn sandbox(token_delay: Duration) -> Sandbox {
    Sandbox::start_with(SandboxConfig::default().with_token_endpoint_delay(token_delay))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_processes_of_250_calls_make_one_token_exchange() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let sb = sandbox(Duration::from_millis(300)).await;
    let key = random_store_key();
    let started = Instant::now();
    let fleet: Vec<Child> = (0..8)
        .map(|_| worker(&sb, &redis, &key, 250, 20_000))
        .collect();
    let outs = outputs(fleet).await;
    assert_all_served(&outs);
    let served: u64 = outs.iter().map(|o| count(o, "ok")).sum();
    assert_eq!(served, 8 * 250);
    assert_eq!(
        sb.stats().loccus.tokens_issued,
        1,
        "one exchange for the fleet"
    );
    assert_eq!(outs.iter().map(|o| count(o, "exchanges")).sum::<u64>(), 1);
    assert_eq!(outs.iter().map(|o| count(o, "fallbacks")).sum::<u64>(), 0);
    eprintln!("8 x 250 calls served in {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_mid_burst_every_call_still_succeeds_and_a_restart_recovers() {
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let sb = sandbox(Duration::from_millis(600)).await;
    let key = random_store_key();
    let fleet: Vec<Child> = (0..8)
        .map(|_| worker(&sb, &redis, &key, 250, 20_000))
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    redis.kill();
    let outs = outputs(fleet).await;
    assert_all_served(&outs);
    // In-process single flight still holds: at most one exchange per process.
    let issued = sb.stats().loccus.tokens_issued;
    assert!(
        (1..=8).contains(&issued),
        "{issued} exchanges for 8 processes"
    );

    // Restarted (empty): the first new process exchanges and shares, the next reads it.
    redis.restart();
    let first = outputs(vec![worker(&sb, &redis, &key, 10, 20_000)]).await;
    assert_all_served(&first);
    assert_eq!(count(&first[0], "exchanges"), 1);
    let second = outputs(vec![worker(&sb, &redis, &key, 10, 20_000)]).await;
    assert_all_served(&second);
    assert_eq!(count(&second[0], "store_hits"), 1);
    assert_eq!(sb.stats().loccus.tokens_issued, issued + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_holder_killed_mid_exchange_is_taken_over_when_its_lock_expires() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let exchange = Duration::from_secs(2);
    let sb = sandbox(exchange).await;
    let key = random_store_key();
    let exchange_timeout_ms = 3_000;
    let lock_ttl = Duration::from_millis(exchange_timeout_ms + 1_000);
    let mut holder = worker(&sb, &redis, &key, 1, exchange_timeout_ms);
    let con = redis::Client::open(redis.url()).unwrap();
    let mut con = con.get_multiplexed_async_connection().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let locks: Vec<String> = redis::cmd("KEYS")
            .arg("auth-sdk:*:lock")
            .query_async(&mut con)
            .await
            .unwrap();
        if !locks.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "the holder never took the lock");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    holder.kill().unwrap();
    holder.wait().unwrap();
    let killed = Instant::now();
    let outs = outputs(vec![worker(&sb, &redis, &key, 5, exchange_timeout_ms)]).await;
    assert_all_served(&outs);
    let took = killed.elapsed();
    assert_eq!(count(&outs[0], "waits"), 1);
    assert_eq!(count(&outs[0], "exchanges"), 1);
    // It waited out the dead holder's lock, then made one exchange.
    assert!(
        took < lock_ttl + exchange + Duration::from_secs(3),
        "took {took:?} (lock {lock_ttl:?}, exchange {exchange:?})"
    );
}
