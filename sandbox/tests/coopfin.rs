//! CoopFin: token issuance, error bodies, the sandbox `whoami` probe, expiry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use auth_sandbox::SandboxConfig;
use common::{client, jwt_payload, start, start_with, status_json};
use serde_json::{Value, json};

async fn issue(base: &str, body: &Value) -> (u16, Value) {
    let response = client()
        .post(format!("{base}/sandbox/token"))
        .json(body)
        .send()
        .await
        .unwrap();
    status_json(response).await
}

async fn whoami(base: &str, authorization: Option<&str>) -> (u16, Value) {
    let mut request = client().get(format!("{base}/_sandbox/whoami"));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    status_json(request.send().await.unwrap()).await
}

fn assert_error(body: &Value) {
    let object = body.as_object().expect("object");
    assert_eq!(object.len(), 1, "{body}");
    assert!(object["error"].is_string(), "{body}");
}

#[tokio::test]
async fn issues_bearer_token_that_whoami_accepts() {
    let sandbox = start().await;
    let base = sandbox.base_urls().coopfin;
    let creds = sandbox.credentials().coopfin.clone();
    assert!(creds.api_key.starts_with("pk_test_"));
    assert!(creds.secret_key.starts_with("sk_test_"));

    let (status, body) = issue(
        &base,
        &json!({ "api_key": creds.api_key, "secret_key": creds.secret_key }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 86_400);
    let token = body["token"].as_str().unwrap();
    let claims = jwt_payload(token);
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        86_400
    );

    let (status, me) = whoami(&base, Some(&format!("Bearer {token}"))).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["api_key"], creds.api_key.as_str());
    let left = me["token_expires_in_ms"].as_u64().unwrap();
    assert!(left > 86_000_000 && left <= 86_400_000, "{left}");

    let stats = sandbox.stats();
    assert_eq!(stats.coopfin.tokens_issued, 1);
    assert_eq!(stats.coopfin.requests, 2);
}

#[tokio::test]
async fn token_errors_are_400_with_error_string() {
    let sandbox = start().await;
    let base = sandbox.base_urls().coopfin;
    let creds = sandbox.credentials().coopfin.clone();

    // Malformed JSON.
    let response = client()
        .post(format!("{base}/sandbox/token"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 400);
    assert_error(&body);

    // JSON body without a JSON content type.
    let response = client()
        .post(format!("{base}/sandbox/token"))
        .body(json!({ "api_key": creds.api_key, "secret_key": creds.secret_key }).to_string())
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 400);
    assert_error(&body);

    for bad in [
        json!({ "api_key": creds.api_key }),
        json!({ "secret_key": creds.secret_key }),
        json!({ "api_key": creds.api_key, "secret_key": 42 }),
        json!({ "api_key": "", "secret_key": creds.secret_key }),
        json!({ "api_key": creds.api_key, "secret_key": "sk_test_wrong" }),
        json!({ "api_key": "pk_test_wrong", "secret_key": creds.secret_key }),
        json!([creds.api_key, creds.secret_key]),
    ] {
        let (status, body) = issue(&base, &bad).await;
        assert_eq!(status, 400, "{bad} -> {body}");
        assert_error(&body);
    }
    let (_, body) = issue(
        &base,
        &json!({ "api_key": creds.api_key, "secret_key": "sk_test_wrong" }),
    )
    .await;
    assert_eq!(body["error"], "Invalid credentials");
    assert_eq!(sandbox.stats().coopfin.tokens_issued, 0);
}

#[tokio::test]
async fn whoami_rejects_missing_unknown_and_malformed_tokens() {
    let sandbox = start().await;
    let base = sandbox.base_urls().coopfin;
    for authorization in [
        None,
        Some("Bearer not-a-token"),
        Some("Basic abc"),
        Some("Bearer "),
    ] {
        let (status, body) = whoami(&base, authorization).await;
        assert_eq!(status, 401, "{authorization:?} -> {body}");
        assert_error(&body);
    }
}

#[tokio::test]
async fn token_expires_after_configured_lifetime() {
    let config = SandboxConfig::default().with_coopfin_token_ttl(Duration::from_millis(150));
    let sandbox = start_with(config).await;
    let base = sandbox.base_urls().coopfin;
    let creds = sandbox.credentials().coopfin.clone();
    let (_, body) = issue(
        &base,
        &json!({ "api_key": creds.api_key, "secret_key": creds.secret_key }),
    )
    .await;
    // 150 ms rounds up to one whole second on the wire.
    assert_eq!(body["expires_in"], 1);
    let bearer = format!("Bearer {}", body["token"].as_str().unwrap());

    let (status, me) = whoami(&base, Some(&bearer)).await;
    assert_eq!(status, 200);
    assert!(me["token_expires_in_ms"].as_u64().unwrap() <= 150);

    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, body) = whoami(&base, Some(&bearer)).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "Token expired");
}

#[tokio::test]
async fn advancing_the_clock_expires_tokens_without_sleeping() {
    let sandbox = start().await;
    let base = sandbox.base_urls().coopfin;
    let creds = sandbox.credentials().coopfin.clone();
    let (_, body) = issue(
        &base,
        &json!({ "api_key": creds.api_key, "secret_key": creds.secret_key }),
    )
    .await;
    let bearer = format!("Bearer {}", body["token"].as_str().unwrap());
    sandbox.advance_clock(Duration::from_secs(86_399));
    assert_eq!(whoami(&base, Some(&bearer)).await.0, 200);
    sandbox.advance_clock(Duration::from_secs(2));
    assert_eq!(whoami(&base, Some(&bearer)).await.0, 401);
}

#[tokio::test]
async fn token_endpoint_delay_lets_concurrent_callers_overlap() {
    let config = SandboxConfig::default().with_token_endpoint_delay(Duration::from_millis(100));
    let sandbox = start_with(config).await;
    let base = sandbox.base_urls().coopfin;
    let creds = sandbox.credentials().coopfin.clone();
    let body = json!({ "api_key": creds.api_key, "secret_key": creds.secret_key });
    let started = std::time::Instant::now();
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let (base, body) = (base.clone(), body.clone());
            tokio::spawn(async move { issue(&base, &body).await.0 })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap(), 200);
    }
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(100), "{elapsed:?}");
    assert!(
        elapsed < Duration::from_millis(700),
        "calls did not overlap: {elapsed:?}"
    );
    assert_eq!(sandbox.stats().coopfin.tokens_issued, 8);
}
