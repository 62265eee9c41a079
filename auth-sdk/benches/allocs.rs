//! Allocations per call, SDK against hand-written, counted by a global allocator wrapper
//! (`stats_alloc`). Prints a table; not a timing benchmark.
//!
//! `cargo bench -p auth-sdk --bench allocs`
//!
//! With `PROFILE=<case>/<sdk|hand>/<build|parse>` it instead runs that one piece
//! `PROFILE_N` (default 200 000) times, for `valgrind --tool=callgrind` or `perf record`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::alloc::System;
use std::hint::black_box;
use std::sync::Arc;

use auth_sdk::{akool, coolset, loccus};
use common::{cases, hand};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const N: usize = 1_000;

#[derive(Clone, Copy)]
struct Count {
    allocs: f64,
    bytes: f64,
}

fn count(mut f: impl FnMut()) -> Count {
    f(); // warm-up (lazy statics, pools)
    let region = Region::new(GLOBAL);
    for _ in 0..N {
        f();
    }
    let s = region.change();
    Count {
        allocs: (s.allocations + s.reallocations) as f64 / N as f64,
        bytes: s.bytes_allocated as f64 / N as f64,
    }
}

fn row(label: &str, sdk: Count, hand: Count) {
    println!(
        "| {label:<38} | {:>7.1} | {:>7.1} | {:>+6.1} | {:>8.0} | {:>8.0} | {:>+7.0} |",
        sdk.allocs,
        hand.allocs,
        sdk.allocs - hand.allocs,
        sdk.bytes,
        hand.bytes,
        sdk.bytes - hand.bytes
    );
}

fn profile(spec: &str) {
    let cases = cases();
    let parts: Vec<&str> = spec.split('/').collect();
    let case = cases.iter().find(|c| c.name == parts[0]).expect("case");
    let n = common::profile_n(200_000);
    for _ in 0..n {
        match (parts[1], parts[2]) {
            ("sdk", "build") => drop(black_box((case.sdk_build)())),
            ("hand", "build") => drop(black_box((case.hand_build)())),
            ("sdk", "parse") => {
                black_box((case.sdk_parse)(common::clone_response(&case.response)));
            }
            ("hand", "parse") => {
                black_box((case.hand_parse)(common::clone_response(&case.response)));
            }
            (_, "clone") => drop(black_box(common::clone_response(&case.response))),
            _ => panic!("PROFILE=<case>/<sdk|hand>/<build|parse|clone>"),
        }
    }
}

fn main() {
    if let Ok(spec) = std::env::var("PROFILE") {
        profile(&spec);
        return;
    }
    let cases = cases();
    println!(
        "Allocations per call (allocations + reallocations; bytes requested), mean of {N} calls\n"
    );
    println!(
        "| call                                   | SDK     | hand    | diff   | SDK B    | hand B   | diff B  |"
    );
    println!(
        "|----------------------------------------|---------|---------|--------|----------|----------|---------|"
    );
    for c in &cases {
        let sb = count(|| drop(black_box((c.sdk_build)())));
        let hb = count(|| drop(black_box((c.hand_build)())));
        row(&format!("codec {} build", c.name), sb, hb);
        let resp = &c.response;
        // The response clone each call makes is the same on both sides; subtract it.
        let base = count(|| drop(black_box(common::clone_response(resp))));
        let sub = |x: Count| Count {
            allocs: x.allocs - base.allocs,
            bytes: x.bytes - base.bytes,
        };
        let sp = count(|| {
            black_box((c.sdk_parse)(common::clone_response(resp)));
        });
        let hp = count(|| {
            black_box((c.hand_parse)(common::clone_response(resp)));
        });
        row(&format!("codec {} parse", c.name), sub(sp), sub(hp));
    }

    // Whole calls over loopback: the SDK client against the same reqwest::Client by hand.
    // The counts include the server's allocations (same thread pool, same work on both sides).
    let server = common::start_server();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let http = common::http_client();
    let akool_base = server.base("/akool");
    let client = akool::Client::builder()
        .credentials(
            akool::Credentials::new()
                .with_client_id("ak_test_client")
                .with_client_secret("ak_test_secret"),
        )
        .base_url(akool_base.clone())
        .allow_http_loopback(true)
        .http_client(common::http_client_builder())
        .build()
        .unwrap();
    let client = Arc::new(client);
    rt.block_on(async { client.quota_info().await.unwrap() });
    let url = format!("{akool_base}/api/open/v3/faceswap/quota/info");
    let sdk = count(|| {
        rt.block_on(async { black_box(client.quota_info().await.unwrap()) });
    });
    let by_hand = count(|| {
        rt.block_on(async {
            let r = http
                .get(&url)
                .header(http::header::ACCEPT, "application/json")
                .bearer_auth("ak_test_token_0123456789")
                .send()
                .await
                .unwrap();
            let status = r.status();
            let body = r.bytes().await.unwrap();
            black_box(hand::akool_quota_body(status, &body).unwrap())
        });
    });
    row("loopback akool.quota_info (token)", sdk, by_hand);

    let coolset_base = server.base("/coolset/api");
    let client = coolset::Client::builder()
        .credentials(coolset::Credentials::new().with_api_token("cs_test_token"))
        .base_url(coolset_base.clone())
        .allow_http_loopback(true)
        .http_client(common::http_client_builder())
        .build()
        .unwrap();
    let url = format!("{coolset_base}/accounts/workspaces/?limit=10");
    let sdk = count(|| {
        rt.block_on(async { black_box(client.list_workspaces().limit(10).await.unwrap()) });
    });
    let by_hand = count(|| {
        rt.block_on(async {
            let r = http
                .get(&url)
                .header(http::header::ACCEPT, "application/json")
                .header(http::header::CONTENT_TYPE, "application/json")
                .bearer_auth("cs_test_token")
                .send()
                .await
                .unwrap();
            let (status, limits) = (r.status(), hand::coolset_rate_limits(r.headers()).unwrap());
            let body = r.bytes().await.unwrap();
            black_box(hand::coolset_workspaces_body(status, limits, &body).unwrap())
        });
    });
    row("loopback coolset.list_workspaces", sdk, by_hand);

    let loccus_base = server.base("/loccus/v1");
    let client = loccus::Client::builder()
        .credentials(
            loccus::Credentials::new()
                .with_handle("alice")
                .with_password("pw_test_12345"),
        )
        .base_url(loccus_base.clone())
        .allow_http_loopback(true)
        .http_client(common::http_client_builder())
        .build()
        .unwrap();
    rt.block_on(async { client.list_keys().await.unwrap() });
    let url = format!("{loccus_base}/user/keys?page=1");
    let sdk = count(|| {
        rt.block_on(async { black_box(client.list_keys().page(1).await.unwrap()) });
    });
    let by_hand = count(|| {
        rt.block_on(async {
            let r = http
                .get(&url)
                .header(http::header::ACCEPT, "application/json")
                .bearer_auth("ls_test_session_0123456789")
                .send()
                .await
                .unwrap();
            let (status, page) = (r.status(), hand::loccus_page_headers(r.headers()).unwrap());
            let body = r.bytes().await.unwrap();
            black_box(hand::loccus_list_keys_body(status, page, &body).unwrap())
        });
    });
    row("loopback loccus.list_keys (session)", sdk, by_hand);
}
