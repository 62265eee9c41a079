#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! The fleet cache on a real Redis, within one test process (each client with its own
//! `RedisStore` connection stands for a process): records that do not open are misses, a
//! 401 invalidates fleet-wide, a restarted Redis is reconnected to, an unreachable one
//! costs nothing but the fleet, and no record name or value holds a credential or token.

use std::time::{Duration, Instant};

use auth_sandbox::Sandbox;
use auth_sdk::{FleetCache, RedisStore, StoreKey, loccus};
use serde_json::json;
use wiremock::MockServer;

mod common;
use common::{RedisServer, bearer, json_reply, loopback, on, random_store_key, shared_redis};

async fn fleet(url: &str, key: &str) -> FleetCache {
    let store = RedisStore::connect(url).await.unwrap();
    FleetCache::new(store, StoreKey::parse(key).unwrap()).store_timeout(Duration::from_secs(1))
}

fn sandbox_client(sb: &Sandbox, fleet: &FleetCache) -> loccus::Client {
    let c = &sb.credentials().loccus;
    let creds = loccus::Credentials::new()
        .with_handle(c.handle.as_str())
        .with_password(c.password.as_str());
    loopback(sb.base_urls().loccus, creds)
        .fleet_cache(fleet.clone())
        .build()
        .unwrap()
}

async fn raw(url: &str) -> redis::aio::MultiplexedConnection {
    let client = redis::Client::open(url).unwrap();
    client.get_multiplexed_async_connection().await.unwrap()
}

async fn keys(con: &mut redis::aio::MultiplexedConnection, pattern: &str) -> Vec<String> {
    redis::cmd("KEYS")
        .arg(pattern)
        .query_async(con)
        .await
        .unwrap()
}

