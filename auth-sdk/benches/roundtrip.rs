//! Round trips over loopback against a minimal hyper 1 server serving canned JSON: the SDK
//! call against the same request made by hand with the same `reqwest::Client` (token already
//! cached). Latency (one call at a time; target: median ≤ 1.03×) and throughput with 64
//! requests in flight (target: ≥ 0.97× of raw reqwest).
//!
//! `cargo bench -p auth-sdk --bench roundtrip`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use auth_sdk::{akool, coolset, loccus};
use common::{BoxFut, hand, rotate};
use criterion::{Criterion, Throughput, criterion_group};
use futures_util::future::join_all;
use http::header::{ACCEPT, CONTENT_TYPE};

const IN_FLIGHT: usize = 64;

type Call = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

struct Pair {
    name: &'static str,
    sdk: Call,
    /// The same request by hand with the same `reqwest::Client`.
    hand: Call,
    /// The same, with a per-request timeout (`RequestBuilder::timeout`, 30 s) like the SDK's
    /// default attempt timeout: one timer, as the SDK arms two (attempt and total).
    hand_timeout: Call,
}

/// The timeout of the `hand_timeout` side.
const HAND_TIMEOUT: Duration = Duration::from_secs(30);

fn with_timeout(rb: reqwest::RequestBuilder, timeout: Option<Duration>) -> reqwest::RequestBuilder {
    match timeout {
        Some(t) => rb.timeout(t),
        None => rb,
    }
}

fn pairs(rt: &tokio::runtime::Runtime, server: &common::Server) -> Vec<Pair> {
    let http = common::http_client();
    let mut out = Vec::new();

    // Akool quota_info with the legacy bearer token (cached after the first call).
    let base = server.base("/akool");
    let client = akool::Client::builder()
        .credentials(
            akool::Credentials::new()
                .with_client_id("ak_test_client")
                .with_client_secret("ak_test_secret"),
        )
        .base_url(base.clone())
        .allow_http_loopback(true)
        .timeouts(timeouts())
        .http_client(common::http_client_builder())
        .build()
        .unwrap();
    rt.block_on(client.quota_info()).unwrap();
    let akool_hand = |timeout: Option<Duration>| -> Call {
        let (h, base) = (http.clone(), base.clone());
        let token = "ak_test_token_0123456789".to_owned();
        Arc::new(move || {
            let (h, base, token) = (h.clone(), base.clone(), token.clone());
            Box::pin(async move {
                let rb = h
                    .get(format!("{base}/api/open/v3/faceswap/quota/info"))
                    .header(ACCEPT, "application/json")
                    .bearer_auth(&token);
                let r = with_timeout(rb, timeout).send().await.unwrap();
                let status = r.status();
                let body = r.bytes().await.unwrap();
                black_box(hand::akool_quota_body(status, &body).unwrap());
            })
        })
    };
    out.push(Pair {
        name: "akool.quota_info",
        sdk: Arc::new(move || {
            let c = client.clone();
            Box::pin(async move {
                black_box(c.quota_info().await.unwrap());
            })
        }),
        hand: akool_hand(None),
        hand_timeout: akool_hand(Some(HAND_TIMEOUT)),
    });

    // Coolset list_workspaces: static bearer token, a 10-workspace page and rate-limit headers.
    let base = server.base("/coolset/api");
    let client = coolset::Client::builder()
        .credentials(coolset::Credentials::new().with_api_token("cs_test_token"))
        .base_url(base.clone())
        .allow_http_loopback(true)
        .timeouts(timeouts())
        .http_client(common::http_client_builder())
        .build()
        .unwrap();
    rt.block_on(client.list_workspaces().limit(10).send())
        .unwrap();
    let coolset_hand = |timeout: Option<Duration>| -> Call {
        let (h, base) = (http.clone(), base.clone());
        Arc::new(move || {
            let (h, base) = (h.clone(), base.clone());
            Box::pin(async move {
                let q = hand::WorkspaceQuery {
                    limit: Some(10),
                    ..Default::default()
                };
                let query = serde_urlencoded::to_string(&q).unwrap();
                let rb = h
                    .get(format!("{base}/accounts/workspaces/?{query}"))
                    .header(ACCEPT, "application/json")
                    .header(CONTENT_TYPE, "application/json")
                    .bearer_auth("cs_test_token");
                let r = with_timeout(rb, timeout).send().await.unwrap();
                let (status, limits) =
                    (r.status(), hand::coolset_rate_limits(r.headers()).unwrap());
                let body = r.bytes().await.unwrap();
                black_box(hand::coolset_workspaces_body(status, limits, &body).unwrap());
            })
        })
    };
    out.push(Pair {
        name: "coolset.list_workspaces",
        sdk: Arc::new(move || {
            let c = client.clone();
            Box::pin(async move {
                black_box(c.list_workspaces().limit(10).send().await.unwrap());
            })
        }),
        hand: coolset_hand(None),
        hand_timeout: coolset_hand(Some(HAND_TIMEOUT)),
    });

    // Loccus list_keys with a session from sign_in (cached after the first call).
    let base = server.base("/loccus/v1");
    let client = loccus::Client::builder()
        .credentials(
            loccus::Credentials::new()
                .with_handle("alice")
                .with_password("pw_test_12345"),
        )
        .base_url(base.clone())
        .allow_http_loopback(true)
        .timeouts(timeouts())
        .http_client(common::http_client_builder())
        .build()
        .unwrap();
    rt.block_on(client.list_keys().page(1).send()).unwrap();
    let loccus_hand = |timeout: Option<Duration>| -> Call {
        let (h, base) = (http.clone(), base.clone());
        Arc::new(move || {
            let (h, base) = (h.clone(), base.clone());
            Box::pin(async move {
                let q = hand::KeyQuery {
                    page: Some(1),
                    ..Default::default()
                };
                let query = serde_urlencoded::to_string(&q).unwrap();
                let rb = h
                    .get(format!("{base}/user/keys?{query}"))
                    .header(ACCEPT, "application/json")
                    .bearer_auth("ls_test_session_0123456789");
                let r = with_timeout(rb, timeout).send().await.unwrap();
                let (status, page) = (r.status(), hand::loccus_page_headers(r.headers()).unwrap());
                let body = r.bytes().await.unwrap();
                black_box(hand::loccus_list_keys_body(status, page, &body).unwrap());
            })
        })
    };
    out.push(Pair {
        name: "loccus.list_keys",
        sdk: Arc::new(move || {
            let c = client.clone();
            Box::pin(async move {
                black_box(c.list_keys().page(1).send().await.unwrap());
            })
        }),
        hand: loccus_hand(None),
        hand_timeout: loccus_hand(Some(HAND_TIMEOUT)),
    });
    out
}

