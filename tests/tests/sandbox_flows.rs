#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! The quickstart's flows as integration tests: the SDK against the loopback sandbox.

use std::time::Duration;

use auth_sandbox::{Sandbox, SandboxConfig};
use auth_sdk::coinflow::get_session_key::Identity;
use auth_sdk::{Error, Secret, akool, coinflow, coolset, coopfin, loccus};

mod common;
use common::client_at;
use common::endpoints::sandbox_whoami as whoami;

async fn sandbox() -> Sandbox {
    Sandbox::start().await.expect("start sandbox")
}

async fn sandbox_with(config: SandboxConfig) -> Sandbox {
    Sandbox::start_with(config).await.expect("start sandbox")
}

/// A CoopFin client at `sb` holding `api_key` and `secret_key`.
fn coopfin_with(sb: &Sandbox, api_key: &str, secret_key: &str) -> coopfin::Client {
    let creds = coopfin::Credentials::new()
        .with_api_key(api_key)
        .with_secret_key(secret_key);
    client_at(&sb.base_urls().coopfin, creds)
}

/// A CoopFin client at `sb` holding the seeded key pair.
fn coopfin_client(sb: &Sandbox) -> coopfin::Client {
    let c = &sb.credentials().coopfin;
    coopfin_with(sb, &c.api_key, &c.secret_key)
}

fn coinflow_client(sb: &Sandbox) -> coinflow::Client {
    let key = sb.credentials().coinflow.merchant_key.as_str();
    client_at(
        &sb.base_urls().coinflow,
        coinflow::Credentials::new().with_merchant_key(key),
    )
}

fn coolset_client(sb: &Sandbox, token: &str) -> coolset::Client {
    client_at(
        &sb.base_urls().coolset,
        coolset::Credentials::new().with_api_token(token),
    )
}

fn akool_client(sb: &Sandbox, creds: akool::Credentials) -> akool::Client {
    client_at(&sb.base_urls().akool, creds)
}

/// Akool's legacy pair `client_id` / `client_secret`.
fn akool_pair(client_id: &str, client_secret: &str) -> akool::Credentials {
    akool::Credentials::new()
        .with_client_id(client_id)
        .with_client_secret(client_secret)
}

fn loccus_client(sb: &Sandbox, creds: loccus::Credentials) -> loccus::Client {
    client_at(&sb.base_urls().loccus, creds)
}

fn loccus_user(sb: &Sandbox) -> loccus::Credentials {
    let c = &sb.credentials().loccus;
    loccus::Credentials::new()
        .with_handle(c.handle.as_str())
        .with_password(c.password.as_str())
}

#[tokio::test]
async fn coopfin_token_then_declared_endpoint_with_a_cached_token() {
    let sb = sandbox().await;
    let c = &sb.credentials().coopfin;
    let client = coopfin_client(&sb);

    let token = client
        .create_token(c.api_key.as_str(), c.secret_key.as_str())
        .await
        .unwrap();
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(token.expires_in, 86_400);
    assert_eq!(format!("{:?}", token.token), "Secret([REDACTED])");
    assert_eq!(sb.stats().coopfin.tokens_issued, 1);

    // The explicit create_token does not fill the cache: the first whoami fetches one token,
    // the second reuses it.
    for _ in 0..2 {
        let me = client.send(whoami::Request::new()).await.unwrap();
        assert_eq!(me.api_key.expose_secret(), c.api_key);
        assert!(
            me.token_expires_in_ms > 86_000_000,
            "{}",
            me.token_expires_in_ms
        );
    }
    assert_eq!(
        sb.stats().coopfin.tokens_issued,
        2,
        "one token for both whoami calls"
    );

    // A fresh client on a fresh sandbox: exactly one token for two calls.
    let sb = sandbox().await;
    let client = coopfin_client(&sb);
    client.send(whoami::Request::new()).await.unwrap();
    client.send(whoami::Request::new()).await.unwrap();
    assert_eq!(sb.stats().coopfin.tokens_issued, 1);
    assert_eq!(sb.stats().coopfin.requests, 3);

    // Wrong key pair: the issuer refuses, whoami ends in a TokenExchange error.
    let bad = coopfin_with(&sb, "pk_test_wrong", "sk_test_wrong");
    let err = bad.send(whoami::Request::new()).await.unwrap_err();
    assert!(matches!(err, Error::TokenExchange(_)), "{err:?}");
    let err = bad
        .create_token("pk_test_wrong", "sk_test_wrong")
        .await
        .unwrap_err();
    let pe = err.provider_error().expect("provider error");
    assert_eq!(pe.status.as_u16(), 400);
    assert_eq!(pe.body.as_ref().unwrap().error, "Invalid credentials");
}

