//! Round trips of the SDK against progenitor's client for the same operation (issue 14;
//! target: SDK / progenitor ≤ 0.97), side by side in one run, over loopback against the
//! auth-sdk roundtrip bench's hyper 1 server (auth-sdk/benches/common/mod.rs, used as is).
//!
//! For Akool quota_info, Coolset list_workspaces and Loccus list_keys, four sides share one
//! `reqwest::Client` (`common::http_client()`, so the same pool settings) and the same server:
//!   - `sdk`: the auth-sdk call (token already cached, the SDK's default timeouts);
//!   - `hand_timeout`: the same request by hand with reqwest and a 30 s per-request timeout,
//!     as auth-sdk/benches/roundtrip.rs's `hand_timeout` side;
//!   - `progenitor`: progenitor's generated client (../src/lib.rs, `generate_api!` on
//!     ../openapi.json, positional style), `Client::new_with_client` over the same
//!     `reqwest::Client`; the auth header passed as the operation's `authorization` header
//!     parameter; the body decoded into its typed `ResponseValue<T>`. It arms no timer
//!     (`new_with_client` keeps the given client, which has no timeout);
//!   - `hand`: the hand-written request without a timeout, for reference (what progenitor
//!     compares with like for like).
//!
//! It prints the request each side sends (recorded once by a second loopback server), the
//! latency medians (one call at a time, the sides rotating call by call, as roundtrip.rs) with
//! the ratios SDK/progenitor, SDK/(hand+timeout) and progenitor/(hand+timeout), and the
//! throughput with 64 requests in flight in paired rounds (SDK against progenitor, and
//! progenitor against hand+timeout); then criterion's own measurements of every side.
//!
//! Not quite the same work: progenitor adds `api-version: 0.1.0` to every request and sends
//! no `content-type` on Coolset's GET (the SDK and hand sides do); it reads none of the
//! response headers into its types (the SDK and hand sides parse Coolset's rate-limit and
//! Loccus's page headers) but keeps a clone of the header map in `ResponseValue`, and it does
//! not check Akool's `code` envelope.
//!
//!   cd benches/compare-progenitor && CARGO_BUILD_JOBS=1 cargo bench --bench roundtrip
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "../../../auth-sdk/benches/common/mod.rs"]
mod common;

use std::convert::Infallible;
use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use auth_sdk::{akool, coolset, loccus};
use bytes::Bytes;
use common::hand;
use criterion::{Criterion, Throughput, criterion_group};
use futures_util::future::join_all;
use http::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue};
use http_body_util::{BodyExt as _, Full};

const IN_FLIGHT: usize = 64;

/// The timeout of the `hand_timeout` side (the SDK's default attempt timeout).
const HAND_TIMEOUT: Duration = Duration::from_secs(30);

type Call = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

struct Sides {
    name: &'static str,
    sdk: Call,
    hand_timeout: Call,
    progenitor: Call,
    hand: Call,
}

