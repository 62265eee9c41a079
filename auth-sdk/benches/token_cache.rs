//! Token cache: 1,000 concurrent authenticated calls on a cold client make exactly one token
//! request (asserted in the setup, for two issuers); the warm token read
//! (`TokenCache::fresh` with a `SystemClock`, target ≤ 50 ns); the full warm auth path (a
//! call with a cached token against the same call without auth, over an in-memory transport);
//! and reads during an in-flight token fetch never wait (no lock is held across an await).
//!
//! `cargo bench -p auth-sdk --bench token_cache`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use auth_sdk::{IssuedToken, Lifetime, Secret, SystemClock, TokenCache, akool, coopfin, loccus};
use criterion::{Criterion, criterion_group};
use futures_util::future::join_all;

use common::ping::{Router, ping_none, ping_token};

const CONCURRENT: usize = 1_000;

/// 1,000 concurrent calls on cold clients: exactly one token request per issuer.
fn cold_concurrency(server: &common::Server) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    let akool = akool::Client::builder()
        .credentials(
            akool::Credentials::new()
                .with_client_id("ak_test_client")
                .with_client_secret("ak_test_secret"),
        )
        .base_url(server.base("/akool"))
        .allow_http_loopback(true)
        .http_client(common::http_client_builder())
        .build()
        .unwrap();
    let loccus = loccus::Client::builder()
        .credentials(
            loccus::Credentials::new()
                .with_handle("alice")
                .with_password("pw_test_12345"),
        )
        .base_url(server.base("/loccus/v1"))
        .allow_http_loopback(true)
        .http_client(common::http_client_builder())
        .build()
        .unwrap();
    let started = Instant::now();
    let (a, l) = rt.block_on(async {
        let a = join_all((0..CONCURRENT).map(|_| {
            let c = akool.clone();
            tokio::spawn(async move { c.quota_info().await.is_ok() })
        }));
        let l = join_all((0..CONCURRENT).map(|_| {
            let c = loccus.clone();
            tokio::spawn(async move { c.list_keys().send().await.is_ok() })
        }));
        tokio::join!(a, l)
    });
    let ok_a = a.into_iter().filter(|r| matches!(r, Ok(true))).count();
    let ok_l = l.into_iter().filter(|r| matches!(r, Ok(true))).count();
    let tokens_a = server.counters.akool_tokens.load(Ordering::SeqCst);
    let tokens_l = server.counters.loccus_sessions.load(Ordering::SeqCst);
    println!(
        "COLD {CONCURRENT} concurrent calls per client on cold clients ({:?}): akool quota_info {ok_a} ok, {tokens_a} getToken request(s); loccus list_keys {ok_l} ok, {tokens_l} sign-in request(s)",
        started.elapsed()
    );
    assert_eq!(ok_a, CONCURRENT, "every akool call succeeds");
    assert_eq!(ok_l, CONCURRENT, "every loccus call succeeds");
    assert_eq!(tokens_a, 1, "exactly one akool token request");
    assert_eq!(tokens_l, 1, "exactly one loccus sign-in");
}

/// A warm cache holding a one-hour token.
fn warm_cache(rt: &tokio::runtime::Runtime) -> Arc<TokenCache<()>> {
    let cache = Arc::new(TokenCache::new());
    let t = rt.block_on(cache.get(&SystemClock, || async {
        Ok::<_, ()>(IssuedToken::new(
            Secret::new("tok_test_0123456789"),
            Lifetime::Seconds(3600),
        ))
    }));
    assert!(t.is_ok());
    assert!(cache.fresh(&SystemClock).is_some());
    cache
}

/// While a token fetch is in flight (it holds the cache's refresh mutex for 200 ms), reads
/// from another thread never wait: the read lock is never held across an await.
fn reads_during_fetch(rt: &tokio::runtime::Runtime) {
    let cache = Arc::new(TokenCache::new());
    let c = Arc::clone(&cache);
    let fetch = rt.spawn(async move {
        c.get(&SystemClock, || async {
            tokio::time::sleep(Duration::from_millis(200)).await;
            Ok::<_, ()>(IssuedToken::new(
                Secret::new("tok_test_slow"),
                Lifetime::Seconds(3600),
            ))
        })
        .await
        .is_ok()
    });
    std::thread::sleep(Duration::from_millis(20));
    let (mut worst, mut reads) = (Duration::ZERO, 0u64);
    let until = Instant::now() + Duration::from_millis(100);
    while Instant::now() < until {
        let t = Instant::now();
        black_box(cache.fresh(&SystemClock));
        worst = worst.max(t.elapsed());
        reads += 1;
    }
    assert!(rt.block_on(fetch).unwrap());
    println!(
        "INFLIGHT {reads} reads of the cache during an in-flight 200 ms token fetch: the slowest took {worst:?} (a read that waited would take ~180 ms)"
    );
    assert!(
        worst < Duration::from_millis(50),
        "a read waited for the fetch"
    );
}

