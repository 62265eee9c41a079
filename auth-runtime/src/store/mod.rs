//! The fleet layer: a token store shared by many processes (L2 behind each client's
//! in-process cache), so that a fleet of replicas makes one token exchange per credential.
//!
//! [`TokenStore`] is the backend (opaque bytes under string keys, a lock, change events):
//! [`MemoryStore`] in one process, `RedisStore` (feature `redis`) across processes.
//! [`FleetCache`] is what a client is given: it names records by a keyed fingerprint of
//! the credentials (never the credentials), seals them with an AEAD, takes the fleet-wide
//! fetch lock, and falls back to in-process behaviour whenever the store fails.

#[cfg(feature = "redis")]
pub(crate) mod env;
pub(crate) mod fleet;
pub(crate) mod health;
pub(crate) mod memory;
#[cfg(feature = "redis")]
pub(crate) mod redis;
pub(crate) mod sealed;

use std::fmt;
use std::time::Duration;

/// Why a store operation failed. The fleet cache never fails a call because of one: it
/// counts it, warns (rate-limited) and goes on as a single process would.
#[derive(Debug, thiserror::Error)]
#[error("token store: {message}")]
pub struct StoreError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl StoreError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        StoreError {
            message: message.into(),
            source: None,
        }
    }

    /// An error caused by `source`.
    pub fn with_source(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        StoreError {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }
}

/// What changed under a key, as told to every process sharing the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreEvent {
    /// A new record was written under `key` (waiters for it may read it now).
    Written {
        /// The record's key.
        key: String,
    },
    /// The token with tag `tag` (a keyed hash, not the token) was rejected by the provider:
    /// processes holding it drop it from their in-process cache.
    Invalidated {
        /// The record's key.
        key: String,
        /// The rejected token's tag.
        tag: String,
    },
}

impl StoreEvent {
    /// The key the event is about.
    pub fn key(&self) -> &str {
        match self {
            StoreEvent::Written { key } | StoreEvent::Invalidated { key, .. } => key,
        }
    }

    /// One line for a pub/sub message: `w <key>` or `i <key> <tag>`.
    pub fn encode(&self) -> String {
        match self {
            StoreEvent::Written { key } => format!("w {key}"),
            StoreEvent::Invalidated { key, tag } => format!("i {key} {tag}"),
        }
    }

    /// Reads what [`encode`](Self::encode) wrote; `None` for anything else.
    pub fn decode(line: &str) -> Option<Self> {
        let mut parts = line.split(' ');
        let event = match (parts.next()?, parts.next()?) {
            ("w", key) => StoreEvent::Written { key: key.into() },
            ("i", key) => StoreEvent::Invalidated {
                key: key.into(),
                tag: parts.next()?.into(),
            },
            _ => return None,
        };
        parts.next().is_none().then_some(event)
    }
}

/// A store of opaque records shared by the processes of a fleet: the backend of a
/// [`FleetCache`]. Implementations need not be fast (they are read on an in-process miss
/// only) but must be safe to call concurrently; each call is bounded by the fleet cache's
/// store timeout, so a hung backend costs a call that long at most.
#[async_trait::async_trait]
pub trait TokenStore: Send + Sync + fmt::Debug + 'static {
    /// The record under `key`, if any.
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// Writes `value` under `key`, expiring after `ttl`.
    async fn put(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), StoreError>;

    /// Writes `value` under `key`, expiring after `ttl`, only if `key` holds nothing;
    /// `true` if it was written (Redis: `SET key value NX PX ttl`).
    async fn put_if_absent(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, StoreError>;

    /// Deletes `key` only if it holds exactly `expected`; `true` if it did (atomic).
    async fn compare_and_delete(&self, key: &str, expected: &[u8]) -> Result<bool, StoreError>;

    /// Tells every process sharing the store (this one included) about `event`.
    async fn publish(&self, event: &StoreEvent) -> Result<(), StoreError>;

    /// The events published from now on, by any process.
    fn subscribe(&self) -> tokio::sync::broadcast::Receiver<StoreEvent>;

    /// Takes the lock `key` for `owner` (a random value) for at most `ttl`: the
    /// single-instance lock pattern, whose holder's death frees it when `ttl` runs out.
    async fn try_lock(&self, key: &str, owner: &[u8], ttl: Duration) -> Result<bool, StoreError> {
        self.put_if_absent(key, owner, ttl).await
    }

    /// Releases the lock `key` if `owner` still holds it.
    async fn unlock(&self, key: &str, owner: &[u8]) -> Result<bool, StoreError> {
        self.compare_and_delete(key, owner).await
    }
}

pub use fleet::FleetCache;
pub use health::FleetStats;
pub use memory::MemoryStore;
pub use sealed::StoreKey;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::StoreEvent;

    #[test]
    fn events_round_trip_and_junk_is_refused() {
        for e in [
            StoreEvent::Written { key: "a:b".into() },
            StoreEvent::Invalidated {
                key: "a:b".into(),
                tag: "00ff".into(),
            },
        ] {
            assert_eq!(StoreEvent::decode(&e.encode()), Some(e));
        }
        for junk in ["", "w", "x k", "i k", "w k extra", "i k t extra"] {
            assert_eq!(StoreEvent::decode(junk), None, "{junk:?}");
        }
    }
}
