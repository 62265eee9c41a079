//! Coinflow: sign-in message, the three session-key header sets, invalid
//! mixes, verify, expiry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use auth_sandbox::{Sandbox, SandboxConfig, sign_message};
use common::{client, jwt_payload, start, start_with, status_json};
use reqwest::header::HeaderValue;
use serde_json::Value;

const USER_ID: &str = "x-coinflow-auth-user-id";
const SIGNED: &str = "x-coinflow-auth-signed-message";
const WALLET: &str = "x-coinflow-auth-wallet";
const CHAIN: &str = "x-coinflow-auth-blockchain";
const MERCHANT: &str = "x-coinflow-auth-merchant-id";
const SESSION: &str = "x-coinflow-auth-session-key";

async fn get(url: String, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = client().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

async fn session_key(sandbox: &Sandbox, headers: &[(&str, &str)]) -> (u16, Value) {
    let url = format!("{}/auth/session-key", sandbox.base_urls().coinflow);
    status_json(get(url, headers).await).await
}

async fn message_for(sandbox: &Sandbox, wallet: &str) -> String {
    let url = format!("{}/auth", sandbox.base_urls().coinflow);
    let (status, body) = status_json(get(url, &[(WALLET, wallet)]).await).await;
    assert_eq!(status, 200, "{body}");
    body["message"].as_str().unwrap().to_owned()
}

async fn verify(sandbox: &Sandbox, key: Option<&str>) -> reqwest::Response {
    let url = format!("{}/auth/verify", sandbox.base_urls().coinflow);
    match key {
        Some(key) => get(url, &[(SESSION, key)]).await,
        None => get(url, &[]).await,
    }
}

fn assert_api_error(status: u16, body: &Value, expected_status: u16, name: &str) {
    assert_eq!(status, expected_status, "{body}");
    assert_eq!(body["name"], name, "{body}");
    assert!(body["message"].is_string(), "{body}");
}

#[tokio::test]
async fn get_message_embeds_wallet_and_nonce() {
    let sandbox = start().await;
    let wallet = sandbox.credentials().coinflow.wallet.clone();
    let url = format!("{}/auth", sandbox.base_urls().coinflow);
    let response = get(url.clone(), &[(WALLET, &wallet)]).await;
    let (status, body) = status_json(response).await;
    assert_eq!(status, 200);
    let first = body["message"].as_str().unwrap();
    assert!(first.contains(&wallet));
    assert!(body.get("transaction").is_none_or(Value::is_null));
    assert_ne!(
        first,
        message_for(&sandbox, &wallet).await,
        "per-call nonce"
    );

    let (status, body) = status_json(get(url, &[]).await).await;
    assert_api_error(status, &body, 400, "ValidationError");
}

#[tokio::test]
async fn set_a_user_id_and_merchant_key() {
    let sandbox = start().await;
    let creds = sandbox.credentials().coinflow.clone();
    let (status, body) = session_key(
        &sandbox,
        &[
            (USER_ID, &creds.user_id),
            ("authorization", &creds.merchant_key),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let key = body["key"].as_str().unwrap();
    let claims = jwt_payload(key);
    assert_eq!(claims["customerId"], creds.user_id.as_str());
    assert_eq!(claims["merchantId"], creds.merchant_id.as_str());
    assert!(claims.get("wallet").is_none());
    let (iat, exp) = (
        claims["iat"].as_u64().unwrap(),
        claims["exp"].as_u64().unwrap(),
    );
    assert_eq!(exp - iat, 30 * 60);

    let response = verify(&sandbox, Some(key)).await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.bytes().await.unwrap().is_empty(),
        "verify body must be empty"
    );
    assert_eq!(sandbox.stats().coinflow.tokens_issued, 1);
}

#[tokio::test]
async fn set_b_signed_message() {
    let sandbox = start().await;
    let creds = sandbox.credentials().coinflow.clone();
    let wallet = "0xAbCdEf0000000000000000000000000000000001";
    let message = message_for(&sandbox, wallet).await;
    let signature = sign_message(wallet, &message);
    let (status, body) = session_key(
        &sandbox,
        &[
            (SIGNED, &signature),
            (WALLET, wallet),
            (CHAIN, "eth"),
            (MERCHANT, &creds.merchant_id),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let claims = jwt_payload(body["key"].as_str().unwrap());
    assert_eq!(claims["wallet"], wallet);
    assert_eq!(claims["blockchain"], "eth");
    assert_eq!(claims["merchantId"], creds.merchant_id.as_str());
    assert!(claims.get("customerId").is_none());
    assert_eq!(
        verify(&sandbox, body["key"].as_str())
            .await
            .status()
            .as_u16(),
        200
    );

    // A signature over a message never issued for this wallet.
    let forged = sign_message(wallet, "some other message");
    let (status, body) = session_key(
        &sandbox,
        &[
            (SIGNED, &forged),
            (WALLET, wallet),
            (CHAIN, "eth"),
            (MERCHANT, &creds.merchant_id),
        ],
    )
    .await;
    assert_api_error(status, &body, 401, "UnauthorizedError");

    // A valid signature, but by another wallet.
    let other = "0xAbCdEf0000000000000000000000000000000002";
    let (status, body) = session_key(
        &sandbox,
        &[
            (SIGNED, &signature),
            (WALLET, other),
            (CHAIN, "eth"),
            (MERCHANT, &creds.merchant_id),
        ],
    )
    .await;
    assert_api_error(status, &body, 401, "UnauthorizedError");

    // Unknown merchant id.
    let (status, body) = session_key(
        &sandbox,
        &[
            (SIGNED, &signature),
            (WALLET, wallet),
            (CHAIN, "eth"),
            (MERCHANT, "someone-else"),
        ],
    )
    .await;
    assert_api_error(status, &body, 401, "UnauthorizedError");
}

#[tokio::test]
async fn set_c_merchant_vouched_wallet() {
    let sandbox = start().await;
    let creds = sandbox.credentials().coinflow.clone();
    let (status, body) = session_key(
        &sandbox,
        &[
            ("authorization", &creds.merchant_key),
            (WALLET, &creds.wallet),
            (CHAIN, &creds.blockchain),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let claims = jwt_payload(body["key"].as_str().unwrap());
    assert_eq!(claims["wallet"], creds.wallet.as_str());
    assert_eq!(claims["blockchain"], creds.blockchain.as_str());
    assert_eq!(claims["merchantId"], creds.merchant_id.as_str());

    for chain in [
        "solana", "eth", "polygon", "base", "arbitrum", "stellar", "monad", "tempo", "user",
    ] {
        let (status, _) = session_key(
            &sandbox,
            &[
                ("authorization", &creds.merchant_key),
                (WALLET, "w"),
                (CHAIN, chain),
            ],
        )
        .await;
        assert_eq!(status, 200, "{chain}");
    }
    let (status, body) = session_key(
        &sandbox,
        &[
            ("authorization", &creds.merchant_key),
            (WALLET, "w"),
            (CHAIN, "bitcoin"),
        ],
    )
    .await;
    assert_api_error(status, &body, 400, "ValidationError");
}

#[tokio::test]
async fn invalid_header_mixes_are_rejected() {
    let sandbox = start().await;
    let creds = sandbox.credentials().coinflow.clone();
    let message = message_for(&sandbox, &creds.wallet).await;
    let signature = sign_message(&creds.wallet, &message);
    let key = creds.merchant_key.as_str();
    let mixes: Vec<Vec<(&str, &str)>> = vec![
        // A + B together.
        vec![
            (USER_ID, &creds.user_id),
            ("authorization", key),
            (SIGNED, &signature),
            (WALLET, &creds.wallet),
            (CHAIN, "solana"),
            (MERCHANT, &creds.merchant_id),
        ],
        // B without the merchant id.
        vec![
            (SIGNED, &signature),
            (WALLET, &creds.wallet),
            (CHAIN, "solana"),
        ],
        // A plus a wallet.
        vec![
            (USER_ID, &creds.user_id),
            ("authorization", key),
            (WALLET, &creds.wallet),
        ],
        // C plus a merchant id.
        vec![
            ("authorization", key),
            (WALLET, &creds.wallet),
            (CHAIN, "solana"),
            (MERCHANT, &creds.merchant_id),
        ],
        // User id alone.
        vec![(USER_ID, &creds.user_id)],
        // Empty value.
        vec![(USER_ID, ""), ("authorization", key)],
    ];
    for mix in &mixes {
        let (status, body) = session_key(&sandbox, mix).await;
        assert_api_error(status, &body, 400, "ValidationError");
    }

    // No credentials at all.
    let (status, body) = session_key(&sandbox, &[]).await;
    assert_api_error(status, &body, 401, "UnauthorizedError");
    // Wrong merchant key, and the right key with a Bearer prefix.
    let bearer = format!("Bearer {key}");
    for wrong in ["sk_test_wrong", bearer.as_str()] {
        let (status, body) = session_key(
            &sandbox,
            &[(USER_ID, &creds.user_id), ("authorization", wrong)],
        )
        .await;
        assert_api_error(status, &body, 401, "UnauthorizedError");
    }

    // A non-UTF-8 header value is a validation error, not a crash.
    let response = client()
        .get(format!("{}/auth/session-key", sandbox.base_urls().coinflow))
        .header(USER_ID, HeaderValue::from_bytes(b"\xff\xfeuser").unwrap())
        .header("authorization", key)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_api_error(status, &body, 400, "ValidationError");
    assert_eq!(sandbox.stats().coinflow.tokens_issued, 0);
}

#[tokio::test]
async fn verify_distinguishes_missing_unknown_and_expired() {
    let config = SandboxConfig::default().with_coinflow_session_ttl(Duration::from_millis(150));
    let sandbox = start_with(config).await;
    let creds = sandbox.credentials().coinflow.clone();

    let (status, body) = status_json(verify(&sandbox, None).await).await;
    assert_api_error(status, &body, 400, "ValidationError");
    let (status, body) = status_json(verify(&sandbox, Some("not-a-key")).await).await;
    assert_api_error(status, &body, 401, "UnauthorizedError");

    let (_, body) = session_key(
        &sandbox,
        &[
            (USER_ID, &creds.user_id),
            ("authorization", &creds.merchant_key),
        ],
    )
    .await;
    let key = body["key"].as_str().unwrap().to_owned();
    let claims = jwt_payload(&key);
    // 150 ms rounds up to one second in the JWT.
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        1
    );
    assert_eq!(verify(&sandbox, Some(&key)).await.status().as_u16(), 200);

    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, body) = status_json(verify(&sandbox, Some(&key)).await).await;
    assert_api_error(status, &body, 401, "UnauthorizedError");
}
