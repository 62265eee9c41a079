#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]
//! The SDK starts no thread of its own: calls (with tokens, retries and timeouts) leave the
//! process's thread count as they found it. Alone in its test binary, so no other test's
//! threads come and go while it counts.

use std::time::Duration;

use auth_sandbox::Sandbox;
use auth_sdk::{Timeouts, akool};

/// Threads of this process, from `/proc/self/task`.
fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

#[tokio::test(flavor = "current_thread")]
async fn calls_start_no_thread() {
    let sb = Sandbox::start().await.unwrap();
    let before = threads();
    let c = sb.credentials().akool.clone();
    let build = || {
        akool::Client::builder()
            .credentials(
                akool::Credentials::new()
                    .with_client_id(c.client_id.as_str())
                    .with_client_secret(c.client_secret.as_str()),
            )
            .base_url(&sb.base_urls().akool)
            .allow_http_loopback(true)
            .timeouts(Timeouts {
                attempt: Some(Duration::from_secs(5)),
                ..Timeouts::default()
            })
            .build()
            .unwrap()
    };
    let client = build();
    for _ in 0..20 {
        // A token exchange (the first time), then an authenticated call, under their bounds.
        client.quota_info().await.unwrap();
    }
    // A second, cold client: another exchange.
    build().quota_info().await.unwrap();
    assert_eq!(threads(), before, "the SDK started a thread");
    assert_eq!(sb.stats().akool.tokens_issued, 2);
}
