//! A client's link to its fleet cache: the record names of its token slots (computed at
//! each slot's first fetch, see `fleet_slot`), and the listener that drops a token from the
//! in-process caches when another process saw it rejected.

use std::sync::{Arc, OnceLock, Weak};

use crate::auth::cache::TokenCache;
use crate::call::auth_failure::AuthFailure;
use crate::store::StoreEvent;
use crate::store::fleet::{FleetCache, SlotKeys};

/// How often a listener looks whether its client is still there.
const CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// The in-process caches of a client, shared with its listener.
pub(crate) type Caches = Arc<[TokenCache<AuthFailure>]>;

/// The fleet side of one client.
pub(crate) struct Fleet {
    pub(crate) cache: FleetCache,
    /// Per token slot: its record names (`None`: its credentials make no issuer request).
    pub(crate) slots: Arc<[OnceLock<Option<SlotKeys>>]>,
    listening: OnceLock<()>,
}

impl Fleet {
    pub(crate) fn new(cache: FleetCache, token_slots: usize) -> Self {
        Fleet {
            cache,
            slots: (0..token_slots).map(|_| OnceLock::new()).collect(),
            listening: OnceLock::new(),
        }
    }

    /// The record names of `slot`, once known.
    pub(crate) fn keys(&self, slot: usize) -> Option<&SlotKeys> {
        self.slots.get(slot)?.get()?.as_ref()
    }

    /// Starts, once per client, the task that applies other processes' invalidations to
    /// `caches`; it ends within 30 s of the client being dropped.
    pub(crate) fn listen(&self, caches: &Caches) {
        self.listening.get_or_init(|| {
            let Ok(runtime) = tokio::runtime::Handle::try_current() else {
                return;
            };
            let mut events = self.cache.subscribe();
            let caches: Weak<[TokenCache<AuthFailure>]> = Arc::downgrade(caches);
            let slots = Arc::clone(&self.slots);
            let fleet = self.cache.clone();
            runtime.spawn(async move {
                use tokio::sync::broadcast::error::RecvError;
                loop {
                    // Wakes at least every 30 s to end once the client is gone.
                    let event = tokio::time::timeout(CHECK_EVERY, events.recv()).await;
                    if caches.strong_count() == 0 {
                        return;
                    }
                    let (key, tag) = match event {
                        Ok(Ok(StoreEvent::Invalidated { key, tag })) => (key, tag),
                        Ok(Ok(_) | Err(RecvError::Lagged(_))) | Err(_) => continue,
                        Ok(Err(RecvError::Closed)) => return,
                    };
                    let Some(caches) = caches.upgrade() else { return };
                    for (i, slot) in slots.iter().enumerate() {
                        let names = slot.get().and_then(Option::as_ref);
                        if names.is_none_or(|n| n.primary() != key) {
                            continue;
                        }
                        if let Some(token) = caches[i].peek()
                            && fleet.tag(&token.token) == tag
                        {
                            tracing::debug!(target: "auth_sdk", record = %key, "a peer saw this token rejected; dropping it");
                            caches[i].invalidate(&token);
                        }
                    }
                }
            });
        });
    }
}