#[tokio::test]
async fn coinflow_message_signature_three_header_sets_and_verify() {
    let sb = sandbox().await;
    let c = &sb.credentials().coinflow;
    let client = coinflow_client(&sb);
    let chain = coinflow::Blockchain::from(c.blockchain.as_str());
    assert_eq!(chain, coinflow::Blockchain::Solana);

    let message = client.get_message(c.wallet.as_str()).await.unwrap();
    assert!(message.message.contains(&c.wallet), "{}", message.message);
    let signature = auth_sandbox::sign_message(&c.wallet, &message.message);

    let a = client
        .get_session_key(Identity::UserId {
            user_id: c.user_id.clone(),
        })
        .await
        .unwrap();
    let b = client
        .get_session_key(Identity::SignedWallet {
            signed_message: Secret::new(signature),
            wallet: c.wallet.clone(),
            blockchain: chain.clone(),
            merchant_id: c.merchant_id.clone(),
        })
        .await
        .unwrap();
    let cc = client
        .get_session_key(Identity::MerchantWallet {
            wallet: c.wallet.clone(),
            blockchain: chain.clone(),
        })
        .await
        .unwrap();
    assert_eq!(sb.stats().coinflow.tokens_issued, 3);
    assert_ne!(a.key, b.key);
    assert_ne!(b.key, cc.key);

    for key in [&a.key, &b.key, &cc.key] {
        client.verify_token(key.clone()).await.unwrap();
    }

    // A bogus key: typed 401.
    let err = client.verify_token("not-a-session-key").await.unwrap_err();
    let pe = err.provider_error().expect("provider error");
    assert_eq!(pe.status.as_u16(), 401);
    assert!(pe.is_auth_failure());
    let body = pe.body.as_ref().expect("typed body");
    assert_eq!(body.name, "UnauthorizedError");
    assert_eq!(body.message, "invalid session key");

    // A wrong header mix cannot be built (Identity has one variant per set), so check the
    // other way set B can fail: a signature of another message.
    let forged = auth_sandbox::sign_message(&c.wallet, "a message the sandbox never issued");
    let err = client
        .get_session_key(Identity::SignedWallet {
            signed_message: Secret::new(forged),
            wallet: c.wallet.clone(),
            blockchain: chain,
            merchant_id: c.merchant_id.clone(),
        })
        .await
        .unwrap_err();
    let pe = err.provider_error().expect("provider error");
    assert_eq!(pe.status.as_u16(), 401, "{err}");
    assert_eq!(pe.body.as_ref().unwrap().name, "UnauthorizedError");
    assert!(
        !format!("{err} {err:?}").contains("sandbox-sig:"),
        "the signature must not leak: {err:?}"
    );
    assert_eq!(sb.stats().coinflow.tokens_issued, 3);
}

