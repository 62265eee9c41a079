//! CoopFin Network against a loopback wiremock server: the one documented call
//! (`create_token`), its error body, and the `token` scheme it feeds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::Duration;

use auth_sdk::{Error, ManualClock, coopfin};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::{NoHeader, NoQuery, fast_retry};

/// An authenticated endpoint declared the way a user would (CoopFin documents none).
mod whoami {
    use auth_sdk::{endpoint, response};

    /// Reads the account the token belongs to.
    #[endpoint(name = whoami, provider = auth_sdk::coopfin::Client, GET "/me", auth = token)]
    pub struct Request {}

    /// The account.
    #[response(200)]
    pub struct Response {
        /// Account id.
        pub user_id: String,
    }
}

fn client(server: &MockServer, creds: coopfin::Credentials) -> coopfin::Client {
    coopfin::Client::builder()
        .credentials(creds)
        .base_url(format!("{}/v1", server.uri()))
        .allow_http_loopback(true)
        .retry(fast_retry())
        .build()
        .unwrap()
}

fn full_creds() -> coopfin::Credentials {
    coopfin::Credentials::new()
        .with_api_key("pk_test_coop")
        .with_secret_key("sk_test_coop")
}

fn token_body(token: &str) -> serde_json::Value {
    json!({"token_type": "Bearer", "token": token, "expires_in": 86400})
}

#[tokio::test]
async fn create_token_sends_exact_request_and_parses_documented_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/sandbox/token"))
        .and(NoQuery)
        .and(header("content-type", "application/json"))
        .and(NoHeader("authorization"))
        .and(body_json(
            json!({"api_key": "pk_test_arg", "secret_key": "sk_test_arg"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("tok-coop-1")))
        .expect(1)
        .mount(&server)
        .await;

    // The method takes its own key pair: a client without credentials can call it.
    let c = client(&server, coopfin::Credentials::new());
    let resp = c.create_token("pk_test_arg", "sk_test_arg").await.unwrap();
    assert_eq!(resp.token_type, "Bearer");
    assert_eq!(resp.token.expose_secret(), "tok-coop-1");
    assert_eq!(resp.expires_in, 86400);
    assert_eq!(format!("{:?}", resp.token), "Secret([REDACTED])");

    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].url.path(), "/v1/sandbox/token");
}

#[tokio::test]
async fn create_token_400_is_typed_error_body_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/sandbox/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "Invalid request"})))
        .expect(1)
        .mount(&server)
        .await;

    let c = client(&server, full_creds());
    let err = c
        .create_token("pk_test_bad", "sk_test_bad")
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert!(!err.is_transient());
    match err {
        Error::Provider(pe) => {
            assert_eq!(pe.status.as_u16(), 400);
            assert_eq!(pe.provider, "CoopFin Network");
            assert_eq!(pe.endpoint, "create_token");
            assert_eq!(pe.body.as_ref().unwrap().error, "Invalid request");
            assert_eq!(pe.code, None);
            assert!(!pe.is_auth_failure());
            assert_eq!(pe.raw.expose_secret(), br#"{"error":"Invalid request"}"#);
        }
        other => panic!("expected Error::Provider, got {other:?}"),
    }
}

#[tokio::test]
async fn create_token_is_idempotent_so_a_503_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/sandbox/token"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/sandbox/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("tok-after-503")))
        .expect(1)
        .mount(&server)
        .await;

    let c = client(&server, full_creds());
    let resp = c
        .create_token("pk_test_coop", "sk_test_coop")
        .await
        .unwrap();
    assert_eq!(resp.token.expose_secret(), "tok-after-503");
}

#[tokio::test]
async fn token_scheme_fetches_with_configured_credentials_once_and_sends_bearer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/sandbox/token"))
        .and(body_json(
            json!({"api_key": "pk_test_coop", "secret_key": "sk_test_coop"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("tok-coop-2")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/me"))
        .and(header("authorization", "Bearer tok-coop-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user_id": "u-1"})))
        .expect(2)
        .mount(&server)
        .await;

    let c = client(&server, full_creds());
    for _ in 0..2 {
        let me = c.send(whoami::Request::new()).await.unwrap();
        assert_eq!(me.user_id, "u-1");
    }
}

#[tokio::test]
async fn token_is_refetched_after_expires_in_elapses() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/sandbox/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("tok-day-1")))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/sandbox/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("tok-day-2")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/me"))
        .and(header("authorization", "Bearer tok-day-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user_id": "u-1"})))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/me"))
        .and(header("authorization", "Bearer tok-day-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user_id": "u-1"})))
        .expect(1)
        .mount(&server)
        .await;

    let clock = ManualClock::new();
    let c = coopfin::Client::builder()
        .credentials(full_creds())
        .base_url(format!("{}/v1", server.uri()))
        .allow_http_loopback(true)
        .clock(clock.clone())
        .build()
        .unwrap();
    c.send(whoami::Request::new()).await.unwrap();
    clock.advance(Duration::from_secs(3600));
    c.send(whoami::Request::new()).await.unwrap();
    clock.advance(Duration::from_secs(86400));
    c.send(whoami::Request::new()).await.unwrap();
}

#[tokio::test]
async fn token_exchange_failure_surfaces_the_issuer_error_and_skips_the_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/sandbox/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "Invalid request"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/me"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user_id": "u-1"})))
        .expect(0)
        .mount(&server)
        .await;

    let c = client(&server, full_creds());
    let err = c.send(whoami::Request::new()).await.unwrap_err();
    match &err {
        Error::TokenExchange(te) => {
            assert_eq!(te.provider, "CoopFin Network");
            assert_eq!(te.issuer, "create_token");
            let inner = te
                .inner()
                .downcast_ref::<coopfin::create_token::Error>()
                .expect("the inner error is create_token's own error");
            let pe = inner.provider_error().unwrap();
            assert_eq!(pe.status.as_u16(), 400);
            assert_eq!(pe.body.as_ref().unwrap().error, "Invalid request");
        }
        other => panic!("expected Error::TokenExchange, got {other:?}"),
    }
    assert!(!err.is_transient());
}

#[tokio::test]
async fn missing_credentials_fail_before_sending_anything() {
    let server = MockServer::start().await;

    let none = client(&server, coopfin::Credentials::new());
    match none.send(whoami::Request::new()).await.unwrap_err() {
        Error::MissingCredential(mc) => {
            assert_eq!(mc.provider, "CoopFin Network");
            assert_eq!(mc.scheme, "token");
        }
        other => panic!("expected Error::MissingCredential, got {other:?}"),
    }

    let half = client(
        &server,
        coopfin::Credentials::new().with_api_key("pk_test_only"),
    );
    assert!(matches!(
        half.send(whoami::Request::new()).await.unwrap_err(),
        Error::MissingCredential(_)
    ));

    assert!(server.received_requests().await.unwrap().is_empty());
}
