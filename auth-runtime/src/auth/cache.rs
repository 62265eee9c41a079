//! The token cache: lazy, refreshed before expiry, one fetch at a time whose outcome every
//! waiting caller shares, and a backoff between failed fetches.
//!
//! Reads of a fresh token take a short `std` read lock and clone an `Arc` (no await, no
//! lock held across an await). A refresh is serialised by an async mutex: the first caller
//! fetches, the others wait and then find the fresh token or the fetch's error
//! (double-checked), so N concurrent callers cause one fetch, failed or not. A cancelled
//! fetch releases the mutex, and the next caller fetches.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::auth::failed_flight::FailedFlight;
use crate::auth::placement::place_once;
use crate::config::clock::Clock;
use crate::error::InvalidInput;
use crate::secret::Secret;
use crate::spec::provider::Placement;
use crate::spec::token::IssuedToken;

/// Longest time before expiry at which a refresh starts.
const MAX_REFRESH_WINDOW: Duration = Duration::from_secs(300);

/// A cached token.
#[derive(Debug)]
pub struct CachedToken {
    /// The token.
    pub token: Secret,
    /// Monotonic instant from which a refresh is attempted (`None`: never).
    refresh_at: Option<Instant>,
    /// Monotonic instant after which the token is no longer used (`None`: never).
    expires_at: Option<Instant>,
    /// Whether the token may be reused by later calls.
    cacheable: bool,
    /// The header the token was last placed in, built once per token: a warm call clones
    /// it (a reference count) instead of formatting, checking and copying the token again.
    placed: std::sync::OnceLock<(Placement, HeaderName, HeaderValue)>,
}

impl CachedToken {
    fn from_issued(issued: IssuedToken, clock: &dyn Clock, jitter_unit: f64) -> Self {
        let now = clock.now();
        let deadline = issued.deadline(clock);
        let (refresh_at, cacheable) = match deadline {
            None => (None, true),
            Some(d) if d <= now => (Some(now), false),
            Some(d) => {
                let life = d - now;
                // Refresh window: min(5 min, half the lifetime), plus up to 10 % jitter.
                let window = (life / 2).min(MAX_REFRESH_WINDOW);
                let window = window + window.mul_f64(jitter_unit.clamp(0.0, 1.0) * 0.1);
                (Some(d.checked_sub(window).unwrap_or(now)), true)
            }
        };
        CachedToken {
            token: issued.token,
            refresh_at,
            expires_at: deadline,
            cacheable,
            placed: std::sync::OnceLock::new(),
        }
    }

    /// Puts the token where `placement` says (as [`crate::spec::provider::place`] does), reusing
    /// the header value built for this token's first use.
    pub(crate) fn place_into(
        &self,
        headers: &mut HeaderMap,
        placement: Placement,
        field: &'static str,
    ) -> Result<(), InvalidInput> {
        place_once(
            &self.placed,
            headers,
            placement,
            self.token.expose_secret(),
            field,
        )
    }

    fn is_fresh(&self, now: Instant) -> bool {
        self.cacheable && self.refresh_at.is_none_or(|r| now < r)
    }

    fn is_usable(&self, now: Instant) -> bool {
        self.cacheable && self.expires_at.is_none_or(|e| now < e)
    }
}

/// One cache slot: one token for one issuer scheme of one client. `E` is the error of a
/// failed fetch, which the cache hands to every caller that waited on that fetch.
#[derive(Debug)]
pub struct TokenCache<E> {
    current: RwLock<Option<Arc<CachedToken>>>,
    refresh: tokio::sync::Mutex<()>,
    /// How many fetches have finished (succeeded or failed); a cancelled one does not count.
    finished: AtomicU64,
    /// The last fetch, if it failed; cleared by a success or by [`clear`](Self::clear).
    failed: std::sync::Mutex<Option<FailedFlight<E>>>,
}

impl<E> Default for TokenCache<E> {
    fn default() -> Self {
        TokenCache {
            current: RwLock::default(),
            refresh: tokio::sync::Mutex::default(),
            finished: AtomicU64::new(0),
            failed: std::sync::Mutex::new(None),
        }
    }
}

impl<E: Clone> TokenCache<E> {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The cached token if it is fresh (outside its refresh window). Never waits.
    pub fn fresh(&self, clock: &dyn Clock) -> Option<Arc<CachedToken>> {
        let guard = self.current.read().unwrap_or_else(|e| e.into_inner());
        guard.as_ref().filter(|t| t.is_fresh(clock.now())).cloned()
    }

