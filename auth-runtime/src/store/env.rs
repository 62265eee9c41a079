//! [`FleetCache::from_env`]: a fleet cache on Redis configured by environment variables,
//! as a deployment sets them (feature `redis`).

use std::time::Duration;

use crate::store::StoreError;
use crate::store::fleet::FleetCache;
use crate::store::redis::RedisStore;
use crate::store::sealed::StoreKey;

/// The Redis URL; unset or empty means "no fleet cache".
pub const REDIS_URL: &str = "AUTH_SDK_REDIS_URL";
/// The key that seals new records: `<id>:<base64 of 32 bytes>`.
pub const STORE_KEY: &str = "AUTH_SDK_STORE_KEY";
/// Keys that still open records after a rotation, comma-separated, same form.
pub const PREVIOUS_KEYS: &str = "AUTH_SDK_STORE_PREVIOUS_KEYS";
/// The bound on each store call, in milliseconds (default 50).
pub const TIMEOUT_MS: &str = "AUTH_SDK_STORE_TIMEOUT_MS";

impl FleetCache {
    /// A fleet cache on the Redis server named by `AUTH_SDK_REDIS_URL`, sealing with
    /// `AUTH_SDK_STORE_KEY` (and opening with `AUTH_SDK_STORE_PREVIOUS_KEYS`), each store
    /// call bounded by `AUTH_SDK_STORE_TIMEOUT_MS`. `Ok(None)` when no URL is set. The
    /// connection is made in the background ([`RedisStore::connect_lazy`]), so a server
    /// that is down at boot delays nothing; call inside a tokio runtime.
    pub fn from_env() -> Result<Option<Self>, StoreError> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let Some(url) = var(REDIS_URL) else {
            return Ok(None);
        };
        let key = var(STORE_KEY).ok_or_else(|| {
            StoreError::new(format!(
                "{REDIS_URL} is set but {STORE_KEY} is not: tokens at rest need a key (`<id>:<base64 of 32 bytes>`, e.g. from `openssl rand -base64 32`)"
            ))
        })?;
        let key = StoreKey::parse(&key)
            .map_err(|e| StoreError::with_source(format!("{STORE_KEY} is not a store key"), e))?;
        let mut cache = FleetCache::new(RedisStore::connect_lazy(&url)?, key);
        for old in var(PREVIOUS_KEYS).iter().flat_map(|v| v.split(',')) {
            let old = StoreKey::parse(old).map_err(|e| {
                StoreError::with_source(
                    format!("{PREVIOUS_KEYS} holds something that is not a store key"),
                    e,
                )
            })?;
            cache = cache.previous_key(old);
        }
        if let Some(ms) = var(TIMEOUT_MS) {
            let ms: u64 = ms.trim().parse().map_err(|_| {
                StoreError::new(format!("{TIMEOUT_MS} is a whole number of milliseconds"))
            })?;
            cache = cache.store_timeout(Duration::from_millis(ms.max(1)));
        }
        Ok(Some(cache))
    }
}
