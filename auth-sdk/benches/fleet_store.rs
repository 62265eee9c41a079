//! Fleet token store on a real Redis (a private `redis-server` started here, on a free
//! loopback port, without persistence): the warm call with a fleet cache configured against
//! the same call without one (the in-process read must not change), and an L2 hit in a
//! fresh process (in-process cache empty: GET + open the sealed record + the call) against
//! a plain `GET` of the same key on the same Redis connection. Calls go over an in-memory
//! transport, so the figures are the SDK's and Redis's, not HTTP's.
//!
//! `cargo bench -p auth-sdk --features redis --bench fleet_store`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use auth_sdk::{FleetCache, RedisStore, StoreKey, TokenStore, coopfin};

use common::ping::{Router, ping_token};

fn client(fleet: Option<&FleetCache>) -> coopfin::Client {
    let b = coopfin::Client::builder()
        .credentials(
            coopfin::Credentials::new()
                .with_api_key("pk_test_1")
                .with_secret_key("sk_test_2"),
        )
        .transport(Router::coopfin());
    match fleet {
        Some(f) => b.fleet_cache(f.clone()),
        None => b,
    }
    .build()
    .unwrap()
}

fn main() {
    if !common::benchmarking() {
        return; // `cargo test --benches` builds it; only `cargo bench` runs it.
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut redis = Command::new("redis-server")
        .args([
            "--bind",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .spawn()
        .expect("this benchmark needs redis-server (apt-get install -y redis-server)");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "redis-server did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let url = format!("redis://127.0.0.1:{port}/");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let store = rt.block_on(RedisStore::connect(&url)).unwrap();
    // The fleet cache and the plain GETs share one connection (RedisStore clones share it).
    let fleet = FleetCache::new(store.clone(), StoreKey::new("bench", [7; 32]).unwrap())
        .store_timeout(Duration::from_secs(1));
    let with_fleet = client(Some(&fleet));
    let without = client(None);
    rt.block_on(with_fleet.send(ping_token::Request::new()))
        .unwrap();
    rt.block_on(without.send(ping_token::Request::new()))
        .unwrap();
    let name: String = rt.block_on(async {
        let c = redis::Client::open(url.as_str()).unwrap();
        let mut con = c.get_multiplexed_async_connection().await.unwrap();
        let names: Vec<String> = redis::cmd("KEYS")
            .arg("auth-sdk:*")
            .query_async(&mut con)
            .await
            .unwrap();
        names
            .into_iter()
            .find(|n| !n.ends_with(":lock"))
            .expect("the record")
    });

    let p = common::paired_async(
        &rt,
        "fleet/warm_send_with_fleet_vs_without",
        101,
        300,
        || with_fleet.send(ping_token::Request::new()),
        || without.send(ping_token::Request::new()),
    );
    println!(
        "WARM send with a fleet cache configured / without: {:.3} (IQR {:.3}-{:.3}); {} vs {}",
        p.ratio,
        p.ratio_q1,
        p.ratio_q3,
        common::fmt_ns(p.a_ns),
        common::fmt_ns(p.b_ns)
    );
    let (wf, wo, st, nm) = (&with_fleet, &without, &store, name.as_str());
    let hits_before = fleet.stats().store_hits;
    let p = common::paired_async(
        &rt,
        "fleet/l2_hit_call_vs_plain_get",
        41,
        200,
        move || async move {
            wf.core().clear_tokens();
            wf.send(ping_token::Request::new()).await.unwrap()
        },
        move || async move { st.get(nm).await.unwrap().unwrap() },
    );
    println!(
        "L2 HIT in a fresh process (empty in-process cache: GET + open + the call) / plain GET of the same key: {:.3} (IQR {:.3}-{:.3}); {} vs {}; target <= 1.5",
        p.ratio,
        p.ratio_q1,
        p.ratio_q3,
        common::fmt_ns(p.a_ns),
        common::fmt_ns(p.b_ns)
    );
    let s = fleet.stats();
    assert!(
        s.store_hits > hits_before && s.exchanges == 1,
        "every cold call was an L2 hit: {s:?}"
    );
    let p = common::paired_async(
        &rt,
        "fleet/l2_hit_call_vs_get_plus_warm_call",
        41,
        200,
        move || async move {
            wf.core().clear_tokens();
            wf.send(ping_token::Request::new()).await.unwrap()
        },
        move || async move {
            st.get(nm).await.unwrap().unwrap();
            wo.send(ping_token::Request::new()).await.unwrap()
        },
    );
    println!(
        "L2 HIT call / (plain GET + a warm call): {:.3} (IQR {:.3}-{:.3}); the L2 hit's cost beyond the GET: {}",
        p.ratio,
        p.ratio_q1,
        p.ratio_q3,
        common::fmt_ns(p.diff_ns)
    );
    let _ = redis.kill();
    let _ = redis.wait();
}
