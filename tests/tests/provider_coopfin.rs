//! CoopFin Network against a loopback wiremock server: the one documented call
//! (`create_token`), its error body, and the `token` scheme it feeds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::Duration;

use auth_sdk::{Error, ManualClock, coopfin};
use serde_json::json;
use wiremock::matchers::body_json;
use wiremock::{MockServer, ResponseTemplate};

mod common;
use common::endpoints::whoami;
use common::{
    bearer, fast_client, json_reply, loopback, missing_credential, missing_credential_of, mount,
    mount_once, on, provider_error, received, unauthenticated_json_post,
};

const TOKEN_PATH: &str = "/v1/sandbox/token";

fn client(server: &MockServer, creds: coopfin::Credentials) -> coopfin::Client {
    fast_client(format!("{}/v1", server.uri()), creds)
}

fn full_creds() -> coopfin::Credentials {
    coopfin::Credentials::new()
        .with_api_key("pk_test_coop")
        .with_secret_key("sk_test_coop")
}

/// A token answer for `token`, valid for a day.
fn token_reply(token: &str) -> ResponseTemplate {
    json_reply(
        200,
        json!({"token_type": "Bearer", "token": token, "expires_in": 86400}),
    )
}

/// Mounts `GET /v1/me` for the bearer `token`, answering `u-1`, expected `calls` times.
async fn mount_me(server: &MockServer, token: &str, calls: u64) {
    let me = on("GET", "/v1/me").and(bearer(token));
    mount(
        server,
        me,
        json_reply(200, json!({"user_id": "u-1"})),
        calls,
    )
    .await;
}

/// `400 {"error": "Invalid request"}`.
fn invalid_request() -> ResponseTemplate {
    json_reply(400, json!({"error": "Invalid request"}))
}

#[tokio::test]
async fn create_token_sends_exact_request_and_parses_documented_body() {
    let server = MockServer::start().await;
    let arguments = json!({"api_key": "pk_test_arg", "secret_key": "sk_test_arg"});
    let exact = unauthenticated_json_post(TOKEN_PATH, arguments);
    mount(&server, exact, token_reply("tok-coop-1"), 1).await;

    // The method takes its own key pair: a client without credentials can call it.
    let c = client(&server, coopfin::Credentials::new());
    let resp = c.create_token("pk_test_arg", "sk_test_arg").await.unwrap();
    assert_eq!(resp.token_type, "Bearer");
    assert_eq!(resp.token.expose_secret(), "tok-coop-1");
    assert_eq!(resp.expires_in, 86400);
    assert_eq!(format!("{:?}", resp.token), "Secret([REDACTED])");

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].url.path(), TOKEN_PATH);
}

#[tokio::test]
async fn create_token_400_is_typed_error_body_and_not_retried() {
    let server = MockServer::start().await;
    mount(&server, on("POST", TOKEN_PATH), invalid_request(), 1).await;

    let c = client(&server, full_creds());
    let err = c.create_token("pk_test_bad", "sk_test_bad").await;
    let err = err.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert!(!err.is_transient());
    assert!(matches!(err, Error::Provider(_)), "{err:?}");
    let pe = provider_error(&err, 400);
    assert_eq!(pe.provider, "CoopFin Network");
    assert_eq!(pe.endpoint, "create_token");
    assert_eq!(pe.body.as_ref().unwrap().error, "Invalid request");
    assert_eq!(pe.code, None);
    assert!(!pe.is_auth_failure());
    assert_eq!(pe.raw.expose_secret(), br#"{"error":"Invalid request"}"#);
}

#[tokio::test]
async fn create_token_is_idempotent_so_a_503_is_retried() {
    let server = MockServer::start().await;
    mount_once(&server, on("POST", TOKEN_PATH), ResponseTemplate::new(503)).await;
    mount(
        &server,
        on("POST", TOKEN_PATH),
        token_reply("tok-after-503"),
        1,
    )
    .await;

    let c = client(&server, full_creds());
    let resp = c.create_token("pk_test_coop", "sk_test_coop").await;
    assert_eq!(resp.unwrap().token.expose_secret(), "tok-after-503");
}

#[tokio::test]
async fn token_scheme_fetches_with_configured_credentials_once_and_sends_bearer() {
    let server = MockServer::start().await;
    let configured = body_json(json!({"api_key": "pk_test_coop", "secret_key": "sk_test_coop"}));
    let exchange = on("POST", TOKEN_PATH).and(configured);
    mount(&server, exchange, token_reply("tok-coop-2"), 1).await;
    mount_me(&server, "tok-coop-2", 2).await;

    let c = client(&server, full_creds());
    for _ in 0..2 {
        let me = c.send(whoami::Request::new()).await.unwrap();
        assert_eq!(me.user_id, "u-1");
    }
}

#[tokio::test]
async fn token_is_refetched_after_expires_in_elapses() {
    let server = MockServer::start().await;
    mount_once(&server, on("POST", TOKEN_PATH), token_reply("tok-day-1")).await;
    mount(&server, on("POST", TOKEN_PATH), token_reply("tok-day-2"), 1).await;
    mount_me(&server, "tok-day-1", 2).await;
    mount_me(&server, "tok-day-2", 1).await;

    let clock = ManualClock::new();
    let c: coopfin::Client = loopback(format!("{}/v1", server.uri()), full_creds())
        .clock(clock.clone())
        .build()
        .unwrap();
    for advance in [0, 3600, 86400] {
        clock.advance(Duration::from_secs(advance));
        c.send(whoami::Request::new()).await.unwrap();
    }
}

#[tokio::test]
async fn token_exchange_failure_surfaces_the_issuer_error_and_skips_the_call() {
    let server = MockServer::start().await;
    mount(&server, on("POST", TOKEN_PATH), invalid_request(), 1).await;
    let me = json_reply(200, json!({"user_id": "u-1"}));
    mount(&server, on("GET", "/v1/me"), me, 0).await;

    let c = client(&server, full_creds());
    let err = c.send(whoami::Request::new()).await.unwrap_err();
    let Error::TokenExchange(te) = &err else {
        panic!("expected Error::TokenExchange, got {err:?}")
    };
    assert_eq!(te.provider, "CoopFin Network");
    assert_eq!(te.issuer, "create_token");
    let inner = te
        .inner()
        .downcast_ref::<coopfin::create_token::Error>()
        .expect("the inner error is create_token's own error");
    let pe = provider_error(inner, 400);
    assert_eq!(pe.body.as_ref().unwrap().error, "Invalid request");
    assert!(!err.is_transient());
}

#[tokio::test]
async fn missing_credentials_fail_before_sending_anything() {
    let server = MockServer::start().await;

    let none = client(&server, coopfin::Credentials::new());
    let err = none.send(whoami::Request::new()).await.unwrap_err();
    missing_credential_of(err, "CoopFin Network", "token");

    let half = client(
        &server,
        coopfin::Credentials::new().with_api_key("pk_test_only"),
    );
    missing_credential(half.send(whoami::Request::new()).await.unwrap_err());

    assert!(received(&server).await.is_empty());
}
