//! [`FleetCache`]: the level-2 token cache a fleet of processes shares, and the fleet-wide
//! single flight. On an in-process miss: read the store; on a store miss take the fetch
//! lock (`SET NX PX` with a random owner, released by compare-and-delete); the holder
//! exchanges and writes the sealed token, the others wait for its `Written` event (or poll)
//! and read it. Every store call is bounded; a failing store degrades to one exchange per
//! process, never to a failed call.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast::{Receiver, error::RecvError};

use crate::config::clock::Clock;
use crate::secret::Secret;
use crate::spec::token::{IssuedToken, Lifetime};
use crate::store::health::{Count, FleetStats, Health};
use crate::store::sealed::{Keyring, Record, StoreKey, random_owner};
use crate::store::{StoreEvent, TokenStore};

/// Default bound on one store call.
const OP_TIMEOUT: Duration = Duration::from_millis(50);
/// How often a waiter looks at the store when no event arrives.
const POLL: Duration = Duration::from_millis(100);
/// How long a record of a token with no known end is kept.
const UNBOUNDED_TTL: Duration = Duration::from_secs(24 * 3600);
/// Longest time before expiry at which a refresh starts (as in the in-process cache).
const MAX_REFRESH_WINDOW: Duration = Duration::from_secs(300);

/// A token cache shared by the processes of a fleet through a [`TokenStore`], in front of
/// which each client keeps its in-process cache. Give the same one (or one over the same
/// store and key) to every client: `ClientBuilder::fleet_cache`. Cloning is cheap and
/// clones share their counters.
#[derive(Clone)]
pub struct FleetCache {
    store: Arc<dyn TokenStore>,
    keys: Arc<Keyring>,
    op_timeout: Duration,
    health: Arc<Health>,
}

impl fmt::Debug for FleetCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FleetCache")
            .field("store", &self.store)
            .field(
                "keys",
                &self
                    .keys
                    .keys()
                    .iter()
                    .map(StoreKey::id)
                    .collect::<Vec<_>>(),
            )
            .field("op_timeout", &self.op_timeout)
            .finish_non_exhaustive()
    }
}

/// The names of one scheme's record for one client's credentials: one per key of the ring
/// (the primary's first), and the fetch lock's.
#[derive(Debug, Clone)]
pub(crate) struct SlotKeys {
    names: Vec<String>,
    lock: String,
}

impl SlotKeys {
    /// The name records are written under.
    pub(crate) fn primary(&self) -> &str {
        &self.names[0]
    }
}

impl FleetCache {
    /// A fleet cache over `store`, sealing tokens with `key`.
    pub fn new(store: impl TokenStore, key: StoreKey) -> Self {
        Self::from_shared(Arc::new(store), key)
    }

    /// A fleet cache over a store shared with other code.
    pub fn from_shared(store: Arc<dyn TokenStore>, key: StoreKey) -> Self {
        FleetCache {
            store,
            keys: Arc::new(Keyring::new(key)),
            op_timeout: OP_TIMEOUT,
            health: Arc::default(),
        }
    }

    /// Also opens records sealed with `key` (the key before a rotation), and reads the
    /// records it named, so a process on the new key reuses the tokens of peers still on
    /// the old one. New records are always sealed with the primary key.
    pub fn previous_key(mut self, key: StoreKey) -> Self {
        Arc::make_mut(&mut self.keys).add_previous(key);
        self
    }

    /// Bounds each store call (default 50 ms); a call that takes longer counts as a store
    /// failure and the token is obtained as a single process would.
    pub fn store_timeout(mut self, timeout: Duration) -> Self {
        self.op_timeout = timeout;
        self
    }

    /// What this cache has counted so far.
    pub fn stats(&self) -> FleetStats {
        self.health.stats()
    }

    /// The record names of `scheme` of `provider` for a credential `identity` (the issuer
    /// request the credentials make): `auth-sdk:{provider}:{scheme}:{fingerprint}`.
    pub(crate) fn slot_keys(&self, provider: &str, scheme: &str, identity: &[u8]) -> SlotKeys {
        let names: Vec<String> = self
            .keys
            .keys()
            .iter()
            .map(|k| {
                let fp = Keyring::fingerprint(k, identity);
                format!("auth-sdk:{}:{}:{fp}", label(provider), label(scheme))
            })
            .collect();
        let lock = format!("{}:lock", names[0]);
        SlotKeys { names, lock }
    }