fn token_cache(c: &mut Criterion) {
    let server = common::start_server();
    let profiling = std::env::var("PROFILE").is_ok();
    if !profiling {
        cold_concurrency(&server);
    }

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    if !profiling {
        reads_during_fetch(&rt);
    }
    let cache = warm_cache(&rt);

    // The full call path with a cached token against the same call without auth, over an
    // in-memory transport: the difference is the warm auth path.
    let transport = common::MemoryTransport::new(&common::response(200, r#"{"ok":true}"#, &[]));
    let token_transport =
        common::MemoryTransport::new(&common::response(200, common::COOPFIN_TOKEN, &[]));
    let client = coopfin::Client::builder()
        .credentials(
            coopfin::Credentials::new()
                .with_api_key("pk_test_1")
                .with_secret_key("sk_test_2"),
        )
        .transport(Router {
            token: token_transport,
            other: transport,
        })
        .build()
        .unwrap();
    rt.block_on(client.send(ping_token::Request::new()))
        .unwrap();
    rt.block_on(client.send(ping_none::Request::new())).unwrap();
    let client_no_timeouts = coopfin::Client::builder()
        .credentials(
            coopfin::Credentials::new()
                .with_api_key("pk_test_1")
                .with_secret_key("sk_test_2"),
        )
        .transport(Router {
            token: common::MemoryTransport::new(&common::response(200, common::COOPFIN_TOKEN, &[])),
            other: common::MemoryTransport::new(&common::response(200, r#"{"ok":true}"#, &[])),
        })
        .timeouts(auth_sdk::Timeouts::disabled())
        .build()
        .unwrap();
    rt.block_on(client_no_timeouts.send(ping_token::Request::new()))
        .unwrap();

    // `PROFILE=token|none` runs `PROFILE_N` (default 20 000) sends with a cached token or
    // without auth, on the client with timeouts off, and exits: for `valgrind --tool=callgrind`
    // (the auth path's instructions are the difference between the two).
    if let Ok(which) = std::env::var("PROFILE") {
        let n = common::profile_n(20_000);
        rt.block_on(async {
            for _ in 0..n {
                if which == "token" {
                    client_no_timeouts
                        .send(ping_token::Request::new())
                        .await
                        .unwrap();
                } else {
                    client_no_timeouts
                        .send(ping_none::Request::new())
                        .await
                        .unwrap();
                }
            }
        });
        return;
    }

    // The hand-written equivalent of the auth step: put a bearer token held in a String on a
    // built request.
    let hand_token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJwa190ZXN0XzEiLCJleHAiOjQxMDI0NDQ4MDB9.c2lnX3Rlc3Q".to_owned();

    if common::benchmarking() {
        let p = common::paired(
            "token/fresh_vs_instant_now",
            41,
            20_000,
            || cache.fresh(&SystemClock),
            Instant::now,
        );
        println!(
            "WARM TokenCache::fresh(&SystemClock): {} per read (Instant::now alone: {}); target <= 50 ns",
            common::fmt_ns(p.a_ns),
            common::fmt_ns(p.b_ns)
        );
        let p = common::paired_async(
            &rt,
            "token/send_with_cached_token_vs_no_auth",
            101,
            300,
            || client.send(ping_token::Request::new()),
            || client.send(ping_none::Request::new()),
        );
        println!(
            "WARM full auth path, default timeouts (send with a cached token minus send without auth, median of per-round differences): {}",
            common::fmt_ns(p.diff_ns)
        );
        let p = common::paired_async(
            &rt,
            "token/send_with_cached_token_vs_no_auth/no_timeouts",
            101,
            300,
            || client_no_timeouts.send(ping_token::Request::new()),
            || client_no_timeouts.send(ping_none::Request::new()),
        );
        println!(
            "WARM full auth path, timeouts disabled (resolve + cache read + header): {}",
            common::fmt_ns(p.diff_ns)
        );
        let h = common::paired(
            "token/hand_bearer_on_request",
            101,
            5_000,
            || {
                let mut r = http::Request::new(bytes::Bytes::new());
                r.headers_mut().insert(
                    http::header::ACCEPT,
                    http::HeaderValue::from_static("application/json"),
                );
                common::hand::bearer(&mut r, &hand_token);
                r
            },
            || {
                let mut r = http::Request::new(bytes::Bytes::new());
                r.headers_mut().insert(
                    http::header::ACCEPT,
                    http::HeaderValue::from_static("application/json"),
                );
                r
            },
        );
        println!(
            "HAND adding `Authorization: Bearer <token>` by hand (format + HeaderValue + insert): {}",
            common::fmt_ns(h.diff_ns)
        );
    }

    let mut g = c.benchmark_group("token_cache");
    g.bench_function("fresh_system_clock", |b| {
        b.iter(|| black_box(cache.fresh(&SystemClock)))
    });
    g.bench_function("instant_now", |b| b.iter(|| black_box(Instant::now())));
    g.finish();
    let mut g = c.benchmark_group("warm_auth_path");
    g.bench_function("send_cached_token", |b| {
        b.to_async(&rt)
            .iter(|| client.send(ping_token::Request::new()))
    });
    g.bench_function("send_no_auth", |b| {
        b.to_async(&rt)
            .iter(|| client.send(ping_none::Request::new()))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1500));
    targets = token_cache
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
