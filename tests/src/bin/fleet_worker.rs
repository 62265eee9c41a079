//! One process of a fleet, for the fleet-store tests (`tests/fleet_processes.rs`): builds a
//! cold Loccus client whose fleet cache comes from the documented environment variables
//! (`AUTH_SDK_REDIS_URL`, `AUTH_SDK_STORE_KEY`, `AUTH_SDK_STORE_TIMEOUT_MS`), makes
//! `FLEET_CALLS` concurrent `get_user` calls against `FLEET_BASE_URL` as
//! `FLEET_HANDLE`/`FLEET_PASSWORD`, prints one line of counts and exits 0 only if every
//! call succeeded. `FLEET_NO_STORE=1` leaves the fleet cache out (the benchmark's floor).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use auth_sdk::{ClientBuilder, FleetCache, Timeouts, loccus};

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic_free_exit(&format!("{name} is not set")))
}

fn panic_free_exit(message: &str) -> ! {
    eprintln!("fleet_worker: {message}");
    std::process::exit(64)
}

#[tokio::main]
async fn main() {
    let calls: usize = var("FLEET_CALLS").parse().unwrap_or(1);
    let exchange_ms: u64 = var("FLEET_EXCHANGE_TIMEOUT_MS").parse().unwrap_or(20_000);
    let fleet = match FleetCache::from_env() {
        Ok(Some(f)) => f,
        Ok(None) => panic_free_exit("AUTH_SDK_REDIS_URL is not set"),
        Err(e) => panic_free_exit(&e.to_string()),
    };
    let creds = loccus::Credentials::new()
        .with_handle(var("FLEET_HANDLE"))
        .with_password(var("FLEET_PASSWORD"));
    let builder = ClientBuilder::new()
        .credentials(creds)
        .base_url(var("FLEET_BASE_URL"))
        .allow_http_loopback(true)
        .timeouts(Timeouts {
            token_exchange: Some(Duration::from_millis(exchange_ms)),
            ..Timeouts::default()
        });
    let builder = if std::env::var_os("FLEET_NO_STORE").is_some() {
        builder
    } else {
        builder.fleet_cache(fleet.clone())
    };
    let client: loccus::Client = builder
        .build()
        .unwrap_or_else(|e| panic_free_exit(&e.to_string()));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(calls);
    for _ in 0..calls {
        let c = client.clone();
        tasks.push(tokio::spawn(async move { c.get_user().await }));
    }
    let (mut ok, mut failed) = (0, 0);
    for t in tasks {
        match t.await {
            Ok(Ok(_)) => ok += 1,
            Ok(Err(e)) => {
                failed += 1;
                if failed == 1 {
                    eprintln!("fleet_worker: first failure: {e}");
                }
            }
            Err(_) => failed += 1,
        }
    }
    let s = fleet.stats();
    println!(
        "ok={ok} failed={failed} ms={} store_hits={} exchanges={} waits={} fallbacks={} store_errors={}",
        started.elapsed().as_millis(),
        s.store_hits,
        s.exchanges,
        s.waits,
        s.fallbacks,
        s.store_errors
    );
    std::process::exit(if failed == 0 { 0 } else { 1 });
}
