//! Timeouts and retries: finite defaults, each bound set, changed or disabled per client.

pub(crate) mod budget;
pub(crate) mod clock;
pub(crate) mod retry;

use std::time::Duration;

use crate::config::budget::RetryBudget;
use crate::error::BuildError;

/// Time bounds of a call. `None` disables a bound; the defaults are all finite.
///
/// Every bound is a tokio timer (`tokio::time`), as are backoff sleeps and `Retry-After`
/// waits: in a runtime with paused time they follow `tokio::time::advance`, and the SDK
/// starts no thread of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing a connection (default 10 s).
    pub connect: Option<Duration>,
    /// One attempt: sending, waiting for the answer and reading its body (default 30 s).
    pub attempt: Option<Duration>,
    /// The whole call including retries, backoff and token exchange (default 60 s).
    pub total: Option<Duration>,
    /// A token exchange, retries included (default 20 s).
    pub token_exchange: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Some(Duration::from_secs(10)),
            attempt: Some(Duration::from_secs(30)),
            total: Some(Duration::from_secs(60)),
            token_exchange: Some(Duration::from_secs(20)),
        }
    }
}

impl Timeouts {
    /// No bound at all. Only for callers that enforce their own deadline.
    pub fn disabled() -> Self {
        Timeouts {
            connect: None,
            attempt: None,
            total: None,
            token_exchange: None,
        }
    }

    pub(crate) fn validate(&self) -> Result<(), BuildError> {
        for (name, v) in [
            ("timeouts.connect", self.connect),
            ("timeouts.attempt", self.attempt),
            ("timeouts.total", self.total),
            ("timeouts.token_exchange", self.token_exchange),
        ] {
            if v == Some(Duration::ZERO) {
                return Err(BuildError::new(
                    name,
                    "a zero timeout fails every call; use None to disable the bound",
                ));
            }
        }
        if let (Some(a), Some(t)) = (self.attempt, self.total)
            && a > t
        {
            return Err(BuildError::new(
                "timeouts.attempt",
                format!("the attempt timeout ({a:?}) exceeds the total timeout ({t:?})"),
            ));
        }
        Ok(())
    }
}

/// How failed calls are retried.
///
/// Only transient failures are retried (connect failures, I/O errors, timeouts, HTTP 408,
/// 429, 500, 502, 503, 504; never TLS failures, oversized bodies, redirects or other 4xx),
/// and only on calls the spec marks idempotent, or when the request never left the machine
/// (e.g. connection refused). Backoff is exponential with full jitter, capped; a
/// `Retry-After` (or, on 429, `X-RateLimit-Reset`) replaces it when it is at most
/// [`max_retry_after`](Self::max_retry_after). A retry that could not finish before the
/// total timeout is not started.
///
/// The server's hint `x-should-retry` overrides the classification of a provider answer:
/// `x-should-retry: false` is never retried (nor turned into [`crate::Error::RateLimited`]),
/// whatever the status, so a permanent failure such as an exhausted quota fails fast;
/// `x-should-retry: true` makes any status retryable (e.g. a 409 lock conflict), but only
/// on idempotent calls, since a call that got an answer reached the server. The hint also
/// decides [`crate::Error::is_transient`]. Other values of the header are ignored.
///
/// On top of the per-call limit, a client-wide [`budget`](Self::budget), shared by the
/// client's clones, keeps retries to a fraction of calls: by default every call earns 0.2 of
/// a retry, every retry spends one, and at most 10 are banked. When the budget is empty a
/// failing call returns its error at once instead of retrying, so an outage cannot
/// multiply the load the client sends by `max_attempts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included (default 3; 1 disables retries).
    pub max_attempts: u32,
    /// Backoff before the first retry (default 200 ms), doubling each retry.
    pub initial_backoff: Duration,
    /// Cap on one backoff (default 5 s).
    pub max_backoff: Duration,
    /// Longest `Retry-After` / rate-limit reset the client will sleep for (default 30 s);
    /// a longer one ends the call with [`crate::Error::RateLimited`]. A 429 with a longer
    /// wait is reported that way on every call, idempotent or not.
    pub max_retry_after: Duration,
    /// The client-wide retry budget (default [`RetryBudget::default`]: 20 % of calls plus 10);
    /// `None` disables it (only the per-call `max_attempts` limits retries).
    pub budget: Option<RetryBudget>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            budget: Some(RetryBudget::default()),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn disabled() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    pub(crate) fn validate(&self) -> Result<(), BuildError> {
        if self.max_attempts == 0 {
            return Err(BuildError::new(
                "retry.max_attempts",
                "must be at least 1 (1 disables retries)",
            ));
        }
        if self.initial_backoff > self.max_backoff {
            return Err(BuildError::new(
                "retry.initial_backoff",
                "must not exceed retry.max_backoff",
            ));
        }
        if let Some(b) = &self.budget {
            b.validate()?;
        }
        Ok(())
    }
}

/// Client-wide settings shared by every call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Time bounds.
    pub timeouts: Timeouts,
    /// Retry policy.
    pub retry: RetryPolicy,
    /// Largest response body read, in bytes (default 1 MiB); a longer one is an error.
    pub max_body_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            max_body_bytes: 1024 * 1024,
        }
    }
}

impl Config {
    pub(crate) fn validate(&self) -> Result<(), BuildError> {
        self.timeouts.validate()?;
        self.retry.validate()?;
        if self.max_body_bytes == 0 {
            return Err(BuildError::new("max_body_bytes", "must be at least 1"));
        }
        Ok(())
    }
}