    /// The tag of `token` in `Invalidated` events.
    pub(crate) fn tag(&self, token: &Secret) -> String {
        self.keys.tag(token)
    }

    /// The store's events.
    pub(crate) fn subscribe(&self) -> Receiver<StoreEvent> {
        self.store.subscribe()
    }

    /// A token for `slot`: from the store, or from `exchange` run by this process while it
    /// holds the fleet lock, or from another process's exchange it waited for (at most
    /// `lock_ttl`, the lock's lifetime, which covers one exchange).
    pub(crate) async fn obtain<E>(
        &self,
        slot: &SlotKeys,
        clock: &dyn Clock,
        lock_ttl: Duration,
        exchange: impl Future<Output = Result<IssuedToken, E>>,
    ) -> Result<IssuedToken, E> {
        let mut stale = match self.read(slot, clock).await {
            Err(()) => return self.fallback(exchange).await,
            Ok(Some(rec)) if rec.is_fresh(clock.system_now()) => return Ok(self.hit(rec)),
            Ok(found) => found,
        };
        self.health.count(Count::Miss);
        let owner = random_owner();
        let mut events = self.store.subscribe();
        let deadline = tokio::time::Instant::now() + lock_ttl;
        let mut waited = false;
        loop {
            let locked = self.op(self.store.try_lock(&slot.lock, owner.as_bytes(), lock_ttl));
            match locked.await {
                None => return self.fallback(exchange).await,
                Some(true) => return self.exchange_holding(slot, &owner, clock, exchange).await,
                Some(false) => {}
            }
            // A peer is refreshing; the token it replaces is still valid.
            if let Some(rec) = stale.take() {
                return Ok(self.hit(rec));
            }
            if !waited {
                tracing::debug!(target: "auth_sdk", "another process is exchanging; waiting for its token");
                self.health.count(Count::Wait);
                waited = true;
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                self.health.warn(format_args!(
                    "the fetch lock of {} outlived its TTL; exchanging without it",
                    slot.primary()
                ));
                return self.fallback(exchange).await;
            }
            wait_for(&mut events, slot.primary(), POLL.min(deadline - now)).await;
            match self.read(slot, clock).await {
                Err(()) => return self.fallback(exchange).await,
                Ok(Some(rec)) if rec.is_fresh(clock.system_now()) => return Ok(self.hit(rec)),
                Ok(_) => {}
            }
        }
    }

    /// Drops `token` fleet-wide after the provider rejected it: deletes each record that
    /// still holds it (compare-and-delete: a newer token is kept) and tells the other
    /// processes to drop it from their in-process caches.
    pub(crate) async fn invalidate(&self, slot: &SlotKeys, token: &Secret) {
        self.health.count(Count::Invalidation);
        for name in &slot.names {
            let Some(Some(bytes)) = self.op(self.store.get(name)).await else {
                continue;
            };
            if let Ok(rec) = self.keys.open(name, &bytes)
                && rec.token.expose_secret() == token.expose_secret()
            {
                self.op(self.store.compare_and_delete(name, &bytes)).await;
            }
        }
        let event = StoreEvent::Invalidated {
            key: slot.primary().to_owned(),
            tag: self.tag(token),
        };
        self.op(self.store.publish(&event)).await;
    }

    async fn exchange_holding<E>(
        &self,
        slot: &SlotKeys,
        owner: &str,
        clock: &dyn Clock,
        exchange: impl Future<Output = Result<IssuedToken, E>>,
    ) -> Result<IssuedToken, E> {
        // Double-check: a peer may have written between our read and our lock.
        let outcome = match self.read(slot, clock).await {
            Ok(Some(rec)) if rec.is_fresh(clock.system_now()) => Ok(self.hit(rec)),
            _ => {
                self.health.count(Count::Exchange);
                tracing::debug!(target: "auth_sdk", "holding the fleet lock; exchanging");
                let outcome = exchange.await;
                if let Ok(issued) = &outcome {
                    self.write(slot, issued, clock).await;
                }
                outcome
            }
        };
        self.op(self.store.unlock(&slot.lock, owner.as_bytes()))
            .await;
        outcome
    }

