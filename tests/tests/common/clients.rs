//! Clients of any provider aimed at a loopback server (wiremock, the sandbox, a raw socket),
//! and the retry policies the suites use.

use std::time::Duration;

use auth_sdk::{ClientBuilder, ProviderClient, RetryPolicy};

/// `max_attempts` attempts with full-jitter backoffs between `initial_ms` and `max_ms`.
pub fn retry_policy(max_attempts: u32, initial_ms: u64, max_ms: u64) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(initial_ms),
        max_backoff: Duration::from_millis(max_ms),
        ..RetryPolicy::default()
    }
}

/// The default retry policy (3 attempts) with millisecond backoffs, so retry tests are fast.
pub fn fast_retry() -> RetryPolicy {
    retry_policy(3, 5, 20)
}

/// A builder for `P` at `base` holding `creds`, with plain HTTP to loopback allowed.
pub fn loopback<P: ProviderClient>(
    base: impl Into<String>,
    creds: P::Credentials,
) -> ClientBuilder<P> {
    ClientBuilder::new()
        .credentials(creds)
        .base_url(base)
        .allow_http_loopback(true)
}

/// A client of `P` at `base` holding `creds`, with the default retry policy.
pub fn client_at<P: ProviderClient>(base: impl Into<String>, creds: P::Credentials) -> P {
    loopback(base, creds).build().unwrap()
}

/// A client of `P` at `base` holding `creds`, with [`fast_retry`].
pub fn fast_client<P: ProviderClient>(base: impl Into<String>, creds: P::Credentials) -> P {
    loopback(base, creds).retry(fast_retry()).build().unwrap()
}
