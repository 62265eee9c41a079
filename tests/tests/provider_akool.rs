//! Akool against a loopback wiremock server: `get_token` (camelCase body), `quota_info` with
//! the API key or the legacy token, and the `{code, msg}` envelope in HTTP 200.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use auth_sdk::Error;
use auth_sdk::akool::{self, Code};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::{NoHeader, NoQuery, fast_retry};

const TOKEN_PATH: &str = "/api/open/v3/getToken";
const QUOTA_PATH: &str = "/api/open/v3/faceswap/quota/info";

fn client(server: &MockServer, creds: akool::Credentials) -> akool::Client {
    akool::Client::builder()
        .credentials(creds)
        .base_url(server.uri())
        .allow_http_loopback(true)
        .retry(fast_retry())
        .build()
        .unwrap()
}

fn legacy() -> akool::Credentials {
    akool::Credentials::new()
        .with_client_id("6650f0c0ffee0000test0001")
        .with_client_secret("cs_test_akool_secret")
}

fn quota_ok() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"code": 1000, "msg": "OK", "data": {"credit": 1234.5}}))
}

async fn mount_token(server: &MockServer, token: &str, times: Option<u64>, expect: u64) {
    let mock = Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"code": 1000, "token": token})),
        )
        .expect(expect);
    let mock = match times {
        Some(n) => mock.up_to_n_times(n),
        None => mock,
    };
    mock.mount(server).await;
}

#[tokio::test]
async fn get_token_sends_camel_case_body_and_parses_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(NoQuery)
        .and(header("content-type", "application/json"))
        .and(NoHeader("authorization"))
        .and(NoHeader("x-api-key"))
        .and(body_json(json!({
            "clientId": "6650f0c0ffee0000test0001",
            "clientSecret": "cs_test_akool_secret"
        })))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"code": 1000, "token": "eyJ.akool-token.sig"})),
        )
        .expect(1)
        .mount(&server)
        .await;

    // With an API key configured, the exchange still carries no auth header.
    let c = client(
        &server,
        akool::Credentials::new().with_api_key("ak_test_key"),
    );
    let resp = c
        .get_token("6650f0c0ffee0000test0001", "cs_test_akool_secret")
        .await
        .unwrap();
    assert_eq!(resp.code, 1000);
    assert_eq!(resp.token.expose_secret(), "eyJ.akool-token.sig");
}

#[tokio::test]
async fn get_token_failure_code_in_http_200_is_a_provider_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": 1101})))
        .expect(1)
        .mount(&server)
        .await;

    let c = client(&server, akool::Credentials::new());
    let err = c.get_token("id", "bad").await.unwrap_err();
    let pe = err
        .provider_error()
        .unwrap_or_else(|| panic!("expected Error::Provider, got {err:?}"));
    assert_eq!(pe.status.as_u16(), 200);
    assert_eq!(pe.code, Some(1101));
    let body = pe.body.as_ref().unwrap();
    assert_eq!(body.code, Code::InvalidAuthorization);
    assert_eq!(body.msg, None, "msg is optional on getToken failures");
}

#[tokio::test]
async fn quota_info_with_api_key_sends_x_api_key_only_and_parses() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(QUOTA_PATH))
        .and(NoQuery)
        .and(header("x-api-key", "ak_test_key"))
        .and(NoHeader("authorization"))
        .respond_with(quota_ok())
        .expect(1)
        .mount(&server)
        .await;
    // The legacy pair is configured too, but the API key is preferred: no exchange.
    mount_token(&server, "never", None, 0).await;

    let c = client(&server, legacy().with_api_key("ak_test_key"));
    let resp = c.quota_info().await.unwrap();
    assert_eq!(resp.code, 1000);
    assert_eq!(resp.msg, "OK");
    assert!((resp.data.credit - 1234.5).abs() < f64::EPSILON);
}

#[tokio::test]
async fn quota_info_with_integer_credit_parses_as_f64() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(QUOTA_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"code": 1000, "msg": "OK", "data": {"credit": 42}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = client(
        &server,
        akool::Credentials::new().with_api_key("ak_test_key"),
    );
    assert!((c.quota_info().await.unwrap().data.credit - 42.0).abs() < f64::EPSILON);
}

#[tokio::test]
async fn quota_info_with_legacy_pair_gets_a_token_once_and_sends_bearer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_json(json!({
            "clientId": "6650f0c0ffee0000test0001",
            "clientSecret": "cs_test_akool_secret"
        })))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"code": 1000, "token": "tok-akool-1"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(QUOTA_PATH))
        .and(header("authorization", "Bearer tok-akool-1"))
        .and(NoHeader("x-api-key"))
        .respond_with(quota_ok())
        .expect(2)
        .mount(&server)
        .await;

    let c = client(&server, legacy());
    for _ in 0..2 {
        assert_eq!(c.quota_info().await.unwrap().msg, "OK");
    }
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].url.path(), TOKEN_PATH, "the token comes first");
}

