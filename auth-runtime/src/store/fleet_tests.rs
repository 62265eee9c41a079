//! Tests of the fleet cache over an in-process store: one exchange for many processes, degradation, unreadable records, dead lock holders, invalidation, key rotation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicU32, Ordering};

use super::*;
use crate::config::clock::SystemClock;
use crate::store::{MemoryStore, StoreError};

const TTL: Duration = Duration::from_secs(5);

fn key(byte: u8) -> StoreKey {
    StoreKey::new("k1", [byte; 32]).unwrap()
}

fn fleet(store: Arc<dyn TokenStore>) -> FleetCache {
    FleetCache::from_shared(store, key(7))
}

fn token(t: &str) -> IssuedToken {
    IssuedToken::new(Secret::new(t), Lifetime::Seconds(3600))
}

/// An exchange that counts itself and takes `delay`.
async fn exchange(n: &AtomicU32, delay: Duration) -> Result<IssuedToken, ()> {
    let i = n.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(delay).await;
    Ok(token(&format!("tok_{i}")))
}

#[tokio::test(start_paused = true)]
async fn many_processes_one_exchange_and_all_get_its_token() {
    let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
    let n = AtomicU32::new(0);
    // Ten "processes": ten fleet caches over one store, one call each at once.
    let caches: Vec<FleetCache> = (0..10).map(|_| fleet(Arc::clone(&store))).collect();
    let slot = caches[0].slot_keys("CoopFin Network", "token", b"identity");
    let got = futures_util::future::join_all(caches.iter().map(|c| {
        c.obtain(
            &slot,
            &SystemClock,
            TTL,
            exchange(&n, Duration::from_millis(300)),
        )
    }))
    .await;
    assert_eq!(n.load(Ordering::SeqCst), 1);
    for t in got {
        assert_eq!(t.unwrap().token.expose_secret(), "tok_0");
    }
    assert!(
        slot.primary()
            .starts_with("auth-sdk:coopfin_network:token:")
    );
    assert!(!slot.primary().contains("identity"));
    // A later process is served by the store.
    let late = fleet(Arc::clone(&store));
    let t = late
        .obtain(&slot, &SystemClock, TTL, exchange(&n, Duration::ZERO))
        .await;
    assert_eq!(t.unwrap().token.expose_secret(), "tok_0");
    assert_eq!(n.load(Ordering::SeqCst), 1);
    assert_eq!(late.stats().store_hits, 1);
}

/// A store whose every call fails, or hangs.
#[derive(Debug)]
struct Broken {
    hang: bool,
}

#[async_trait::async_trait]
impl TokenStore for Broken {
    async fn get(&self, _: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.fail().await
    }
    async fn put(&self, _: &str, _: &[u8], _: Duration) -> Result<(), StoreError> {
        self.fail().await
    }
    async fn put_if_absent(&self, _: &str, _: &[u8], _: Duration) -> Result<bool, StoreError> {
        self.fail().await
    }
    async fn compare_and_delete(&self, _: &str, _: &[u8]) -> Result<bool, StoreError> {
        self.fail().await
    }
    async fn publish(&self, _: &StoreEvent) -> Result<(), StoreError> {
        self.fail().await
    }
    fn subscribe(&self) -> Receiver<StoreEvent> {
        tokio::sync::broadcast::channel(1).1
    }
}

impl Broken {
    async fn fail<T>(&self) -> Result<T, StoreError> {
        if self.hang {
            std::future::pending::<()>().await;
        }
        Err(StoreError::new("connection refused"))
    }
}

#[tokio::test(start_paused = true)]
async fn a_failing_or_hanging_store_degrades_to_the_exchange() {
    for hang in [false, true] {
        let f = fleet(Arc::new(Broken { hang }));
        let slot = f.slot_keys("p", "s", b"id");
        let n = AtomicU32::new(0);
        let started = tokio::time::Instant::now();
        let t = f
            .obtain(&slot, &SystemClock, TTL, exchange(&n, Duration::ZERO))
            .await;
        assert_eq!(t.unwrap().token.expose_secret(), "tok_0");
        assert!(
            started.elapsed() <= OP_TIMEOUT,
            "hang={hang}: {:?}",
            started.elapsed()
        );
        let s = f.stats();
        assert_eq!((s.fallbacks, s.store_errors), (1, 1), "hang={hang}");
    }
}

