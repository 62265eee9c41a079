//! What a fleet cache counts (hits, misses, exchanges, waits, store failures, unreadable
//! records, invalidations) and its rate-limited warnings: a store that is down for an hour
//! logs a few lines, not one per call.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

/// Warnings of one kind are logged at most this often; the ones in between are counted.
const WARN_EVERY: Duration = Duration::from_secs(10);

/// Counts of a fleet cache since it was made (all its clients together).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FleetStats {
    /// Tokens read from the store (an in-process miss served by the fleet).
    pub store_hits: u64,
    /// In-process misses the store could not serve.
    pub store_misses: u64,
    /// Token exchanges this process made while holding the fleet lock.
    pub exchanges: u64,
    /// Times this process waited for another process's exchange.
    pub waits: u64,
    /// Token exchanges made without the fleet (store failing, slow, or a lock never freed).
    pub fallbacks: u64,
    /// Store operations that failed or timed out.
    pub store_errors: u64,
    /// Records that did not open (wrong key, foreign writer, truncated): each a miss.
    pub unreadable_records: u64,
    /// Tokens dropped fleet-wide after the provider rejected them.
    pub invalidations: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Health {
    counts: [AtomicU64; 8],
    last_warning: Mutex<Option<Instant>>,
    suppressed: AtomicU64,
}

/// The counters, by index into `Health::counts`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Count {
    Hit = 0,
    Miss,
    Exchange,
    Wait,
    Fallback,
    StoreError,
    Unreadable,
    Invalidation,
}

impl Health {
    pub(crate) fn count(&self, what: Count) {
        self.counts[what as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn stats(&self) -> FleetStats {
        let c = |w: Count| self.counts[w as usize].load(Ordering::Relaxed);
        FleetStats {
            store_hits: c(Count::Hit),
            store_misses: c(Count::Miss),
            exchanges: c(Count::Exchange),
            waits: c(Count::Wait),
            fallbacks: c(Count::Fallback),
            store_errors: c(Count::StoreError),
            unreadable_records: c(Count::Unreadable),
            invalidations: c(Count::Invalidation),
        }
    }

    /// Logs `message` at WARN unless a warning went out less than [`WARN_EVERY`] ago.
    pub(crate) fn warn(&self, message: std::fmt::Arguments<'_>) {
        let now = Instant::now();
        let mut last = self.last_warning.lock().unwrap_or_else(|e| e.into_inner());
        if last.is_some_and(|at| now.duration_since(at) < WARN_EVERY) {
            self.suppressed.fetch_add(1, Ordering::Relaxed);
            return;
        }
        *last = Some(now);
        drop(last);
        let suppressed = self.suppressed.swap(0, Ordering::Relaxed);
        tracing::warn!(target: "auth_sdk", suppressed, "fleet token store: {message}");
    }
}
