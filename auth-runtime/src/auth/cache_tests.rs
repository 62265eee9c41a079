//! Tests of the token cache (`cache.rs`): reuse, refresh windows, single flight, shared failures, backoff, cancellation.

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