    /// Returns a usable token, fetching one with `fetch` when the cache has none or the
    /// cached one is in its refresh window.
    ///
    /// One fetch at a time: callers that arrive while it runs wait for it and share its
    /// outcome, its error included (a clone of it), rather than fetching again. After a
    /// failed fetch, no new one starts for a backoff (1 s, doubling to 30 s, reset by a
    /// success or [`clear`](Self::clear)); callers inside it get the last error at once.
    /// While a still-valid token exists, a failed refresh (or one still in flight, or the
    /// backoff after one) returns that token instead of the error.
    pub async fn get<F, Fut>(&self, clock: &dyn Clock, fetch: F) -> Result<Arc<CachedToken>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<IssuedToken, E>>,
    {
        if let Some(t) = self.fresh(clock) {
            return Ok(t);
        }
        if let Some(e) = self.backing_off(clock.now()) {
            return self.usable(clock).ok_or(e);
        }
        let seen = self.finished.load(Ordering::Acquire);
        let _flight = match self.refresh.try_lock() {
            Ok(guard) => guard,
            Err(_) => {
                if let Some(t) = self.usable(clock) {
                    return Ok(t);
                }
                self.refresh.lock().await
            }
        };
        // Double-check: another caller's fetch may have finished while we waited.
        let previous = self
            .current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(t) = previous.as_ref().filter(|t| t.is_fresh(clock.now())) {
            return Ok(Arc::clone(t));
        }
        if let Some(e) = self.failed_since(seen) {
            return self.usable(clock).ok_or(e);
        }
        let outcome = fetch().await;
        let flight = self.finished.fetch_add(1, Ordering::AcqRel);
        match outcome {
            Ok(issued) => {
                *self.failed.lock().unwrap_or_else(|e| e.into_inner()) = None;
                let token = Arc::new(CachedToken::from_issued(issued, clock, fastrand::f64()));
                if token.cacheable {
                    *self.current.write().unwrap_or_else(|e| e.into_inner()) =
                        Some(Arc::clone(&token));
                } else {
                    tracing::warn!(target: "auth_sdk",
                        "the provider issued a token that is already expired; using it once, not caching it"
                    );
                }
                Ok(token)
            }
            Err(e) => {
                let now = clock.now();
                let old = previous.filter(|t| t.is_usable(now));
                // With a valid token left, try again before a quarter of its life is gone.
                let cap = old
                    .as_ref()
                    .and_then(|t| t.expires_at.map(|at| at.saturating_duration_since(now) / 4));
                let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
                let record = FailedFlight::after(failed.as_ref(), e.clone(), flight, now, cap);
                *failed = Some(record);
                drop(failed);
                match old {
                    Some(old) => {
                        tracing::warn!(target: "auth_sdk",
                            "proactive token refresh failed; the current token is still valid and stays in use"
                        );
                        Ok(old)
                    }
                    None => Err(e),
                }
            }
        }
    }

    /// The last error, if the backoff after it has not run out at `now`.
    fn backing_off(&self, now: Instant) -> Option<E> {
        self.failed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .and_then(|f| f.within_backoff(now))
    }

    /// The error of a fetch that finished after `seen` fetches had, if it failed.
    fn failed_since(&self, seen: u64) -> Option<E> {
        self.failed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .filter(|f| f.flight >= seen)
            .map(|f| f.error.clone())
    }

    /// The cached token if it is still valid, even inside its refresh window.
    fn usable(&self, clock: &dyn Clock) -> Option<Arc<CachedToken>> {
        let guard = self.current.read().unwrap_or_else(|e| e.into_inner());
        guard.as_ref().filter(|t| t.is_usable(clock.now())).cloned()
    }

    /// The cached token, fresh or not (`None` if nothing is cached).
    pub(crate) fn peek(&self) -> Option<Arc<CachedToken>> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Drops `token` if it is still the cached one (after the provider rejected it).
    pub fn invalidate(&self, token: &Arc<CachedToken>) {
        let mut guard = self.current.write().unwrap_or_else(|e| e.into_inner());
        if guard.as_ref().is_some_and(|t| Arc::ptr_eq(t, token)) {
            *guard = None;
        }
    }

    /// Drops whatever is cached, and forgets a failed fetch (its backoff ends).
    pub fn clear(&self) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = None;
        *self.failed.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

#[cfg(test)]
#[path = "cache_tests.rs"]
mod tests;
