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
                    tracing::warn!(
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
                        tracing::warn!(
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
mod tests {
    use super::*;
    use crate::config::clock::ManualClock;
    use crate::spec::token::Lifetime;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn issued(name: &str, secs: i64) -> IssuedToken {
        IssuedToken::new(Secret::new(name), Lifetime::Seconds(secs))
    }

    #[tokio::test]
    async fn reuses_then_refreshes_in_window() {
        let clock = ManualClock::new();
        let cache = TokenCache::new();
        let fetches = AtomicUsize::new(0);
        let fetch = |n: &'static str| {
            fetches.fetch_add(1, Ordering::SeqCst);
            async move { Ok::<_, ()>(issued(n, 600)) }
        };
        let a = cache
            .get(&clock, || fetch("a"))
            .await
            .map(|t| t.token.expose_secret().to_owned());
        assert_eq!(a.as_deref(), Ok("a"));
        clock.advance(Duration::from_secs(200));
        let b = cache
            .get(&clock, || fetch("b"))
            .await
            .map(|t| t.token.expose_secret().to_owned());
        assert_eq!(b.as_deref(), Ok("a"), "still outside the 300 s window");
        clock.advance(Duration::from_secs(120)); // 280 s left: inside min(300, 600/2)=300 s
        let c = cache
            .get(&clock, || fetch("c"))
            .await
            .map(|t| t.token.expose_secret().to_owned());
        assert_eq!(c.as_deref(), Ok("c"));
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn failure_not_cached_and_old_token_kept_while_valid() {
        let clock = ManualClock::new();
        let cache = TokenCache::new();
        assert!(
            cache
                .get(&clock, || async { Err::<IssuedToken, _>("down") })
                .await
                .is_err()
        );
        let inside = cache
            .get(&clock, || async { Ok::<_, &str>(issued("never", 100)) })
            .await;
        assert_eq!(
            inside.err(),
            Some("down"),
            "inside the backoff: the last error"
        );
        clock.advance(Duration::from_secs(1));
        let ok = cache
            .get(&clock, || async { Ok::<_, &str>(issued("a", 100)) })
            .await;
        assert!(ok.is_ok(), "a failure is not cached past its backoff");
        clock.advance(Duration::from_secs(60)); // inside the 50 s window, still valid
        let kept = cache
            .get(&clock, || async { Err::<IssuedToken, _>("down") })
            .await;
        assert_eq!(
            kept.map(|t| t.token.expose_secret().to_owned()).as_deref(),
            Ok("a")
        );
        clock.advance(Duration::from_secs(60)); // expired, and past the backoff
        assert!(
            cache
                .get(&clock, || async { Err::<IssuedToken, _>("down") })
                .await
                .is_err()
        );
    }

    #[tokio::test]
    async fn failed_refresh_cools_down_while_the_old_token_is_valid() {
        let clock = ManualClock::new();
        let cache = TokenCache::new();
        let fetches = AtomicUsize::new(0);
        let ok = cache
            .get(&clock, || async { Ok::<_, &str>(issued("a", 600)) })
            .await;
        assert!(ok.is_ok());
        clock.advance(Duration::from_secs(320)); // in the window, 280 s left
        for _ in 0..10 {
            let t = cache
                .get(&clock, || {
                    fetches.fetch_add(1, Ordering::SeqCst);
                    async { Err::<IssuedToken, _>("down") }
                })
                .await;
            assert_eq!(
                t.map(|t| t.token.expose_secret().to_owned()).as_deref(),
                Ok("a")
            );
        }
        assert_eq!(
            fetches.load(Ordering::SeqCst),
            1,
            "one attempt, then a cool-down"
        );
        clock.advance(Duration::from_secs(6));
        let b = cache
            .get(&clock, || async { Ok::<_, &str>(issued("b", 600)) })
            .await;
        assert_eq!(
            b.map(|t| t.token.expose_secret().to_owned()).as_deref(),
            Ok("b")
        );
    }

    #[tokio::test]
    async fn expired_on_arrival_is_used_once_not_cached() {
        let clock = ManualClock::new();
        let cache = TokenCache::new();
        let t = cache
            .get(&clock, || async { Ok::<_, ()>(issued("z", 0)) })
            .await;
        assert!(t.is_ok());
        assert!(cache.fresh(&clock).is_none());
    }

    #[tokio::test]
    async fn invalidate_only_drops_the_same_token() {
        let clock = ManualClock::new();
        let cache = TokenCache::new();
        let a = cache
            .get(&clock, || async { Ok::<_, ()>(issued("a", 600)) })
            .await;
        let Ok(a) = a else { return };
        cache.clear();
        let b = cache
            .get(&clock, || async { Ok::<_, ()>(issued("b", 600)) })
            .await;
        cache.invalidate(&a);
        assert!(
            b.is_ok() && cache.fresh(&clock).is_some(),
            "a stale invalidation keeps the newer token"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn single_flight_under_concurrency() {
        let clock = Arc::new(ManualClock::new());
        let cache = Arc::new(TokenCache::new());
        let fetches = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..100 {
            let (clock, cache, fetches) = (clock.clone(), cache.clone(), fetches.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get(&*clock, || async {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok::<_, ()>(issued("one", 600))
                    })
                    .await
                    .map(|t| t.token.expose_secret().to_owned())
            }));
        }
        for t in tasks {
            assert_eq!(t.await.ok().and_then(Result::ok).as_deref(), Some("one"));
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn valid_token_served_while_a_refresh_is_in_flight() {
        let clock = Arc::new(ManualClock::new());
        let cache = Arc::new(TokenCache::new());
        let first = cache
            .get(&*clock, || async { Ok::<_, ()>(issued("old", 600)) })
            .await;
        assert!(first.is_ok());
        clock.advance(Duration::from_secs(320)); // in the window, 280 s still valid
        let (c2, k2) = (Arc::clone(&cache), Arc::clone(&clock));
        let slow = tokio::spawn(async move {
            c2.get(&*k2, || async {
                tokio::time::sleep(Duration::from_millis(300)).await;
                Err::<IssuedToken, _>(())
            })
            .await
            .map(|t| t.token.expose_secret().to_owned())
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        let started = std::time::Instant::now();
        let other = cache
            .get(&*clock, || async {
                Ok::<_, ()>(issued("never-fetched", 600))
            })
            .await
            .map(|t| t.token.expose_secret().to_owned());
        assert_eq!(other.as_deref(), Ok("old"));
        assert!(
            started.elapsed() < Duration::from_millis(200),
            "did not queue"
        );
        assert_eq!(slow.await.ok().and_then(Result::ok).as_deref(), Some("old"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_failed_fetch_answers_every_waiter() {
        let clock = Arc::new(ManualClock::new());
        let cache = Arc::new(TokenCache::new());
        let fetches = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..100 {
            let (clock, cache, fetches) = (clock.clone(), cache.clone(), fetches.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get(&*clock, || async {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Err::<IssuedToken, _>("denied")
                    })
                    .await
                    .err()
            }));
        }
        for t in tasks {
            assert_eq!(t.await.ok().flatten(), Some("denied"));
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1, "one fetch for all");
    }

    #[tokio::test]
    async fn failed_fetches_back_off_and_clear_resets() {
        let clock = ManualClock::new();
        let cache = TokenCache::new();
        let fetches = AtomicUsize::new(0);
        let fail = || {
            fetches.fetch_add(1, Ordering::SeqCst);
            async { Err::<IssuedToken, _>("down") }
        };
        assert!(cache.get(&clock, fail).await.is_err()); // backoff 1 s
        clock.advance(Duration::from_millis(999));
        assert!(cache.get(&clock, fail).await.is_err());
        assert_eq!(fetches.load(Ordering::SeqCst), 1, "inside the backoff");
        clock.advance(Duration::from_millis(1));
        assert!(cache.get(&clock, fail).await.is_err()); // backoff 2 s
        clock.advance(Duration::from_secs(1));
        assert!(cache.get(&clock, fail).await.is_err());
        assert_eq!(fetches.load(Ordering::SeqCst), 2, "the backoff doubled");
        cache.clear();
        assert!(cache.get(&clock, fail).await.is_err());
        assert_eq!(fetches.load(Ordering::SeqCst), 3, "clear ends the backoff");
        clock.advance(Duration::from_secs(1));
        let ok = cache
            .get(&clock, || async { Ok::<_, &str>(issued("a", 600)) })
            .await;
        assert!(ok.is_ok());
        cache.invalidate(&ok.unwrap_or_else(|_| unreachable!()));
        assert!(cache.get(&clock, fail).await.is_err());
        assert!(cache.get(&clock, fail).await.is_err());
        assert_eq!(fetches.load(Ordering::SeqCst), 4, "a new backoff");
        clock.advance(Duration::from_secs(1));
        assert!(cache.get(&clock, fail).await.is_err());
        assert_eq!(
            fetches.load(Ordering::SeqCst),
            5,
            "a success reset the backoff to 1 s"
        );
    }

    #[tokio::test]
    async fn cancelled_fetch_does_not_wedge() {
        let clock = ManualClock::new();
        let cache = TokenCache::new();
        let slow = cache.get(&clock, || async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok::<_, ()>(issued("never", 600))
        });
        assert!(
            tokio::time::timeout(Duration::from_millis(20), slow)
                .await
                .is_err()
        );
        let next = cache
            .get(&clock, || async { Ok::<_, ()>(issued("next", 600)) })
            .await;
        assert_eq!(
            next.map(|t| t.token.expose_secret().to_owned()).as_deref(),
            Ok("next")
        );
    }
}