impl Sides {
    /// In the order they are rotated and printed.
    fn all(&self) -> [(&'static str, &Call); 4] {
        [
            ("sdk", &self.sdk),
            ("hand_timeout", &self.hand_timeout),
            ("progenitor", &self.progenitor),
            ("hand", &self.hand),
        ]
    }
}

fn with_timeout(rb: reqwest::RequestBuilder, timeout: Option<Duration>) -> reqwest::RequestBuilder {
    match timeout {
        Some(t) => rb.timeout(t),
        None => rb,
    }
}

/// The sides for the server at `root` (`http://127.0.0.1:port`), all on clones of `http`, the
/// SDK clients warmed up (tokens cached).
fn sides(rt: &tokio::runtime::Runtime, root: &str, http: &reqwest::Client) -> Vec<Sides> {
    // openapi.json's paths carry the provider prefixes (/akool/api/..., /coolset/api/...,
    // /loccus/v1/...), so progenitor's base URL is the server's root: the same URLs as the
    // SDK's base URLs (root + prefix) and paths.
    let prog = compare_progenitor::Client::new_with_client(root, http.clone());
    let mut out = Vec::new();

    // Akool quota_info with the legacy bearer token (cached after the first call).
    let base = format!("{root}/akool");
    let client = akool::Client::builder()
        .credentials(
            akool::Credentials::new()
                .with_client_id("ak_test_client")
                .with_client_secret("ak_test_secret"),
        )
        .base_url(base.clone())
        .allow_http_loopback(true)
        .http_client(common::http_client_builder())
        .build()
        .unwrap();
    rt.block_on(client.quota_info()).unwrap();
    let token = "ak_test_token_0123456789";
    let akool_hand = |timeout: Option<Duration>| -> Call {
        let (h, base) = (http.clone(), base.clone());
        Arc::new(move || {
            let (h, base) = (h.clone(), base.clone());
            Box::pin(async move {
                let rb = h
                    .get(format!("{base}/api/open/v3/faceswap/quota/info"))
                    .header(ACCEPT, "application/json")
                    .bearer_auth(token);
                let r = with_timeout(rb, timeout).send().await.unwrap();
                let status = r.status();
                let body = r.bytes().await.unwrap();
                black_box(hand::akool_quota_body(status, &body).unwrap());
            })
        })
    };
    let p = prog.clone();
    out.push(Sides {
        name: "akool.quota_info",
        sdk: Arc::new(move || {
            let c = client.clone();
            Box::pin(async move {
                black_box(c.quota_info().await.unwrap());
            })
        }),
        hand_timeout: akool_hand(Some(HAND_TIMEOUT)),
        // Positional: (authorization, x_api_key), the header parameters in name order.
        progenitor: Arc::new(move || {
            let p = p.clone();
            Box::pin(async move {
                let auth = format!("Bearer {token}");
                black_box(p.akool_quota_info(Some(&auth), None).await.unwrap());
            })
        }),
        hand: akool_hand(None),
    });

    // Coolset list_workspaces: static bearer token, a 10-workspace page and rate-limit headers.
    let base = format!("{root}/coolset/api");
    let client = coolset::Client::builder()
        .credentials(coolset::Credentials::new().with_api_token("cs_test_token"))
        .base_url(base.clone())
        .allow_http_loopback(true)
        .http_client(common::http_client_builder())
        .build()
        .unwrap();
    rt.block_on(client.list_workspaces().limit(10).send())
        .unwrap();
    let api_token = "cs_test_token";
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
                    .bearer_auth(api_token);
                let r = with_timeout(rb, timeout).send().await.unwrap();
                let (status, limits) =
                    (r.status(), hand::coolset_rate_limits(r.headers()).unwrap());
                let body = r.bytes().await.unwrap();
                black_box(hand::coolset_workspaces_body(status, limits, &body).unwrap());
            })
        })
    };
    let p = prog.clone();
    out.push(Sides {
        name: "coolset.list_workspaces",
        sdk: Arc::new(move || {
            let c = client.clone();
            Box::pin(async move {
                black_box(c.list_workspaces().limit(10).send().await.unwrap());
            })
        }),
        hand_timeout: coolset_hand(Some(HAND_TIMEOUT)),
        // Positional: the 16 query parameters in name order (country .. type__in; `limit`
        // is the 6th), then the `authorization` header.
        progenitor: Arc::new(move || {
            let p = p.clone();
            Box::pin(async move {
                let auth = format!("Bearer {api_token}");
                let r = p
                    .coolset_list_workspaces(
                        None,
                        None,
                        None,
                        None,
                        None,
                        Some(10),
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        &auth,
                    )
                    .await
                    .unwrap();
                black_box(r);
            })
        }),
        hand: coolset_hand(None),
    });

    // Loccus list_keys with a session from sign_in (cached after the first call).
    let base = format!("{root}/loccus/v1");
    let client = loccus::Client::builder()
        .credentials(
            loccus::Credentials::new()
                .with_handle("alice")
                .with_password("pw_test_12345"),
        )
        .base_url(base.clone())
        .allow_http_loopback(true)
        .http_client(common::http_client_builder())
        .build()
        .unwrap();
    rt.block_on(client.list_keys().page(1).send()).unwrap();
    let session = "ls_test_session_0123456789";
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
                    .bearer_auth(session);
                let r = with_timeout(rb, timeout).send().await.unwrap();
                let (status, page) = (r.status(), hand::loccus_page_headers(r.headers()).unwrap());
                let body = r.bytes().await.unwrap();
                black_box(hand::loccus_list_keys_body(status, page, &body).unwrap());
            })
        })
    };
    let p = prog;
    out.push(Sides {
        name: "loccus.list_keys",
        sdk: Arc::new(move || {
            let c = client.clone();
            Box::pin(async move {
                black_box(c.list_keys().page(1).send().await.unwrap());
            })
        }),
        hand_timeout: loccus_hand(Some(HAND_TIMEOUT)),
        // Positional: (after, before, page, page_size, search, sort, authorization).
        progenitor: Arc::new(move || {
            let p = p.clone();
            Box::pin(async move {
                let auth = format!("Bearer {session}");
                let r = p
                    .loccus_list_keys(None, None, Some(1), None, None, None, &auth)
                    .await
                    .unwrap();
                black_box(r);
            })
        }),
        hand: loccus_hand(None),
    });
    out
}

