//! Each call's use of the fleet cache: the record names of a token slot (a keyed
//! fingerprint of the issuer request the client's credentials make), how long the fetch
//! lock lives, and the fleet-wide invalidation of a token the provider rejected.

use std::sync::Arc;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::auth::cache::CachedToken;
use crate::call::client::{ClientCore, ProviderClient, Shared};
use crate::spec::provider::IdentityFn;
use crate::spec::request::PreparedRequest;
use crate::store::fleet::{FleetCache, SlotKeys};

impl<P: ProviderClient> ClientCore<P> {
    /// The fleet cache and the record names of `slot` (issued by scheme `scheme`), if the
    /// client has a fleet cache; the names are computed at the slot's first fetch. Only
    /// the issuer request is built here, per provider; the rest is compiled once.
    pub(crate) fn fleet_slot(
        &self,
        slot: usize,
        scheme: &'static str,
        identity: IdentityFn<P>,
    ) -> Option<(&FleetCache, &SlotKeys)> {
        self.shared.fleet.as_ref()?;
        let req = || identity(self);
        self.shared.fleet_slot_keys(slot, P::NAME, scheme, &req)
    }
}

impl Shared {
    /// The record names of `slot`, hashed at its first fetch from the issuer request that
    /// `request` builds (method, URL, headers, body, and the base URL).
    fn fleet_slot_keys(
        &self,
        slot: usize,
        provider: &'static str,
        scheme: &'static str,
        request: &dyn Fn() -> Option<PreparedRequest>,
    ) -> Option<(&FleetCache, &SlotKeys)> {
        let fleet = self.fleet.as_ref()?;
        let keys = fleet.slots.get(slot)?.get_or_init(|| {
            let req = request()?;
            let mut id = Zeroizing::new(Vec::new());
            let mut put = |b: &[u8]| {
                id.extend_from_slice(&(b.len() as u64).to_be_bytes());
                id.extend_from_slice(b);
            };
            put(self.base.as_str().as_bytes());
            put(req.method().as_str().as_bytes());
            put(req.url().as_bytes());
            for (name, value) in req.headers() {
                put(name.as_str().as_bytes());
                put(value.as_bytes());
            }
            put(req.body());
            Some(fleet.cache.slot_keys(provider, scheme, &id))
        });
        fleet.listen(&self.caches);
        Some((&fleet.cache, keys.as_ref()?))
    }

    /// How long a process holds the fleet's fetch lock: one token exchange, and a second.
    pub(crate) fn lock_ttl(&self) -> Duration {
        self.config
            .timeouts
            .token_exchange
            .unwrap_or(Duration::from_secs(30))
            + Duration::from_secs(1)
    }

    /// Drops a token the provider rejected: from this client's cache and, with a fleet
    /// cache, from the store (if it still holds it) and every process's cache.
    pub(crate) async fn drop_rejected(&self, slot: usize, token: &Arc<CachedToken>) {
        self.caches[slot].invalidate(token);
        if let Some(fleet) = &self.fleet
            && let Some(keys) = fleet.keys(slot)
        {
            fleet.cache.invalidate(keys, &token.token).await;
        }
    }
}
