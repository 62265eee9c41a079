//! Time sources. The token cache and retry backoff read time only through [`Clock`], so
//! tests can drive it by hand with [`ManualClock`]. The default, [`SystemClock`], reads
//! tokio's clock: under `#[tokio::test(start_paused = true)]`, `tokio::time::advance` moves
//! token expiry and refresh windows as it moves every timer of a call.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// A source of monotonic and wall-clock time.
pub trait Clock: Send + Sync + fmt::Debug + 'static {
    /// Monotonic now: deadlines are computed from this.
    fn now(&self) -> Instant;
    /// Wall-clock now: used only to convert absolute expiry times (e.g. Loccus `expiresAt`)
    /// into monotonic deadlines, once, when a token is received.
    fn system_now(&self) -> SystemTime;
}

/// Tokio's clock, and the wall clock moved with it.
///
/// `now` is `tokio::time::Instant::now()`: the operating system's monotonic clock, except in
/// a runtime whose time is paused (tokio's `test-util`), where it is that runtime's virtual
/// time. `system_now` is the wall clock plus however far virtual time is ahead of real time,
/// so absolute expiry times (`expires_at`) and `Retry-After` dates follow `advance` too.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        tokio::time::Instant::now().into_std()
    }
    fn system_now(&self) -> SystemTime {
        let ahead = tokio::time::Instant::now()
            .into_std()
            .saturating_duration_since(Instant::now());
        SystemTime::now() + ahead
    }
}

/// A clock that moves only when told to; for tests.
#[derive(Debug, Clone)]
pub struct ManualClock {
    inner: Arc<Mutex<(Instant, SystemTime)>>,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl ManualClock {
    /// A manual clock starting at the real current time.
    pub fn new() -> Self {
        ManualClock {
            inner: Arc::new(Mutex::new((Instant::now(), SystemTime::now()))),
        }
    }

    /// Moves both clocks forward.
    pub fn advance(&self, by: Duration) {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        guard.0 += by;
        guard.1 += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).0
    }
    fn system_now(&self) -> SystemTime {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).1
    }
}
