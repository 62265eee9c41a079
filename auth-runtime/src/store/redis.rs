//! [`RedisStore`]: the [`TokenStore`] of a fleet on Redis (feature `redis`). One
//! multiplexed RESP3 connection (redis-rs's `ConnectionManager`, which reconnects on its
//! own) carries the commands and the pub/sub channel of the store's events, resubscribed
//! after each reconnection. The lock is `SET key owner NX PX ttl`, released by a Lua
//! compare-and-delete: the single-instance lock pattern Redis documents.

use std::fmt;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{IntoConnectionInfo, ProtocolVersion, PushInfo, PushKind, Value};
use tokio::sync::broadcast;

use crate::store::{StoreError, StoreEvent, TokenStore};

/// The pub/sub channel of the store's events.
const CHANNEL: &str = "auth-sdk:events";
/// Deletes KEYS[1] if it holds ARGV[1].
const COMPARE_AND_DELETE: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/// A [`TokenStore`] on a Redis server, `redis://[user:password@]host:port[/db]` (TLS,
/// `rediss://`, is not compiled in: reach Redis over loopback or a private network; what
/// it holds is sealed).
#[derive(Clone)]
pub struct RedisStore {
    conn: ConnectionManager,
    events: broadcast::Sender<StoreEvent>,
    compare_and_delete: redis::Script,
    address: String,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The address only: a URL can carry a password.
        f.debug_struct("RedisStore")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// Connects to the Redis server at `url` and subscribes to the store's events; fails if
    /// the server cannot be reached now (see [`connect_lazy`](Self::connect_lazy)).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let mut store = Self::open(url)?;
        store.conn.subscribe(CHANNEL).await.map_err(|e| {
            StoreError::with_source(format!("cannot reach Redis at {}", store.address), e)
        })?;
        Ok(store)
    }

    /// A store whose connection is made in the background, retried every second until the
    /// server answers; until then each store call fails fast and the clients go on as
    /// single processes. Must be called inside a tokio runtime.
    pub fn connect_lazy(url: &str) -> Result<Self, StoreError> {
        let store = Self::open(url)?;
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| StoreError::new("RedisStore::connect_lazy needs a tokio runtime"))?;
        let mut conn = store.conn.clone();
        runtime.spawn(async move {
            while conn.subscribe(CHANNEL).await.is_err() {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        Ok(store)
    }

    fn open(url: &str) -> Result<Self, StoreError> {
        let info = url
            .into_connection_info()
            .map_err(|e| StoreError::with_source("not a Redis URL", e))?;
        let address = info.addr().to_string();
        let redis = info
            .redis_settings()
            .clone()
            .set_protocol(ProtocolVersion::RESP3);
        let info = info.set_redis_settings(redis);
        let client = redis::Client::open(info)
            .map_err(|e| StoreError::with_source("not a usable Redis address", e))?;
        let (events, _) = broadcast::channel(1024);
        let sender = events.clone();
        let config = ConnectionManagerConfig::new()
            .set_push_sender(move |push: PushInfo| {
                if let Some(event) = event_of(&push) {
                    // No receiver is not an error: nobody is waiting.
                    let _ = sender.send(event);
                }
                Ok::<(), ()>(())
            })
            .set_automatic_resubscription()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(Duration::from_secs(1)))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(1));
        let conn = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| StoreError::with_source("cannot set up the Redis connection", e))?;
        Ok(RedisStore {
            conn,
            events,
            compare_and_delete: redis::Script::new(COMPARE_AND_DELETE),
            address,
        })
    }

    async fn query<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Result<T, StoreError> {
        let mut conn = self.conn.clone();
        cmd.query_async(&mut conn).await.map_err(failed)
    }
}

fn failed(e: redis::RedisError) -> StoreError {
    StoreError::with_source("Redis call failed", e)
}

/// The store event a pub/sub message carries, if it is one.
fn event_of(push: &PushInfo) -> Option<StoreEvent> {
    if push.kind != PushKind::Message {
        return None;
    }
    let payload = match push.data.get(1)? {
        Value::BulkString(b) => std::str::from_utf8(b).ok()?,
        Value::SimpleString(s) => s.as_str(),
        _ => return None,
    };
    StoreEvent::decode(payload)
}

fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

#[async_trait::async_trait]
impl TokenStore for RedisStore {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.query(redis::cmd("GET").arg(key)).await
    }

    async fn put(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), StoreError> {
        let cmd = redis::cmd("SET")
            .arg(key)
            .arg(value)
            .arg("PX")
            .arg(millis(ttl))
            .clone();
        self.query::<()>(&cmd).await
    }

    async fn put_if_absent(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(key).arg(value).arg("NX").arg("PX").arg(millis(ttl));
        let set: Option<String> = self.query(&cmd).await?;
        Ok(set.is_some())
    }

    async fn compare_and_delete(&self, key: &str, expected: &[u8]) -> Result<bool, StoreError> {
        let mut conn = self.conn.clone();
        let deleted: i64 = self
            .compare_and_delete
            .key(key)
            .arg(expected)
            .invoke_async(&mut conn)
            .await
            .map_err(failed)?;
        Ok(deleted == 1)
    }

    async fn publish(&self, event: &StoreEvent) -> Result<(), StoreError> {
        let cmd = redis::cmd("PUBLISH")
            .arg(CHANNEL)
            .arg(event.encode())
            .clone();
        self.query::<i64>(&cmd).await.map(drop)
    }

    fn subscribe(&self) -> broadcast::Receiver<StoreEvent> {
        self.events.subscribe()
    }
}
