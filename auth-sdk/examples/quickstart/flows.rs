//! The quickstart's five flows, one per provider: each runs that provider's calls against
//! the sandbox (or its real API when its variables are set) and reports every step.

use auth_sandbox::Sandbox;
use auth_sdk::coinflow::get_session_key::Identity;
use auth_sdk::{Error, Secret, akool, coinflow, coolset, coopfin, loccus};

use crate::{Report, Result, is_status, opt, whoami, yes_no};

/// CoopFin: the key pair exchanged for a bearer token, then a call that needs it.
pub(crate) async fn coopfin_flow(sandbox: &Sandbox, r: &mut Report) -> Result {
    const P: &str = "coopfin";
    let env = coopfin::Credentials::from_env();
    if !env.is_empty() {
        r.note(P, "real API (COOPFIN_* set): create_token only");
        let client = coopfin::Client::from_env()?;
        let (Some(api_key), Some(secret_key)) = (env.api_key(), env.secret_key()) else {
            return Err("set both COOPFIN_API_KEY and COOPFIN_SECRET_KEY".into());
        };
        let token = client
            .create_token(api_key.clone(), secret_key.clone())
            .await?;
        r.ok(
            P,
            "create_token",
            format!(
                "token_type={} expires_in={}s token={:?}",
                token.token_type, token.expires_in, token.token
            ),
        );
        return Ok(());
    }

    let seeded = &sandbox.credentials().coopfin;
    let client = coopfin::Client::builder()
        .credentials(
            coopfin::Credentials::new()
                .with_api_key(seeded.api_key.as_str())
                .with_secret_key(seeded.secret_key.as_str()),
        )
        .base_url(&sandbox.base_urls().coopfin)
        .allow_http_loopback(true)
        .build()?;
    let token = client
        .create_token(seeded.api_key.as_str(), seeded.secret_key.as_str())
        .await?;
    r.ok(
        P,
        "create_token",
        format!(
            "token_type={} expires_in={}s token={:?}",
            token.token_type, token.expires_in, token.token
        ),
    );
    // The client fetches (and caches) its own token for `auth = token` endpoints.
    let me = client.send(whoami::Request::new()).await?;
    r.ok(
        P,
        "whoami (declared)",
        format!(
            "api_key={:?} token_expires_in={}s (token obtained by the client itself)",
            me.api_key,
            me.token_expires_in_ms / 1000
        ),
    );
    Ok(())
}

/// Coinflow: a signed wallet message, session keys by the three header sets, verification.
pub(crate) async fn coinflow_flow(sandbox: &Sandbox, r: &mut Report) -> Result {
    const P: &str = "coinflow";
    if !coinflow::Credentials::from_env().is_empty() {
        r.note(
            P,
            "real API (COINFLOW_MERCHANT_KEY set): skipped, every call needs an end user's wallet or id",
        );
        return Ok(());
    }

    let seeded = &sandbox.credentials().coinflow;
    let client = coinflow::Client::builder()
        .credentials(coinflow::Credentials::new().with_merchant_key(seeded.merchant_key.as_str()))
        .base_url(&sandbox.base_urls().coinflow)
        .allow_http_loopback(true)
        .build()?;
    let chain = coinflow::Blockchain::from(seeded.blockchain.as_str());

    let message = client.get_message(seeded.wallet.as_str()).await?;
    let first_line = message.message.lines().next().unwrap_or_default();
    r.ok(
        P,
        "get_message",
        format!(
            "{} chars, starting {first_line:?}",
            message.message.chars().count()
        ),
    );
    let signature = Secret::new(auth_sandbox::sign_message(&seeded.wallet, &message.message));
    r.ok(P, "(wallet signs)", format!("signed_message={signature:?}"));

    let by_user = client
        .get_session_key(Identity::UserId {
            user_id: seeded.user_id.clone(),
        })
        .await?;
    r.ok(
        P,
        "get_session_key",
        format!("set A (user id + merchant key): key={:?}", by_user.key),
    );
    let by_signature = client
        .get_session_key(Identity::SignedWallet {
            signed_message: signature,
            wallet: seeded.wallet.clone(),
            blockchain: chain.clone(),
            merchant_id: seeded.merchant_id.clone(),
        })
        .await?;
    r.ok(
        P,
        "get_session_key",
        format!(
            "set B (signed wallet, no merchant key): key={:?}",
            by_signature.key
        ),
    );
    let by_merchant = client
        .get_session_key(Identity::MerchantWallet {
            wallet: seeded.wallet.clone(),
            blockchain: chain,
        })
        .await?;
    r.ok(
        P,
        "get_session_key",
        format!("set C (wallet + merchant key): key={:?}", by_merchant.key),
    );

    client.verify_token(by_signature.key.clone()).await?;
    r.ok(P, "verify_token", "the set B session key is live");
    let bogus = client.verify_token("not-a-session-key").await;
    r.refused(P, "verify_token", "a bogus key", bogus, |e| {
        matches!(e, Error::Provider(pe) if pe.status.as_u16() == 401
            && pe.body.as_ref().is_some_and(|b| b.name == "UnauthorizedError"))
    })?;
    Ok(())
}