// ---------------------------------------------------------------------------------------------
// What each side sends: a second loopback server that records every request and answers like
// common's (the same canned bodies and headers).

type Recorded = Arc<Mutex<Vec<String>>>;

fn canned(status: u16, body: String, headers: &[(&'static str, &'static str)]) -> Resp {
    let mut r = hyper::Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = http::StatusCode::from_u16(status).unwrap();
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    for (n, v) in headers {
        r.headers_mut()
            .insert(HeaderName::from_static(n), HeaderValue::from_static(v));
    }
    r
}

type Resp = hyper::Response<Full<Bytes>>;

async fn record(
    req: hyper::Request<hyper::body::Incoming>,
    log: Recorded,
) -> Result<Resp, Infallible> {
    let (parts, body) = req.into_parts();
    let _ = body.collect().await;
    let mut line = format!("{} {}", parts.method, parts.uri);
    for (k, v) in &parts.headers {
        line.push_str(&format!(
            " | {k}: {}",
            String::from_utf8_lossy(v.as_bytes())
        ));
    }
    log.lock().unwrap().push(line);
    let r = match parts.uri.path() {
        "/akool/api/open/v3/getToken" => canned(200, common::AKOOL_TOKEN.to_owned(), &[]),
        "/akool/api/open/v3/faceswap/quota/info" => {
            canned(200, common::AKOOL_QUOTA.to_owned(), &[])
        }
        "/coolset/api/accounts/workspaces/" => {
            canned(200, common::coolset_workspaces(), common::RATE_HEADERS)
        }
        "/loccus/v1/auth/credentials" => canned(200, common::loccus_session(), &[]),
        "/loccus/v1/user/keys" => canned(200, common::loccus_keys(), common::PAGE_HEADERS),
        _ => canned(404, r#"{"message":"not found"}"#.to_owned(), &[]),
    };
    Ok(r)
}

/// Prints the request each side sends for each call (one call each, after the warm-up).
fn show_requests(rt: &tokio::runtime::Runtime) {
    let log: Recorded = Arc::default();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let root = format!("http://{}", listener.local_addr().unwrap());
    let l = Arc::clone(&log);
    rt.spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let l = Arc::clone(&l);
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req| record(req, Arc::clone(&l)));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    let all = sides(rt, &root, &common::http_client());
    println!("== the request each side sends");
    for s in &all {
        for (side, call) in s.all() {
            log.lock().unwrap().clear();
            rt.block_on(call());
            for line in log.lock().unwrap().iter() {
                println!("REQUEST {:<24} {side:<12} {line}", s.name);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------

async fn batch(call: &Call) {
    join_all((0..IN_FLIGHT).map(|_| call())).await;
}

/// One call at a time, the four sides rotating call by call (`common::rotate`, as
/// roundtrip.rs); the medians and p90s of the individual latencies and their ratios.
fn latency(rt: &tokio::runtime::Runtime, s: &Sides, calls: usize) {
    let all = s.all();
    let fns: Vec<&dyn Fn() -> common::BoxFut> = all.iter().map(|(_, c)| &***c as _).collect();
    let times = common::rotate(rt, &fns, 200, calls);
    let q = |v: &[f64], f: f64| v[((v.len() - 1) as f64 * f) as usize];
    let [sdk, ht, prog, h] = &times[..] else {
        return;
    };
    let m = |v: &[f64]| q(v, 0.5);
    println!(
        "LATENCY {:<34} sdk median {:>10} p90 {:>10} | hand+timeout median {:>10} p90 {:>10} | progenitor median {:>10} p90 {:>10} | hand median {:>10} ({calls} calls each)",
        format!("roundtrip/{}", s.name),
        common::fmt_ns(m(sdk)),
        common::fmt_ns(q(sdk, 0.9)),
        common::fmt_ns(m(ht)),
        common::fmt_ns(q(ht, 0.9)),
        common::fmt_ns(m(prog)),
        common::fmt_ns(q(prog, 0.9)),
        common::fmt_ns(m(h)),
    );
    println!(
        "RATIOS  {:<34} sdk/progenitor {:.3} | sdk/hand+timeout {:.3} | progenitor/hand+timeout {:.3} | progenitor/hand {:.3} | sdk/hand {:.3}",
        format!("roundtrip/{}", s.name),
        m(sdk) / m(prog),
        m(sdk) / m(ht),
        m(prog) / m(ht),
        m(prog) / m(h),
        m(sdk) / m(h),
    );
}

/// 64 calls in flight, `a` against `b`, in paired rounds; the ratio is a's req/s over b's.
fn throughput(rt: &tokio::runtime::Runtime, name: &str, a: (&str, &Call), b: (&str, &Call)) {
    let r = common::paired_async(
        rt,
        &format!("throughput64/{name}/{}-vs-{}", a.0, b.0),
        31,
        8,
        || batch(a.1),
        || batch(b.1),
    );
    println!(
        "THROUGHPUT {:<40} {:<10} {:>8.0} req/s {:<12} {:>8.0} req/s ratio {}/{} {:.3}",
        format!("throughput64/{name}"),
        a.0,
        IN_FLIGHT as f64 / r.a_ns * 1e9,
        b.0,
        IN_FLIGHT as f64 / r.b_ns * 1e9,
        a.0,
        b.0,
        1.0 / r.ratio
    );
}

fn roundtrip(c: &mut Criterion) {
    let server = common::start_server();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let http = common::http_client();
    let all = sides(&rt, &format!("http://{}", server.addr), &http);
    show_requests(&rt);
    if common::benchmarking() {
        println!("== latency, one call at a time, the four sides rotating call by call");
        for s in &all {
            latency(&rt, s, 3_000);
        }
        println!("== throughput, {IN_FLIGHT} in flight, paired rounds (ratio = A req/s / B req/s)");
        for s in &all {
            throughput(&rt, s.name, ("sdk", &s.sdk), ("progenitor", &s.progenitor));
            throughput(
                &rt,
                s.name,
                ("progenitor", &s.progenitor),
                ("hand+timeout", &s.hand_timeout),
            );
        }
    }
    for s in &all {
        let mut g = c.benchmark_group(format!("roundtrip/{}", s.name));
        for (side, call) in s.all() {
            g.bench_function(side, |b| b.to_async(&rt).iter(|| call()));
        }
        g.finish();
    }
    for s in &all {
        let mut g = c.benchmark_group(format!("throughput64/{}", s.name));
        g.throughput(Throughput::Elements(IN_FLIGHT as u64));
        for (side, call) in s.all() {
            g.bench_function(side, |b| b.to_async(&rt).iter(|| batch(call)));
        }
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

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