#[tokio::test(start_paused = true)]
async fn unreadable_records_are_misses() {
    let store = Arc::new(MemoryStore::new());
    let other = FleetCache::from_shared(store.clone(), key(8));
    let f = fleet(store.clone());
    let slot = f.slot_keys("p", "s", b"id");
    // A record sealed with another key under the same name, then foreign bytes.
    let sealed = other.keys.seal(
        slot.primary(),
        &Record {
            token: Secret::new("tok_foreign"),
            expires_at: None,
            refresh_at: None,
        },
    );
    for junk in [
        sealed.clone(),
        b"{\"token\":\"tok\"}".to_vec(),
        sealed[..10].to_vec(),
    ] {
        store.put(slot.primary(), &junk, TTL).await.unwrap();
        let n = AtomicU32::new(0);
        let t = f
            .obtain(&slot, &SystemClock, TTL, exchange(&n, Duration::ZERO))
            .await;
        assert_eq!(t.unwrap().token.expose_secret(), "tok_0");
    }
    // Each is read twice: before the lock is taken and after (the double check).
    assert_eq!(f.stats().unreadable_records, 6);
}

#[tokio::test(start_paused = true)]
async fn a_dead_holder_frees_the_lock_at_its_ttl() {
    let store = Arc::new(MemoryStore::new());
    let f = fleet(store.clone());
    let slot = f.slot_keys("p", "s", b"id");
    // A holder that took the lock and died.
    assert!(store.try_lock(&slot.lock, b"dead", TTL).await.unwrap());
    let n = AtomicU32::new(0);
    let started = tokio::time::Instant::now();
    let t = f
        .obtain(&slot, &SystemClock, TTL * 2, exchange(&n, Duration::ZERO))
        .await;
    assert_eq!(t.unwrap().token.expose_secret(), "tok_0");
    let waited = started.elapsed();
    assert!(waited >= TTL && waited <= TTL + POLL * 2, "{waited:?}");
    assert_eq!(f.stats().exchanges, 1);
}

#[tokio::test(start_paused = true)]
async fn invalidation_deletes_only_the_rejected_token_and_tells_the_fleet() {
    let store = Arc::new(MemoryStore::new());
    let f = fleet(store.clone());
    let slot = f.slot_keys("p", "s", b"id");
    let n = AtomicU32::new(0);
    f.obtain(&slot, &SystemClock, TTL, exchange(&n, Duration::ZERO))
        .await
        .unwrap();
    let mut events = f.subscribe();
    // Rejecting a token the store does not hold keeps the record.
    f.invalidate(&slot, &Secret::new("tok_other")).await;
    assert!(store.get(slot.primary()).await.unwrap().is_some());
    f.invalidate(&slot, &Secret::new("tok_0")).await;
    assert!(store.get(slot.primary()).await.unwrap().is_none());
    let tags: Vec<_> = std::iter::from_fn(|| events.try_recv().ok()).collect();
    assert_eq!(
        tags,
        [
            StoreEvent::Invalidated {
                key: slot.primary().into(),
                tag: f.tag(&Secret::new("tok_other"))
            },
            StoreEvent::Invalidated {
                key: slot.primary().into(),
                tag: f.tag(&Secret::new("tok_0"))
            },
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn after_a_rotation_the_old_fleets_token_is_reused() {
    let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
    let old = FleetCache::from_shared(store.clone(), key(1));
    let n = AtomicU32::new(0);
    let old_slot = old.slot_keys("p", "s", b"id");
    old.obtain(&old_slot, &SystemClock, TTL, exchange(&n, Duration::ZERO))
        .await
        .unwrap();
    let new =
        FleetCache::from_shared(store, StoreKey::new("k2", [2; 32]).unwrap()).previous_key(key(1));
    let slot = new.slot_keys("p", "s", b"id");
    let t = new
        .obtain(&slot, &SystemClock, TTL, exchange(&n, Duration::ZERO))
        .await;
    assert_eq!(t.unwrap().token.expose_secret(), "tok_0");
    assert_eq!(n.load(Ordering::SeqCst), 1);
}