/// Coolset: a static bearer token, the rate-limit headers, and limit/offset paging.
pub(crate) async fn coolset_flow(sandbox: &Sandbox, r: &mut Report) -> Result {
    const P: &str = "coolset";
    let client = if coolset::Credentials::from_env().is_empty() {
        coolset::Client::builder()
            .credentials(
                coolset::Credentials::new()
                    .with_api_token(sandbox.credentials().coolset.token.as_str()),
            )
            .base_url(&sandbox.base_urls().coolset)
            .allow_http_loopback(true)
            .build()?
    } else {
        r.note(P, "real API (COOLSET_API_TOKEN set): read-only calls");
        coolset::Client::from_env()?
    };

    let config = client.user_config().await?;
    r.ok(
        P,
        "user_config",
        format!(
            "{} config fields, rate limit {}/{} left (resets at {})",
            config.config.as_object().map_or(0, |o| o.len()),
            opt(config.rate_limit_remaining),
            opt(config.rate_limit),
            opt(config.rate_limit_reset),
        ),
    );

    let mut offset: u32 = 0;
    for page in 1..=2 {
        let list = client
            .list_workspaces()
            .name_icontains("sandbox")
            .limit(2u32)
            .offset(offset)
            .await?;
        let names: Vec<&str> = list.results.iter().map(|w| w.name.as_str()).collect();
        r.ok(
            P,
            "list_workspaces",
            format!(
                "name~\"sandbox\" page {page} (limit=2 offset={offset}): {names:?} of {}, next page: {}",
                list.count,
                yes_no(list.next.is_some())
            ),
        );
        if list.next.is_none() {
            break;
        }
        offset += 2;
    }
    Ok(())
}

/// Akool: the API key, the legacy client-id/secret token, and a banned account.
pub(crate) async fn akool_flow(sandbox: &Sandbox, r: &mut Report) -> Result {
    const P: &str = "akool";
    let env = akool::Credentials::from_env();
    if !env.is_empty() {
        r.note(P, "real API (AKOOL_* set): quota_info only");
        let client = akool::Client::from_env()?;
        let quota = client.quota_info().await?;
        r.ok(P, "quota_info", format!("credit={}", quota.data.credit));
        return Ok(());
    }

    let seeded = &sandbox.credentials().akool;
    let url = &sandbox.base_urls().akool;
    let build = |creds: akool::Credentials| {
        akool::Client::builder()
            .credentials(creds)
            .base_url(url)
            .allow_http_loopback(true)
            .build()
    };

    let by_key = build(akool::Credentials::new().with_api_key(seeded.api_key.as_str()))?;
    let quota = by_key.quota_info().await?;
    r.ok(
        P,
        "quota_info",
        format!("with the API key (x-api-key): credit={}", quota.data.credit),
    );

    let legacy = build(
        akool::Credentials::new()
            .with_client_id(seeded.client_id.as_str())
            .with_client_secret(seeded.client_secret.as_str()),
    )?;
    let token = legacy
        .get_token(seeded.client_id.as_str(), seeded.client_secret.as_str())
        .await?;
    r.ok(
        P,
        "get_token",
        format!("code={} token={:?}", token.code, token.token),
    );
    let quota = legacy.quota_info().await?;
    r.ok(
        P,
        "quota_info",
        format!(
            "with client id/secret only (bearer from getToken): credit={}",
            quota.data.credit
        ),
    );

    let banned = build(akool::Credentials::new().with_api_key(seeded.banned_api_key.as_str()))?;
    let result = banned.quota_info().await;
    r.refused(P, "quota_info", "the banned account's key", result, |e| {
        matches!(e, Error::Provider(pe) if pe.code == Some(1200)
            && pe.body.as_ref().is_some_and(|b| b.code == akool::Code::AccountBanned))
    })?;
    Ok(())
}

