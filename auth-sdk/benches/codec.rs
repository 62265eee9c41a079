//! Codec: building the `http::Request` and parsing the `http::Response` of each provider's
//! main call with the SDK (`Endpoint::to_http_request`, `parse_response::<E>`) against a
//! hand-written serde + `http` equivalent. Target: SDK ≤ 1.10× hand-written.
//!
//! `cargo bench -p auth-sdk --bench codec`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::{cases, paired, paired_batched};
use criterion::{BatchSize, Criterion, criterion_group};

const ROUNDS: usize = 41;
const ITERS: usize = 2_000;

fn codec(c: &mut Criterion) {
    let cases = cases();
    if common::benchmarking() {
        println!("== paired, interleaved ({ROUNDS} rounds x {ITERS} calls per side)");
        for case in &cases {
            let b = paired(
                &format!("codec/{}/build", case.name),
                ROUNDS,
                ITERS,
                || (case.sdk_build)(),
                || (case.hand_build)(),
            );
            let p = paired_batched(
                &format!("codec/{}/parse", case.name),
                ROUNDS,
                ITERS,
                || common::clone_response(&case.response),
                |r| (case.sdk_parse)(r),
                |r| (case.hand_parse)(r),
            );
            println!(
                "PAIRED {:<48} sdk {:>12} hand {:>12} ratio {:.3} (sum of medians)",
                format!("codec/{}/build+parse", case.name),
                common::fmt_ns(b.a_ns + p.a_ns),
                common::fmt_ns(b.b_ns + p.b_ns),
                (b.a_ns + p.a_ns) / (b.b_ns + p.b_ns)
            );
        }
    }
    for case in &cases {
        let mut g = c.benchmark_group(format!("codec/{}", case.name));
        g.bench_function("sdk_build", |b| b.iter(|| black_box((case.sdk_build)())));
        g.bench_function("hand_build", |b| b.iter(|| black_box((case.hand_build)())));
        g.bench_function("sdk_parse", |b| {
            b.iter_batched(
                || common::clone_response(&case.response),
                |r| (case.sdk_parse)(r),
                BatchSize::SmallInput,
            )
        });
        g.bench_function("hand_parse", |b| {
            b.iter_batched(
                || common::clone_response(&case.response),
                |r| (case.hand_parse)(r),
                BatchSize::SmallInput,
            )
        });
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1200));
    targets = codec
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