#[tokio::test]
async fn coolset_user_config_paging_forbidden_and_rate_limit() {
    let sb = sandbox().await;
    let creds = sb.credentials().coolset.clone();
    let client = coolset_client(&sb, &creds.token);

    let config = client.user_config().await.unwrap();
    assert!(config.config.is_object());
    assert_eq!(config.rate_limit, Some(1000));
    assert_eq!(config.rate_limit_remaining, Some(999));
    assert!(config.rate_limit_reset.is_some());

    // Page through every workspace, two at a time, until `next` is None.
    let mut seen = Vec::new();
    let mut offset = 0u32;
    let mut pages = 0;
    let total = loop {
        pages += 1;
        assert!(pages <= 10, "paging does not end");
        let page = client
            .list_workspaces()
            .limit(2u32)
            .offset(offset)
            .await
            .unwrap();
        assert!(page.results.len() <= 2);
        seen.extend(page.results.iter().map(|w| w.id));
        if page.next.is_none() {
            break page.count;
        }
        offset += 2;
    };
    assert_eq!(pages, 3);
    assert_eq!(total, 6);
    assert_eq!(seen, [101, 102, 103, 104, 105, 106]);

    // A filter, with paging.
    let page = client
        .list_workspaces()
        .name_icontains("sandbox")
        .limit(2u32)
        .await
        .unwrap();
    assert_eq!(page.count, 5);
    assert!(page.next.is_some());
    assert!(
        page.results
            .iter()
            .all(|w| w.name.to_lowercase().contains("sandbox"))
    );

    // The forbidden token: 403 with the typed body and the rate-limit headers kept.
    let forbidden = coolset_client(&sb, &creds.forbidden_token);
    let err = forbidden.user_config().await.unwrap_err();
    let pe = err.provider_error().expect("provider error");
    assert_eq!(pe.status.as_u16(), 403);
    assert!(!pe.is_auth_failure());
    match pe.body.as_ref().expect("typed body") {
        coolset::ErrorBody::Detail { detail, .. } => {
            assert_eq!(detail, "You do not have permission to perform this action.");
        }
        other => panic!("unexpected body {other:?}"),
    }
    assert_eq!(pe.rate_limit().limit, Some(1000));

    // A limit of 3 per window: the fourth call is throttled with a reset an hour away.
    let sb = sandbox_with(
        SandboxConfig::default().with_coolset_rate_limit(3, Duration::from_secs(3600)),
    )
    .await;
    let client = coolset_client(&sb, &sb.credentials().coolset.token);
    for left in [2, 1, 0] {
        let config = client.user_config().await.unwrap();
        assert_eq!(config.rate_limit_remaining, Some(left));
    }
    let err = client.user_config().await.unwrap_err();
    match &err {
        Error::RateLimited(rl) => {
            assert_eq!(rl.status.as_u16(), 429);
            assert!(rl.reset_at.is_some(), "{rl:?}");
        }
        Error::Provider(pe) => {
            assert_eq!(pe.status.as_u16(), 429);
            let rate = pe.rate_limit();
            assert_eq!(rate.limit, Some(3));
            assert_eq!(rate.remaining, Some(0));
            assert!(rate.reset_at.is_some());
        }
        other => panic!("expected a rate-limit error, got {other:?}"),
    }
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    // Not slept on: the window ends in an hour (a single 429 reached the sandbox).
    assert_eq!(sb.stats().coolset.requests, 4);
}

#[tokio::test]
async fn akool_api_key_legacy_token_and_banned_account() {
    let sb = sandbox().await;
    let c = sb.credentials().akool.clone();

    let by_key = akool_client(
        &sb,
        akool::Credentials::new().with_api_key(c.api_key.as_str()),
    );
    let quota = by_key.quota_info().await.unwrap();
    assert_eq!(quota.code, 1000);
    assert_eq!(quota.data.credit, 1234.5);
    assert_eq!(
        sb.stats().akool.tokens_issued,
        0,
        "the API key needs no token"
    );

    let legacy = akool_client(&sb, akool_pair(&c.client_id, &c.client_secret));
    for _ in 0..3 {
        let quota = legacy.quota_info().await.unwrap();
        assert_eq!(quota.data.credit, 1234.5);
    }
    assert_eq!(
        sb.stats().akool.tokens_issued,
        1,
        "one token for every legacy call"
    );

    let token = legacy
        .get_token(c.client_id.as_str(), c.client_secret.as_str())
        .await
        .unwrap();
    assert_eq!(token.code, 1000);
    assert_eq!(format!("{:?}", token.token), "Secret([REDACTED])");
    assert_eq!(sb.stats().akool.tokens_issued, 2);

    // The banned account: code 1200 in an HTTP 200 envelope, typed.
    let banned = akool_client(
        &sb,
        akool::Credentials::new().with_api_key(c.banned_api_key.as_str()),
    );
    let err = banned.quota_info().await.unwrap_err();
    let pe = err.provider_error().expect("provider error");
    assert_eq!(pe.status.as_u16(), 200);
    assert_eq!(pe.code, Some(1200));
    assert!(!pe.is_auth_failure());
    let body = pe.body.as_ref().expect("typed body");
    assert_eq!(body.code, akool::Code::AccountBanned);
    assert_eq!(body.msg.as_deref(), Some("The account has been banned"));

    // The banned account through the legacy exchange: getToken works, the call gives 1200.
    let banned_legacy = akool_client(&sb, akool_pair(&c.banned_client_id, &c.banned_api_key));
    let err = banned_legacy.quota_info().await.unwrap_err();
    assert_eq!(err.provider_error().and_then(|pe| pe.code), Some(1200));

    // A wrong pair: the exchange fails with 1101 before the call is sent.
    let wrong = akool_client(&sb, akool_pair("5ad0b0c0ffee00000000dead", "sk_test_wrong"));
    let err = wrong.quota_info().await.unwrap_err();
    assert!(matches!(err, Error::TokenExchange(_)), "{err:?}");
}