/// Loccus: a session from handle and password, then the whole API-key lifecycle.
pub(crate) async fn loccus_flow(sandbox: &Sandbox, r: &mut Report) -> Result {
    const P: &str = "loccus";
    let env = loccus::Credentials::from_env();
    if !env.is_empty() {
        r.note(P, "real API (LOCCUS_* set): sign_in and get_user only");
        let client = loccus::Client::from_env()?;
        if let (Some(handle), Some(password)) = (env.handle(), env.password()) {
            let session = client.sign_in(handle.as_str(), password.clone()).await?;
            r.ok(
                P,
                "sign_in",
                format!(
                    "token={:?} expires_at={}",
                    session.token, session.expires_at
                ),
            );
        }
        let user = client.get_user().await?;
        r.ok(
            P,
            "get_user",
            format!("handle={} state={}", user.handle, user.state),
        );
        return Ok(());
    }

    let seeded = &sandbox.credentials().loccus;
    let url = &sandbox.base_urls().loccus;
    let client = loccus::Client::builder()
        .credentials(
            loccus::Credentials::new()
                .with_handle(seeded.handle.as_str())
                .with_password(seeded.password.as_str()),
        )
        .base_url(url)
        .allow_http_loopback(true)
        .build()?;

    let session = client
        .sign_in(seeded.handle.as_str(), seeded.password.as_str())
        .await?;
    r.ok(
        P,
        "sign_in",
        format!(
            "token={:?} expires_at={}",
            session.token, session.expires_at
        ),
    );
    let user = client.get_user().await?;
    r.ok(
        P,
        "get_user",
        format!(
            "handle={} state={} (the client signed in by itself)",
            user.handle, user.state
        ),
    );

    let created = client.create_key("quickstart-key").await?.key;
    r.ok(
        P,
        "create_key",
        format!(
            "handle={} alias={:?} token={:?}",
            created.handle, created.alias, created.token
        ),
    );

    let as_key = loccus::Client::builder()
        .credentials(loccus::Credentials::new().with_api_key(created.token.clone()))
        .base_url(url)
        .allow_http_loopback(true)
        .build()?;
    let user = as_key.get_user().await?;
    r.ok(
        P,
        "get_user",
        format!(
            "handle={} (a second client, authenticated by the new key's token)",
            user.handle
        ),
    );

    let page = client.list_keys().page(1u32).page_size(10u32).await?;
    let handles: Vec<&str> = page.keys.iter().map(|k| k.handle.as_str()).collect();
    r.ok(
        P,
        "list_keys",
        format!(
            "{handles:?} page-current={} page-total={} page-size={} item-total={}",
            opt(page.page_current),
            opt(page.page_total),
            opt(page.page_size),
            opt(page.item_total)
        ),
    );

    let fetched = client.get_key(created.handle.as_str()).await?.key;
    r.ok(
        P,
        "get_key",
        format!(
            "handle={} created_at={} token={:?}",
            fetched.handle, fetched.created_at, fetched.token
        ),
    );

    let updated = client
        .update_key(created.handle.as_str())
        .alias(String::from("Quickstart key"))
        .await?
        .key;
    r.ok(
        P,
        "update_key",
        format!("handle={} alias={:?}", updated.handle, updated.alias),
    );

    client.delete_key(updated.handle.as_str()).await?;
    r.ok(P, "delete_key", format!("handle={}", updated.handle));

    let result = as_key.get_user().await;
    r.refused(P, "get_user", "the deleted key's token", result, |e| {
        is_status(e, 401)
    })?;
    Ok(())
}
