//! [`CallMetrics`]: counts of attempts, answers by status, and failures, per client.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::call::interceptor::{AttemptContext, BoxError, Interceptor, ResponseHead};
use crate::spec::request::PreparedRequest;

/// Counts what a client's calls do: attempts sent (retries and replays included, and the
/// token exchanges the client makes), answers by HTTP status, and failed attempts. Clones
/// share the counts, so keep one and register a clone:
///
/// ```
/// use auth_runtime::interceptors::CallMetrics;
///
/// let metrics = CallMetrics::new();
/// // auth_sdk::loccus::Client::builder().interceptor(metrics.clone()) ...
/// assert_eq!(metrics.snapshot().attempts, 0);
/// ```
#[derive(Debug, Clone, Default)]
pub struct CallMetrics {
    inner: Arc<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    attempts: AtomicU64,
    failures: AtomicU64,
    statuses: Mutex<BTreeMap<u16, u64>>,
    endpoints: Mutex<BTreeMap<&'static str, u64>>,
}

/// The counts at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MetricsSnapshot {
    /// Attempts sent.
    pub attempts: u64,
    /// Answers received, by HTTP status.
    pub statuses: BTreeMap<u16, u64>,
    /// Attempts sent, by endpoint name.
    pub endpoints: BTreeMap<&'static str, u64>,
    /// Failures reported to `on_error` (transport errors, timeouts, error answers).
    pub failures: u64,
}

impl CallMetrics {
    /// Counts starting at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// The counts now.
    pub fn snapshot(&self) -> MetricsSnapshot {
        let statuses = self
            .inner
            .statuses
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let endpoints = self
            .inner
            .endpoints
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        MetricsSnapshot {
            attempts: self.inner.attempts.load(Ordering::Relaxed),
            statuses: statuses.clone(),
            endpoints: endpoints.clone(),
            failures: self.inner.failures.load(Ordering::Relaxed),
        }
    }
}

impl Interceptor for CallMetrics {
    fn name(&self) -> &'static str {
        "call-metrics"
    }

    fn modify_before_transmit(
        &self,
        _request: &mut PreparedRequest,
        ctx: &AttemptContext,
    ) -> Result<(), BoxError> {
        self.inner.attempts.fetch_add(1, Ordering::Relaxed);
        let mut endpoints = self
            .inner
            .endpoints
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        *endpoints.entry(ctx.endpoint).or_default() += 1;
        Ok(())
    }

    fn read_after_transmit(
        &self,
        response: &ResponseHead<'_>,
        _ctx: &AttemptContext,
    ) -> Result<(), BoxError> {
        let mut statuses = self
            .inner
            .statuses
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        *statuses.entry(response.status.as_u16()).or_default() += 1;
        Ok(())
    }

    fn on_error(&self, _error: &(dyn std::error::Error + 'static), _ctx: &AttemptContext) {
        self.inner.failures.fetch_add(1, Ordering::Relaxed);
    }
}