/// The record names and values in `con`'s server, locks left out.
async fn records(con: &mut redis::aio::MultiplexedConnection) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for name in keys(con, "auth-sdk:*").await {
        if !name.ends_with(":lock") {
            let bytes: Vec<u8> = redis::cmd("GET").arg(&name).query_async(con).await.unwrap();
            out.push((name, bytes));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_that_do_not_open_are_misses_and_nothing_stored_is_a_secret() {
    // A private server: the only records in it are this test's.
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let url = redis.url();
    let sb = Sandbox::start().await.unwrap();
    let key = random_store_key();
    let writer = fleet(&url, &key).await;
    let user = sandbox_client(&sb, &writer).get_user().await.unwrap();
    assert_eq!(sb.stats().loccus.tokens_issued, 1);

    let mut con = raw(&url).await;
    let written = records(&mut con).await;
    assert_eq!(written.len(), 1, "{written:?}");
    let (name, sealed) = written.into_iter().next().unwrap();
    assert!(
        name.starts_with("auth-sdk:") && name.contains(":session:"),
        "{name}"
    );
    let c = &sb.credentials().loccus;
    for secret in [c.handle.as_str(), c.password.as_str(), user.handle.as_str()] {
        assert!(!name.contains(secret), "{name}");
        assert!(!sealed.windows(secret.len()).any(|w| w == secret.as_bytes()));
    }

    // A record sealed under another key (and name): what a wrong key leaves.
    let other = fleet(&url, &random_store_key()).await;
    let sb2 = Sandbox::start().await.unwrap();
    sandbox_client(&sb2, &other).get_user().await.unwrap();
    let foreign = records(&mut con)
        .await
        .into_iter()
        .find(|(n, _)| *n != name)
        .expect("the other key's record")
        .1;
    let junk = [
        foreign,
        br#"{"token":"tok_test_foreign","expires_in":3600}"#.to_vec(),
        sealed[..sealed.len() / 2].to_vec(),
    ];
    for (i, bytes) in junk.iter().enumerate() {
        let set = redis::cmd("SET")
            .arg(&name)
            .arg(bytes)
            .arg("PX")
            .arg(60_000)
            .clone();
        let _: () = set.query_async(&mut con).await.unwrap();
        let reader = fleet(&url, &key).await;
        sandbox_client(&sb, &reader).get_user().await.unwrap();
        let s = reader.stats();
        assert!(s.unreadable_records >= 1, "case {i}: {s:?}");
        assert_eq!(s.exchanges, 1, "case {i}: a miss, then one exchange");
        assert_eq!(sb.stats().loccus.tokens_issued, 2 + i as u64, "case {i}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_with_the_stored_token_makes_one_re_exchange_for_the_fleet() {
    let Some((url, _guard)) = shared_redis() else {
        return;
    };
    let server = MockServer::start().await;
    let sign_in = |token: &str| {
        json_reply(
            200,
            json!({"token": token, "issuedAt": "2026-01-01T00:00:00.000000Z", "expiresAt": "2099-01-01T00:00:00.000000Z"}),
        )
    };
    on("POST", "/v1/auth/credentials")
        .respond_with(sign_in("tok_test_first"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    on("POST", "/v1/auth/credentials")
        .respond_with(sign_in("tok_test_second"))
        .with_priority(2)
        .mount(&server)
        .await;
    let user = json_reply(
        200,
        json!({
            "id": "3f0e5c8a-1111-4b2b-9c3d-000000000001", "handle": "jane-doe", "alias": null,
            "email": "jane@example.invalid", "emailVerified": true, "state": "verified",
            "orgs": 2, "spaces": 5, "createdAt": "2023-01-01T00:00:00.000000Z"
        }),
    );
    // The first token works for three calls, then is rejected; the second always works.
    on("GET", "/v1/user")
        .and(bearer("tok_test_first"))
        .respond_with(user.clone())
        .up_to_n_times(3)
        .with_priority(1)
        .mount(&server)
        .await;
    on("GET", "/v1/user")
        .and(bearer("tok_test_first"))
        .respond_with(json_reply(401, json!({"message": "Unauthorized"})))
        .with_priority(2)
        .mount(&server)
        .await;
    on("GET", "/v1/user")
        .and(bearer("tok_test_second"))
        .respond_with(user)
        .mount(&server)
        .await;

    let key = random_store_key();
    let mut clients = Vec::new();
    for _ in 0..3 {
        let f = fleet(&url, &key).await;
        let creds = loccus::Credentials::new()
            .with_handle("jane-doe")
            .with_password("pw_test_12345678");
        clients.push((
            loopback::<loccus::Client>(format!("{}/v1", server.uri()), creds)
                .fleet_cache(f.clone())
                .build()
                .unwrap(),
            f,
        ));
    }
    for (c, _) in &clients {
        c.get_user().await.unwrap();
    }
    // The first "process" sees the token rejected: it drops it fleet-wide and re-exchanges.
    clients[0].0.get_user().await.unwrap();
    // The others drop it from their in-process caches on the event (bounded wait).
    let deadline = Instant::now() + Duration::from_secs(5);
    while clients[1..]
        .iter()
        .any(|(c, _)| c.core().cached_tokens() > 0)
    {
        assert!(
            Instant::now() < deadline,
            "the invalidation never reached the other processes"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for (c, _) in &clients[1..] {
        c.get_user().await.unwrap();
    }
    let got = server.received_requests().await.unwrap();
    let count = |p: &str, tok: Option<&str>| {
        got.iter()
            .filter(|r| r.url.path() == p)
            .filter(|r| {
                tok.is_none_or(|t| {
                    r.headers
                        .get("authorization")
                        .is_some_and(|v| v.to_str().unwrap().ends_with(t))
                })
            })
            .count()
    };
    assert_eq!(
        count("/v1/auth/credentials", None),
        2,
        "one exchange, one re-exchange"
    );
    // Only the first process ever sent the rejected token after it was revoked.
    assert_eq!(count("/v1/user", Some("tok_test_first")), 4);
    assert_eq!(count("/v1/user", Some("tok_test_second")), 3);
    assert_eq!(clients[0].1.stats().invalidations, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_redis_is_reconnected_and_an_unreachable_one_costs_only_the_fleet() {
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let sb = Sandbox::start().await.unwrap();
    let f = fleet(&redis.url(), &random_store_key()).await;
    let client = sandbox_client(&sb, &f);
    client.get_user().await.unwrap();
    assert_eq!(f.stats().exchanges, 1);

    redis.kill();
    client.core().clear_tokens();
    client.get_user().await.unwrap();
    let down = f.stats();
    assert!(down.store_errors >= 1 && down.fallbacks == 1, "{down:?}");

    redis.restart();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        client.core().clear_tokens();
        client.get_user().await.unwrap();
        if f.stats().exchanges == 2 {
            break; // the lock was taken on the new server: the store is back
        }
        assert!(
            Instant::now() < deadline,
            "the store never recovered: {:?}",
            f.stats()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Never reachable: every call succeeds, each store call bounded (50 ms by default).
    let nowhere = FleetCache::new(
        RedisStore::connect_lazy("redis://127.0.0.1:1/").unwrap(),
        StoreKey::parse(&random_store_key()).unwrap(),
    );
    let client = sandbox_client(&sb, &nowhere);
    for _ in 0..3 {
        client.core().clear_tokens();
        let started = Instant::now();
        client.get_user().await.unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }
    let s = nowhere.stats();
    assert_eq!((s.fallbacks, s.exchanges), (3, 0), "{s:?}");
}
