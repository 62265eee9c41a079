//! The token cache: lazy, refreshed before expiry, one fetch at a time, failures never cached.
//!
//! Reads of a fresh token take a short `std` read lock and clone an `Arc` (no await, no
//! lock held across an await). A refresh is serialised by an async mutex: the first caller
//! fetches, the others wait and then find the fresh token (double-checked), so N concurrent
//! callers cause one fetch. A cancelled fetch releases the mutex, and the next caller fetches.

use std::future::Future;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::auth::placement::place_once;
use crate::config::clock::Clock;
use crate::error::InvalidInput;
use crate::secret::Secret;
use crate::spec::provider::Placement;
use crate::spec::token::IssuedToken;

/// Longest time before expiry at which a refresh starts.
const MAX_REFRESH_WINDOW: Duration = Duration::from_secs(300);

/// After a failed proactive refresh, how long calls keep using the still-valid token before
/// trying again (at most; a quarter of the token's remaining life when that is shorter), so
/// an issuer that is down is not hit once per call.
const REFRESH_COOLDOWN: Duration = Duration::from_secs(5);

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

/// One cache slot: one token for one issuer scheme of one client.
#[derive(Debug, Default)]
pub struct TokenCache {
    current: RwLock<Option<Arc<CachedToken>>>,
    refresh: tokio::sync::Mutex<()>,
    /// No proactive refresh before this instant (set after a failed one).
    cooldown_until: std::sync::Mutex<Option<Instant>>,
}

impl TokenCache {
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
    /// cached one is in its refresh window. While a still-valid token exists, a failed
    /// refresh returns that token instead of the error, and callers arriving while a refresh
    /// is in flight get that token at once instead of queueing behind the refresh.
    pub async fn get<F, Fut, E>(&self, clock: &dyn Clock, fetch: F) -> Result<Arc<CachedToken>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<IssuedToken, E>>,
    {
        if let Some(t) = self.fresh(clock) {
            return Ok(t);
        }
        if self.cooling_down(clock.now())
            && let Some(t) = self.usable(clock)
        {
            return Ok(t);
        }
        let _flight = match self.refresh.try_lock() {
            Ok(guard) => guard,
            Err(_) => {
                if let Some(t) = self.usable(clock) {
                    return Ok(t);
                }
                self.refresh.lock().await
            }
        };
        // Double-check: another caller may have refreshed while we waited.
        let previous = self
            .current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(t) = previous.as_ref().filter(|t| t.is_fresh(clock.now())) {
            return Ok(Arc::clone(t));
        }
        match fetch().await {
            Ok(issued) => {
                *self
                    .cooldown_until
                    .lock()
                    .unwrap_or_else(|e| e.into_inner()) = None;
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
            Err(e) => match previous.filter(|t| t.is_usable(clock.now())) {
                Some(old) => {
                    let now = clock.now();
                    let left = old
                        .expires_at
                        .map_or(REFRESH_COOLDOWN, |e| e.saturating_duration_since(now) / 4);
                    *self
                        .cooldown_until
                        .lock()
                        .unwrap_or_else(|e| e.into_inner()) =
                        Some(now + left.min(REFRESH_COOLDOWN));
                    tracing::warn!(
                        "proactive token refresh failed; the current token is still valid and stays in use"
                    );
                    Ok(old)
                }
                None => Err(e),
            },
        }
    }

    fn cooling_down(&self, now: Instant) -> bool {
        self.cooldown_until
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some_and(|until| now < until)
    }

    /// The cached token if it is still valid, even inside its refresh window.
    fn usable(&self, clock: &dyn Clock) -> Option<Arc<CachedToken>> {
        let guard = self.current.read().unwrap_or_else(|e| e.into_inner());
        guard.as_ref().filter(|t| t.is_usable(clock.now())).cloned()
    }

    /// Drops `token` if it is still the cached one (after the provider rejected it).
    pub fn invalidate(&self, token: &Arc<CachedToken>) {
        let mut guard = self.current.write().unwrap_or_else(|e| e.into_inner());
        if guard.as_ref().is_some_and(|t| Arc::ptr_eq(t, token)) {
            *guard = None;
        }
    }

    /// Drops whatever is cached.
    pub fn clear(&self) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = None;
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
        let ok = cache
            .get(&clock, || async { Ok::<_, &str>(issued("a", 100)) })
            .await;
        assert!(ok.is_ok(), "a failure is not cached");
        clock.advance(Duration::from_secs(60)); // inside the 50 s window, still valid
        let kept = cache
            .get(&clock, || async { Err::<IssuedToken, _>("down") })
            .await;
        assert_eq!(
            kept.map(|t| t.token.expose_secret().to_owned()).as_deref(),
            Ok("a")
        );
        clock.advance(Duration::from_secs(60)); // expired
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