#[tokio::test]
async fn loccus_api_key_lifecycle() {
    let sb = sandbox().await;
    let c = sb.credentials().loccus.clone();
    let client = loccus_client(&sb, loccus_user(&sb));

    let session = client
        .sign_in(c.handle.as_str(), c.password.as_str())
        .await
        .unwrap();
    assert!(session.expires_at.to_system_time() > session.issued_at.to_system_time());

    let user = client.get_user().await.unwrap();
    assert_eq!(user.handle, c.handle);
    assert_eq!(user.email, c.email);
    assert_eq!(user.state, loccus::UserState::Verified);
    assert_eq!(
        sb.stats().loccus.tokens_issued,
        2,
        "sign_in, then the client's own"
    );

    let created = client.create_key("flow-key").await.unwrap().key;
    assert_eq!(created.handle, "flow-key");
    assert_eq!(created.alias, None);

    // A second client authenticated by the key's token.
    let as_key = loccus_client(
        &sb,
        loccus::Credentials::new().with_api_key(created.token.clone()),
    );
    let me = as_key.get_user().await.unwrap();
    assert_eq!(me.handle, c.handle);

    let page = client
        .list_keys()
        .page(1u32)
        .page_size(10u32)
        .await
        .unwrap();
    assert_eq!(page.keys.len(), 1);
    assert_eq!(page.keys[0].handle, "flow-key");
    assert_eq!(page.keys[0].token, created.token);
    assert_eq!(page.page_current, Some(1));
    assert_eq!(page.page_total, Some(1));
    assert_eq!(page.page_size, Some(10));
    assert_eq!(page.item_total, Some(1));

    let fetched = client.get_key("flow-key").await.unwrap().key;
    assert_eq!(fetched.id, created.id);
    assert_eq!(fetched.token, created.token);
    assert_eq!(fetched.created_at, created.created_at);

    let updated = client
        .update_key("flow-key")
        .alias(String::from("Flow key"))
        .await
        .unwrap()
        .key;
    assert_eq!(updated.alias.as_deref(), Some("Flow key"));
    assert_eq!(updated.id, created.id);
    let cleared = client.update_key("flow-key").alias(None).await.unwrap().key;
    assert_eq!(cleared.alias, None, "`.alias(None)` clears the alias");
    assert_eq!(cleared.handle, "flow-key");

    client.delete_key("flow-key").await.unwrap();

    // The deleted key's token is refused.
    let err = as_key.get_user().await.unwrap_err();
    let pe = err.provider_error().expect("provider error");
    assert_eq!(pe.status.as_u16(), 401, "{err}");
    assert!(pe.is_auth_failure());
    assert!(matches!(
        pe.body.as_ref(),
        Some(loccus::ErrorBody::Hiya { .. })
    ));
    let err = client.get_key("flow-key").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));

    // A handle outside [a-z0-9-] is refused before sending.
    let before = sb.stats().loccus.requests;
    let err = client.get_key("Not/A-Handle").await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    assert_eq!(sb.stats().loccus.requests, before);
    assert_eq!(
        sb.stats().loccus.tokens_issued,
        2,
        "the session was reused throughout"
    );
}

#[tokio::test]
async fn loccus_session_refreshes_after_real_expiry() {
    let sb =
        sandbox_with(SandboxConfig::default().with_loccus_session_ttl(Duration::from_millis(200)))
            .await;
    let client = loccus_client(&sb, loccus_user(&sb));

    let first = client.get_user().await.unwrap();
    assert_eq!(sb.stats().loccus.tokens_issued, 1);
    tokio::time::sleep(Duration::from_millis(350)).await;
    let second = client.get_user().await.unwrap();
    assert_eq!(first.id, second.id);
    assert_eq!(
        sb.stats().loccus.tokens_issued,
        2,
        "the client signed in again by itself"
    );
    // One sign-in and one get_user each time: the expired session was never sent.
    assert_eq!(sb.stats().loccus.requests, 4);
}

#[tokio::test]
async fn loccus_concurrent_cold_calls_sign_in_once() {
    let sb = sandbox_with(
        SandboxConfig::default().with_token_endpoint_delay(Duration::from_millis(100)),
    )
    .await;
    let client = loccus_client(&sb, loccus_user(&sb));

    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let client = client.clone();
        calls.spawn(async move { client.get_user().await });
    }
    let mut done = 0;
    while let Some(result) = calls.join_next().await {
        let user = result.unwrap().unwrap();
        assert_eq!(user.handle, sb.credentials().loccus.handle);
        done += 1;
    }
    assert_eq!(done, 10);
    assert_eq!(sb.stats().loccus.tokens_issued, 1);
    assert_eq!(sb.stats().loccus.requests, 11);
}