/// The SDK's default timeouts; `BENCH_SDK_TIMEOUTS=off` disables them and `=total-only`
/// keeps only the total one (to measure what the timers cost).
fn timeouts() -> auth_sdk::Timeouts {
    match std::env::var("BENCH_SDK_TIMEOUTS").as_deref() {
        Ok("off") => auth_sdk::Timeouts::disabled(),
        Ok("total-only") => auth_sdk::Timeouts {
            attempt: None,
            ..auth_sdk::Timeouts::default()
        },
        _ => auth_sdk::Timeouts::default(),
    }
}

async fn batch(call: &Call) {
    join_all((0..IN_FLIGHT).map(|_| call())).await;
}

/// One call at a time, rotating SDK, hand-written, and hand-written with a timeout call by
/// call; the medians and p90s of the individual latencies.
fn latency(rt: &tokio::runtime::Runtime, p: &Pair, calls: usize) {
    let times = rotate(rt, &[&*p.sdk, &*p.hand, &*p.hand_timeout], 200, calls);
    let q = |v: &[f64], f: f64| v[((v.len() - 1) as f64 * f) as usize];
    let [a, b, c] = &times[..] else { return };
    println!(
        "LATENCY {:<34} sdk median {:>10} p90 {:>10} | hand median {:>10} p90 {:>10} | hand+timeout median {:>10} | ratio sdk/hand {:.3}, sdk/hand+timeout {:.3} ({} calls each)",
        format!("roundtrip/{}", p.name),
        common::fmt_ns(q(a, 0.5)),
        common::fmt_ns(q(a, 0.9)),
        common::fmt_ns(q(b, 0.5)),
        common::fmt_ns(q(b, 0.9)),
        common::fmt_ns(q(c, 0.5)),
        q(a, 0.5) / q(b, 0.5),
        q(a, 0.5) / q(c, 0.5),
        calls
    );
}