async fn quota_error(creds: akool::Credentials, code: i64, msg: &str) -> akool::quota_info::Error {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(QUOTA_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": code, "msg": msg})))
        .expect(1)
        .mount(&server)
        .await;
    mount_token(&server, "tok-akool-1", None, 0).await;
    client(&server, creds).quota_info().await.unwrap_err()
}

fn check_envelope_error(err: &akool::quota_info::Error, code: i64, variant: Code, msg: &str) {
    let pe = err
        .provider_error()
        .unwrap_or_else(|| panic!("expected Error::Provider, got {err:?}"));
    assert_eq!(pe.provider, "Akool");
    assert_eq!(pe.endpoint, "quota_info");
    assert_eq!(pe.status.as_u16(), 200);
    assert_eq!(pe.code, Some(code));
    let body = pe.body.as_ref().unwrap();
    assert_eq!(body.code, variant);
    assert_eq!(body.code.value(), code);
    assert_eq!(body.msg.as_deref(), Some(msg));
}

#[tokio::test]
async fn code_1101_with_api_key_is_an_auth_failure_and_not_replayed() {
    let err = quota_error(
        akool::Credentials::new().with_api_key("ak_test_revoked"),
        1101,
        "Invalid authorization or The request token has expired",
    )
    .await;
    check_envelope_error(
        &err,
        1101,
        Code::InvalidAuthorization,
        "Invalid authorization or The request token has expired",
    );
    assert!(err.provider_error().unwrap().is_auth_failure());
}

#[tokio::test]
async fn code_1102_is_missing_authorization() {
    let err = quota_error(
        akool::Credentials::new().with_api_key("ak_test_key"),
        1102,
        "Authorization cannot be empty",
    )
    .await;
    check_envelope_error(
        &err,
        1102,
        Code::MissingAuthorization,
        "Authorization cannot be empty",
    );
    assert!(!err.provider_error().unwrap().is_auth_failure());
}

#[tokio::test]
async fn code_1200_is_account_banned_and_not_replayed_with_a_token() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-akool-1", None, 1).await;
    Mock::given(method("GET"))
        .and(path(QUOTA_PATH))
        .and(header("authorization", "Bearer tok-akool-1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"code": 1200, "msg": "The account has been banned"})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server, legacy()).quota_info().await.unwrap_err();
    check_envelope_error(
        &err,
        1200,
        Code::AccountBanned,
        "The account has been banned",
    );
    assert!(!err.provider_error().unwrap().is_auth_failure());
    assert!(!err.is_transient());
}

#[tokio::test]
async fn unknown_code_is_kept_as_other() {
    let err = quota_error(
        akool::Credentials::new().with_api_key("ak_test_key"),
        1003,
        "Parameter error",
    )
    .await;
    check_envelope_error(&err, 1003, Code::Other(1003), "Parameter error");
}

#[tokio::test]
async fn code_1101_with_a_cached_token_refetches_and_replays_once() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-stale", Some(1), 1).await;
    mount_token(&server, "tok-fresh", None, 1).await;
    Mock::given(method("GET"))
        .and(path(QUOTA_PATH))
        .and(header("authorization", "Bearer tok-stale"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"code": 1101, "msg": "Invalid authorization or The request token has expired"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(QUOTA_PATH))
        .and(header("authorization", "Bearer tok-fresh"))
        .respond_with(quota_ok())
        .expect(1)
        .mount(&server)
        .await;

    let resp = client(&server, legacy()).quota_info().await.unwrap();
    assert_eq!(resp.msg, "OK");
}

#[tokio::test]
async fn non_2xx_without_json_is_a_provider_error_without_code() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(QUOTA_PATH))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>"))
        .expect(3)
        .mount(&server)
        .await;
    let err = client(
        &server,
        akool::Credentials::new().with_api_key("ak_test_key"),
    )
    .quota_info()
    .await
    .unwrap_err();
    let pe = err.provider_error().unwrap();
    assert_eq!(pe.status.as_u16(), 502);
    assert_eq!(pe.code, None);
    assert!(pe.body.is_none());
    assert_eq!(pe.raw.expose_secret(), b"<html>Bad Gateway</html>");
}

#[tokio::test]
async fn missing_credentials_fail_before_sending() {
    let server = MockServer::start().await;
    let none = client(&server, akool::Credentials::new());
    match none.quota_info().await.unwrap_err() {
        Error::MissingCredential(mc) => {
            assert_eq!(mc.provider, "Akool");
            assert_eq!(mc.scheme, "api_key_or_token");
        }
        other => panic!("expected Error::MissingCredential, got {other:?}"),
    }
    // Half of the legacy pair is not enough either.
    let half = client(
        &server,
        akool::Credentials::new().with_client_id("6650f0c0ffee0000test0001"),
    );
    assert!(matches!(
        half.quota_info().await.unwrap_err(),
        Error::MissingCredential(_)
    ));
    assert!(server.received_requests().await.unwrap().is_empty());
}
