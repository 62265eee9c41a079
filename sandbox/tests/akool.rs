//! Akool: getToken, quota/info with either credential, business codes in
//! HTTP 200, header precedence, banned accounts, token expiry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use auth_sandbox::{Sandbox, SandboxConfig};
use common::{client, start, start_with, status_json};
use serde_json::{Value, json};

async fn get_token(sandbox: &Sandbox, body: &Value) -> Value {
    let url = format!("{}/api/open/v3/getToken", sandbox.base_urls().akool);
    let (status, body) = status_json(client().post(url).json(body).send().await.unwrap()).await;
    assert_eq!(
        status, 200,
        "Akool answers HTTP 200 even for errors: {body}"
    );
    body
}

async fn quota(sandbox: &Sandbox, api_key: Option<&str>, authorization: Option<&str>) -> Value {
    let mut request = client().get(format!(
        "{}/api/open/v3/faceswap/quota/info",
        sandbox.base_urls().akool
    ));
    if let Some(key) = api_key {
        request = request.header("x-api-key", key);
    }
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let (status, body) = status_json(request.send().await.unwrap()).await;
    assert_eq!(
        status, 200,
        "Akool answers HTTP 200 even for errors: {body}"
    );
    body
}

fn assert_code(body: &Value, code: u64) {
    assert_eq!(body["code"], code, "{body}");
    if code != 1000 {
        assert!(body["msg"].is_string(), "{body}");
    }
}

async fn mint(sandbox: &Sandbox, client_id: &str, client_secret: &str) -> String {
    let body = get_token(
        sandbox,
        &json!({ "clientId": client_id, "clientSecret": client_secret }),
    )
    .await;
    assert_code(&body, 1000);
    body["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn legacy_token_and_api_key_both_read_credit() {
    let sandbox = start().await;
    let creds = sandbox.credentials().akool.clone();
    assert_eq!(
        creds.api_key, creds.client_secret,
        "API key == legacy clientSecret"
    );

    let token = mint(&sandbox, &creds.client_id, &creds.client_secret).await;
    let body = quota(&sandbox, None, Some(&format!("Bearer {token}"))).await;
    assert_eq!(
        body,
        json!({ "code": 1000, "msg": "OK", "data": { "credit": 1234.5 } })
    );

    let body = quota(&sandbox, Some(&creds.api_key), None).await;
    assert_code(&body, 1000);
    assert!(body["data"]["credit"].is_number());

    let stats = sandbox.stats();
    assert_eq!(stats.akool.tokens_issued, 1);
    assert_eq!(stats.akool.requests, 3);
}

#[tokio::test]
async fn get_token_business_errors() {
    let sandbox = start().await;
    let creds = sandbox.credentials().akool.clone();
    let wrong = get_token(
        &sandbox,
        &json!({ "clientId": creds.client_id, "clientSecret": "sk_test_wrong" }),
    )
    .await;
    assert_code(&wrong, 1101);
    assert!(wrong.get("token").is_none());

    for missing in [
        json!({ "clientId": creds.client_id }),
        json!({ "clientSecret": creds.client_secret }),
        json!({ "clientId": "", "clientSecret": creds.client_secret }),
        json!({}),
    ] {
        assert_code(&get_token(&sandbox, &missing).await, 1102);
    }

    // Malformed JSON and a body without a JSON content type: still HTTP 200.
    let url = format!("{}/api/open/v3/getToken", sandbox.base_urls().akool);
    let response = client()
        .post(&url)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 200);
    assert_code(&body, 1102);
    let response = client().post(&url).body("clientId=x").send().await.unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 200);
    assert_code(&body, 1102);
    assert_eq!(sandbox.stats().akool.tokens_issued, 0);
}

#[tokio::test]
async fn quota_business_errors() {
    let sandbox = start().await;
    let creds = sandbox.credentials().akool.clone();
    assert_code(&quota(&sandbox, None, None).await, 1102);
    assert_code(&quota(&sandbox, Some(""), None).await, 1102);
    assert_code(&quota(&sandbox, Some("sk_test_unknown"), None).await, 1101);
    assert_code(
        &quota(&sandbox, None, Some("Bearer not-a-token")).await,
        1101,
    );
    assert_code(&quota(&sandbox, None, Some("Bearer ")).await, 1102);
    // The API key is not a Bearer token.
    let as_bearer = format!("Bearer {}", creds.api_key);
    assert_code(&quota(&sandbox, None, Some(&as_bearer)).await, 1101);
    // Banned API key.
    assert_code(
        &quota(&sandbox, Some(&creds.banned_api_key), None).await,
        1200,
    );
}

#[tokio::test]
async fn banned_client_tokens_give_1200() {
    let sandbox = start().await;
    let creds = sandbox.credentials().akool.clone();
    let token = mint(&sandbox, &creds.banned_client_id, &creds.banned_api_key).await;
    let body = quota(&sandbox, None, Some(&format!("Bearer {token}"))).await;
    assert_code(&body, 1200);
}

#[tokio::test]
async fn authorization_wins_over_x_api_key() {
    let sandbox = start().await;
    let creds = sandbox.credentials().akool.clone();
    let token = mint(&sandbox, &creds.client_id, &creds.client_secret).await;
    let bearer = format!("Bearer {token}");
    // Valid token + bogus key: the key is ignored.
    assert_code(
        &quota(&sandbox, Some("sk_test_bogus"), Some(&bearer)).await,
        1000,
    );
    // Bogus token + valid key: the token decides.
    assert_code(
        &quota(&sandbox, Some(&creds.api_key), Some("Bearer bogus")).await,
        1101,
    );
    // Valid token + banned key: still fine.
    assert_code(
        &quota(&sandbox, Some(&creds.banned_api_key), Some(&bearer)).await,
        1000,
    );
}

#[tokio::test]
async fn tokens_never_expire_by_default_but_can_be_configured_to() {
    let sandbox = start().await;
    let creds = sandbox.credentials().akool.clone();
    let token = mint(&sandbox, &creds.client_id, &creds.client_secret).await;
    sandbox.advance_clock(Duration::from_secs(5 * 365 * 24 * 3600));
    assert_code(
        &quota(&sandbox, None, Some(&format!("Bearer {token}"))).await,
        1000,
    );

    let config = SandboxConfig::default().with_akool_token_ttl(Some(Duration::from_millis(150)));
    let sandbox = start_with(config).await;
    let token = mint(&sandbox, &creds.client_id, &creds.client_secret).await;
    let bearer = format!("Bearer {token}");
    assert_code(&quota(&sandbox, None, Some(&bearer)).await, 1000);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_code(&quota(&sandbox, None, Some(&bearer)).await, 1101);
}