/// 64 calls in flight, SDK against `hand`, in paired rounds.
fn throughput(rt: &tokio::runtime::Runtime, p: &Pair, label: &str, hand: &Call) {
    let r = common::paired_async(
        rt,
        &format!("throughput64/{}/{label}", p.name),
        31,
        8,
        || batch(&p.sdk),
        || batch(hand),
    );
    println!(
        "THROUGHPUT {:<40} sdk {:>8.0} req/s {label:<12} {:>8.0} req/s ratio {:.3}",
        format!("throughput64/{}", p.name),
        IN_FLIGHT as f64 / r.a_ns * 1e9,
        IN_FLIGHT as f64 / r.b_ns * 1e9,
        1.0 / r.ratio
    );
}

/// The server, the client runtime (with `BENCH_BG_TIMER`'s timer if asked for) and the
/// calls to compare, their clients warmed up.
fn setup() -> (common::Server, tokio::runtime::Runtime, Vec<Pair>) {
    let server = common::start_server();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let pairs = pairs(&rt, &server);
    background_timer(&rt);
    (server, rt, pairs)
}

fn roundtrip(c: &mut Criterion) {
    let (_server, rt, pairs) = setup();
    if common::benchmarking() {
        println!("== latency, one call at a time, the three sides rotating call by call");
        for p in &pairs {
            latency(&rt, p, 3_000);
        }
        println!(
            "== throughput, {IN_FLIGHT} in flight, paired rounds (ratio = SDK req/s / hand req/s)"
        );
        for p in &pairs {
            throughput(&rt, p, "hand", &p.hand);
            throughput(&rt, p, "hand+timeout", &p.hand_timeout);
        }
    }
    for p in &pairs {
        let mut g = c.benchmark_group(format!("roundtrip/{}", p.name));
        g.bench_function("sdk", |b| b.to_async(&rt).iter(|| (p.sdk)()));
        g.bench_function("hand", |b| b.to_async(&rt).iter(|| (p.hand)()));
        g.bench_function("hand_timeout", |b| {
            b.to_async(&rt).iter(|| (p.hand_timeout)())
        });
        g.finish();
    }
    for p in &pairs {
        let mut g = c.benchmark_group(format!("throughput64/{}", p.name));
        g.throughput(Throughput::Elements(IN_FLIGHT as u64));
        g.bench_function("sdk", |b| b.to_async(&rt).iter(|| batch(&p.sdk)));
        g.bench_function("hand", |b| b.to_async(&rt).iter(|| batch(&p.hand)));
        g.bench_function("hand_timeout", |b| {
            b.to_async(&rt).iter(|| batch(&p.hand_timeout))
        });
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = roundtrip
}

/// `PROFILE=<call>/<sdk|hand>` runs `PROFILE_N` (default 20 000) calls one at a time and
/// exits, for `perf record` or `valgrind --tool=callgrind`.
fn profile(spec: &str) {
    let (_server, rt, pairs) = setup();
    let (name, side) = spec.split_once('/').expect("PROFILE=<call>/<sdk|hand>");
    let p = pairs.iter().find(|p| p.name == name).expect("call");
    let call = match side {
        "sdk" => &p.sdk,
        "hand" => &p.hand,
        _ => &p.hand_timeout,
    };
    let n = common::profile_n(20_000);
    rt.block_on(async {
        for _ in 0..n {
            call().await;
        }
    });
}

/// `BENCH_BG_TIMER=1` keeps one far timer armed on the client runtime for the whole run (to
/// measure what parking with a finite timeout costs, apart from arming timers per call).
fn background_timer(rt: &tokio::runtime::Runtime) {
    if std::env::var("BENCH_BG_TIMER").as_deref() == Ok("1") {
        rt.spawn(async { tokio::time::sleep(Duration::from_secs(3600)).await });
    }
}

/// `BENCH_EXPERIMENT=timers`: what a timeout costs a plain reqwest call, as a fresh tokio
/// timer per call (what the SDK arms) and as one pooled `Sleep` reset forward per call (tokio
/// then only extends the registered deadline). Medians of 4,000 calls each, rotating.
fn timer_experiment() {
    let (_server, rt, pairs) = setup();
    let p = pairs.iter().find(|p| p.name == "akool.quota_info").unwrap();
    let hand = p.hand.clone();
    let pool: Arc<std::sync::Mutex<Option<Pin<Box<tokio::time::Sleep>>>>> = Arc::default();
    let fresh = {
        let hand = hand.clone();
        move || -> BoxFut {
            let f = hand();
            Box::pin(async move {
                tokio::time::timeout(HAND_TIMEOUT, f).await.unwrap();
            })
        }
    };
    let pooled = {
        let hand = hand.clone();
        let pool = pool.clone();
        move || -> BoxFut {
            let mut f = hand();
            let pool = pool.clone();
            Box::pin(async move {
                let deadline = tokio::time::Instant::now() + HAND_TIMEOUT;
                let mut sleep = pool
                    .lock()
                    .unwrap()
                    .take()
                    .unwrap_or_else(|| Box::pin(tokio::time::sleep_until(deadline)));
                sleep.as_mut().reset(deadline);
                std::future::poll_fn(|cx| {
                    if f.as_mut().poll(cx).is_ready() {
                        return std::task::Poll::Ready(());
                    }
                    if sleep.as_mut().poll(cx).is_ready() {
                        panic!("timeout");
                    }
                    std::task::Poll::Pending
                })
                .await;
                *pool.lock().unwrap() = Some(sleep);
            })
        }
    };
    let times = rotate(&rt, &[&|| hand(), &fresh, &pooled], 300, 4000);
    let m = |v: &[f64]| v[v.len() / 2];
    println!(
        "TIMERS hand {:.0} ns, +fresh timeout {:.0} ns ({:.3}), +pooled sleep {:.0} ns ({:.3})",
        m(&times[0]),
        m(&times[1]),
        m(&times[1]) / m(&times[0]),
        m(&times[2]),
        m(&times[2]) / m(&times[0])
    );
}

/// `BENCH_EXPERIMENT=blocks`: the latency comparison with the sides alternating in blocks of
/// `BENCH_BLOCK` calls (default 100) instead of call by call, so that each side runs with its
/// own code and data warm in the caches; 30 blocks per side, medians of all calls.
fn block_experiment() {
    let (_server, rt, pairs) = setup();
    let block: usize = std::env::var("BENCH_BLOCK")
        .ok()
        .and_then(|b| b.parse().ok())
        .unwrap_or(100);
    for p in &pairs {
        let sides: [&dyn Fn() -> BoxFut; 3] = [&*p.sdk, &*p.hand, &*p.hand_timeout];
        let mut times = vec![Vec::new(); 3];
        rt.block_on(async {
            for round in 0..31 {
                for (k, side) in sides.iter().enumerate() {
                    for _ in 0..block {
                        let t = Instant::now();
                        side().await;
                        // The first round warms up.
                        if round > 0 {
                            times[k].push(t.elapsed().as_nanos() as f64);
                        }
                    }
                }
            }
        });
        let m = |v: &mut Vec<f64>| {
            v.sort_by(|x, y| x.partial_cmp(y).unwrap());
            v[v.len() / 2]
        };
        let (a, b, c) = (m(&mut times[0]), m(&mut times[1]), m(&mut times[2]));
        println!(
            "BLOCKS {:<34} block {block}: sdk median {} | hand {} | hand+timeout {} | ratio sdk/hand {:.3}, sdk/hand+timeout {:.3}",
            p.name,
            common::fmt_ns(a),
            common::fmt_ns(b),
            common::fmt_ns(c),
            a / b,
            a / c
        );
    }
}

fn main() {
    if std::env::var("BENCH_EXPERIMENT").as_deref() == Ok("blocks") {
        block_experiment();
        return;
    }
    if std::env::var("BENCH_EXPERIMENT").as_deref() == Ok("timers") {
        timer_experiment();
        return;
    }
    if let Ok(spec) = std::env::var("PROFILE") {
        profile(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