    /// Seals and writes `issued` under the slot's primary name, then announces it. A token
    /// that is already expired is not shared.
    async fn write(&self, slot: &SlotKeys, issued: &IssuedToken, clock: &dyn Clock) {
        let now = clock.now();
        let wall = clock.system_now();
        let (expires_at, refresh_at, ttl) = match issued.deadline(clock) {
            None => (None, None, UNBOUNDED_TTL),
            Some(d) if d <= now => return,
            Some(d) => {
                let life = d - now;
                let window = (life / 2).min(MAX_REFRESH_WINDOW);
                (Some(wall + life), Some(wall + life - window), life)
            }
        };
        let record = Record {
            token: issued.token.clone(),
            expires_at,
            refresh_at,
        };
        let sealed = self.keys.seal(slot.primary(), &record);
        if self
            .op(self.store.put(slot.primary(), &sealed, ttl))
            .await
            .is_some()
        {
            let event = StoreEvent::Written {
                key: slot.primary().to_owned(),
            };
            self.op(self.store.publish(&event)).await;
        }
    }

    /// The first usable record among the slot's names; `Err` if the store failed.
    async fn read(&self, slot: &SlotKeys, clock: &dyn Clock) -> Result<Option<Record>, ()> {
        for name in &slot.names {
            let Some(found) = self.op(self.store.get(name)).await else {
                return Err(());
            };
            let Some(bytes) = found else { continue };
            match self.keys.open(name, &bytes) {
                Ok(rec) if rec.is_usable(clock.system_now()) => return Ok(Some(rec)),
                Ok(_) => {}
                Err(why) => {
                    self.health.count(Count::Unreadable);
                    self.health
                        .warn(format_args!("record {name} {why}; treated as a miss"));
                }
            }
        }
        Ok(None)
    }

    fn hit(&self, rec: Record) -> IssuedToken {
        self.health.count(Count::Hit);
        tracing::debug!(target: "auth_sdk", "token read from the fleet store");
        let lifetime = rec.expires_at.map_or(Lifetime::Unknown, Lifetime::At);
        IssuedToken::new(rec.token, lifetime)
    }

    async fn fallback<E>(
        &self,
        exchange: impl Future<Output = Result<IssuedToken, E>>,
    ) -> Result<IssuedToken, E> {
        self.health.count(Count::Fallback);
        exchange.await
    }

    /// Runs one store call within the store timeout; `None` (counted, warned) if it failed.
    async fn op<T>(
        &self,
        call: impl Future<Output = Result<T, crate::store::StoreError>>,
    ) -> Option<T> {
        match tokio::time::timeout(self.op_timeout, call).await {
            Ok(Ok(v)) => Some(v),
            Ok(Err(e)) => {
                self.health.count(Count::StoreError);
                self.health
                    .warn(format_args!("{e}; going on without the store"));
                None
            }
            Err(_) => {
                self.health.count(Count::StoreError);
                self.health.warn(format_args!(
                    "a store call took over {:?}; going on without the store",
                    self.op_timeout
                ));
                None
            }
        }
    }
}

/// Waits at most `at_most` for a `Written` event about `key`.
async fn wait_for(events: &mut Receiver<StoreEvent>, key: &str, at_most: Duration) {
    let wait = async {
        loop {
            match events.recv().await {
                Ok(StoreEvent::Written { key: k }) if k == key => return,
                Ok(_) => {}
                Err(RecvError::Lagged(_)) => return,
                Err(RecvError::Closed) => std::future::pending::<()>().await,
            }
        }
    };
    let _ = tokio::time::timeout(at_most, wait).await;
}

/// A provider or scheme name as a record-name segment: `[a-z0-9_.-]`.
fn label(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '_' | '.' | '-' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            _ => '_',
        })
        .collect()
}

#[cfg(test)]
#[path = "fleet_tests.rs"]
mod tests;
