//! [`MemoryStore`]: a [`TokenStore`] inside one process. Clients built with the same
//! fleet cache over it share their tokens (several clients of one account in one service),
//! and tests of the fleet logic run on it without a server.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::broadcast;
use tokio::time::Instant;

use crate::store::{StoreError, StoreEvent, TokenStore};

/// An in-process [`TokenStore`]: records expire on the tokio clock, events go to this
/// process's subscribers.
#[derive(Debug)]
pub struct MemoryStore {
    records: Mutex<HashMap<String, (Vec<u8>, Instant)>>,
    events: broadcast::Sender<StoreEvent>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore {
            records: Mutex::new(HashMap::new()),
            events: broadcast::channel(256).0,
        }
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn with_live<T>(&self, f: impl FnOnce(&mut HashMap<String, (Vec<u8>, Instant)>) -> T) -> T {
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        records.retain(|_, (_, until)| *until > now);
        f(&mut records)
    }
}

#[async_trait::async_trait]
impl TokenStore for MemoryStore {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.with_live(|r| r.get(key).map(|(v, _)| v.clone())))
    }

    async fn put(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), StoreError> {
        let until = Instant::now() + ttl;
        self.with_live(|r| r.insert(key.into(), (value.to_vec(), until)));
        Ok(())
    }

    async fn put_if_absent(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let until = Instant::now() + ttl;
        Ok(self.with_live(|r| {
            if r.contains_key(key) {
                return false;
            }
            r.insert(key.into(), (value.to_vec(), until));
            true
        }))
    }

    async fn compare_and_delete(&self, key: &str, expected: &[u8]) -> Result<bool, StoreError> {
        Ok(self.with_live(|r| {
            if r.get(key).is_some_and(|(v, _)| v == expected) {
                r.remove(key);
                return true;
            }
            false
        }))
    }

    async fn publish(&self, event: &StoreEvent) -> Result<(), StoreError> {
        // No subscriber is not an error: nobody is waiting.
        let _ = self.events.send(event.clone());
        Ok(())
    }

    fn subscribe(&self) -> broadcast::Receiver<StoreEvent> {
        self.events.subscribe()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn records_expire_and_locks_exclude() {
        let s = MemoryStore::new();
        s.put("k", b"v", Duration::from_secs(1)).await.unwrap();
        assert_eq!(s.get("k").await.unwrap().as_deref(), Some(&b"v"[..]));
        assert!(!s.try_lock("k", b"o", Duration::from_secs(1)).await.unwrap());
        assert!(!s.unlock("k", b"o").await.unwrap());
        tokio::time::advance(Duration::from_millis(1001)).await;
        assert_eq!(s.get("k").await.unwrap(), None);
        assert!(s.try_lock("k", b"o", Duration::from_secs(1)).await.unwrap());
        assert!(s.unlock("k", b"o").await.unwrap());
    }
}
