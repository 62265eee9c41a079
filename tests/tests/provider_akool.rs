//! Akool against a loopback wiremock server: `get_token` (camelCase body), `quota_info` with
//! the API key or the legacy token, and the `{code, msg}` envelope in HTTP 200.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use auth_sdk::akool::{self, Code};
use serde_json::json;
use wiremock::matchers::{body_json, header};
use wiremock::{MockServer, ResponseTemplate};

mod common;
use common::{
    NoHeader, NoQuery, bearer, fast_client, json_reply, missing_credential, missing_credential_of,
    mount, mount_once, on, provider_error, received, unauthenticated_json_post,
};

const TOKEN_PATH: &str = "/api/open/v3/getToken";
const QUOTA_PATH: &str = "/api/open/v3/faceswap/quota/info";

fn client(server: &MockServer, creds: akool::Credentials) -> akool::Client {
    fast_client(server.uri(), creds)
}

fn legacy() -> akool::Credentials {
    akool::Credentials::new()
        .with_client_id("6650f0c0ffee0000test0001")
        .with_client_secret("cs_test_akool_secret")
}

/// A client holding only the API key `ak_test_key`.
fn key_client(server: &MockServer) -> akool::Client {
    client(
        server,
        akool::Credentials::new().with_api_key("ak_test_key"),
    )
}

/// `getToken`'s JSON body for the [`legacy`] pair.
fn legacy_pair() -> serde_json::Value {
    json!({
        "clientId": "6650f0c0ffee0000test0001",
        "clientSecret": "cs_test_akool_secret"
    })
}

/// Akool's message for code 1101.
const EXPIRED: &str = "Invalid authorization or The request token has expired";

/// HTTP 200 with the envelope `{"code": code, "msg": msg}`.
fn envelope(code: i64, msg: &str) -> ResponseTemplate {
    json_reply(200, json!({"code": code, "msg": msg}))
}

fn quota_ok() -> ResponseTemplate {
    json_reply(
        200,
        json!({"code": 1000, "msg": "OK", "data": {"credit": 1234.5}}),
    )
}

/// `getToken` answering `token`.
fn token_reply(token: &str) -> ResponseTemplate {
    json_reply(200, json!({"code": 1000, "token": token}))
}

/// Mounts `getToken` answering `token`, expected `expect` times.
async fn mount_token(server: &MockServer, token: &str, expect: u64) {
    mount(server, on("POST", TOKEN_PATH), token_reply(token), expect).await;
}

#[tokio::test]
async fn get_token_sends_camel_case_body_and_parses_token() {
    let server = MockServer::start().await;
    let exact = unauthenticated_json_post(TOKEN_PATH, legacy_pair()).and(NoHeader("x-api-key"));
    mount(&server, exact, token_reply("eyJ.akool-token.sig"), 1).await;

    // With an API key configured, the exchange still carries no auth header.
    let resp = key_client(&server)
        .get_token("6650f0c0ffee0000test0001", "cs_test_akool_secret")
        .await
        .unwrap();
    assert_eq!(resp.code, 1000);
    assert_eq!(resp.token.expose_secret(), "eyJ.akool-token.sig");
}

#[tokio::test]
async fn get_token_failure_code_in_http_200_is_a_provider_error() {
    let server = MockServer::start().await;
    mount(
        &server,
        on("POST", TOKEN_PATH),
        json_reply(200, json!({"code": 1101})),
        1,
    )
    .await;

    let c = client(&server, akool::Credentials::new());
    let err = c.get_token("id", "bad").await.unwrap_err();
    let pe = provider_error(&err, 200);
    assert_eq!(pe.code, Some(1101));
    let body = pe.body.as_ref().unwrap();
    assert_eq!(body.code, Code::InvalidAuthorization);
    assert_eq!(body.msg, None, "msg is optional on getToken failures");
}

#[tokio::test]
async fn quota_info_with_api_key_sends_x_api_key_only_and_parses() {
    let server = MockServer::start().await;
    let by_key = on("GET", QUOTA_PATH)
        .and(NoQuery)
        .and(header("x-api-key", "ak_test_key"))
        .and(NoHeader("authorization"));
    mount(&server, by_key, quota_ok(), 1).await;
    // The legacy pair is configured too, but the API key is preferred: no exchange.
    mount_token(&server, "never", 0).await;

    let c = client(&server, legacy().with_api_key("ak_test_key"));
    let resp = c.quota_info().await.unwrap();
    assert_eq!(resp.code, 1000);
    assert_eq!(resp.msg, "OK");
    assert!((resp.data.credit - 1234.5).abs() < f64::EPSILON);
}

#[tokio::test]
async fn quota_info_with_integer_credit_parses_as_f64() {
    let server = MockServer::start().await;
    let integer = json_reply(
        200,
        json!({"code": 1000, "msg": "OK", "data": {"credit": 42}}),
    );
    mount(&server, on("GET", QUOTA_PATH), integer, 1).await;
    let credit = key_client(&server).quota_info().await.unwrap().data.credit;
    assert!((credit - 42.0).abs() < f64::EPSILON);
}

#[tokio::test]
async fn quota_info_with_legacy_pair_gets_a_token_once_and_sends_bearer() {
    let server = MockServer::start().await;
    let exchange = on("POST", TOKEN_PATH).and(body_json(legacy_pair()));
    mount(&server, exchange, token_reply("tok-akool-1"), 1).await;
    let by_token = on("GET", QUOTA_PATH)
        .and(bearer("tok-akool-1"))
        .and(NoHeader("x-api-key"));
    mount(&server, by_token, quota_ok(), 2).await;

    let c = client(&server, legacy());
    for _ in 0..2 {
        assert_eq!(c.quota_info().await.unwrap().msg, "OK");
    }
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].url.path(), TOKEN_PATH, "the token comes first");
}

async fn quota_error(creds: akool::Credentials, code: i64, msg: &str) -> akool::quota_info::Error {
    let server = MockServer::start().await;
    mount(&server, on("GET", QUOTA_PATH), envelope(code, msg), 1).await;
    mount_token(&server, "tok-akool-1", 0).await;
    client(&server, creds).quota_info().await.unwrap_err()
}

fn check_envelope_error(err: &akool::quota_info::Error, code: i64, variant: Code, msg: &str) {
    let pe = provider_error(err, 200);
    assert_eq!(pe.provider, "Akool");
    assert_eq!(pe.endpoint, "quota_info");
    assert_eq!(pe.code, Some(code));
    let body = pe.body.as_ref().unwrap();
    assert_eq!(body.code, variant);
    assert_eq!(body.code.value(), code);
    assert_eq!(body.msg.as_deref(), Some(msg));
}

#[tokio::test]
async fn code_1101_with_api_key_is_an_auth_failure_and_not_replayed() {
    let revoked = akool::Credentials::new().with_api_key("ak_test_revoked");
    let err = quota_error(revoked, 1101, EXPIRED).await;
    check_envelope_error(&err, 1101, Code::InvalidAuthorization, EXPIRED);
    assert!(err.provider_error().unwrap().is_auth_failure());
}

#[tokio::test]
async fn code_1102_is_missing_authorization() {
    let key = akool::Credentials::new().with_api_key("ak_test_key");
    let msg = "Authorization cannot be empty";
    let err = quota_error(key, 1102, msg).await;
    check_envelope_error(&err, 1102, Code::MissingAuthorization, msg);
    assert!(!err.provider_error().unwrap().is_auth_failure());
}

#[tokio::test]
async fn code_1200_is_account_banned_and_not_replayed_with_a_token() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-akool-1", 1).await;
    let banned = envelope(1200, "The account has been banned");
    mount(
        &server,
        on("GET", QUOTA_PATH).and(bearer("tok-akool-1")),
        banned,
        1,
    )
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
    let key = akool::Credentials::new().with_api_key("ak_test_key");
    let err = quota_error(key, 1003, "Parameter error").await;
    check_envelope_error(&err, 1003, Code::Other(1003), "Parameter error");
}

#[tokio::test]
async fn code_1101_with_a_cached_token_refetches_and_replays_once() {
    let server = MockServer::start().await;
    mount_once(&server, on("POST", TOKEN_PATH), token_reply("tok-stale")).await;
    mount_token(&server, "tok-fresh", 1).await;
    let stale = on("GET", QUOTA_PATH).and(bearer("tok-stale"));
    mount(&server, stale, envelope(1101, EXPIRED), 1).await;
    let fresh = on("GET", QUOTA_PATH).and(bearer("tok-fresh"));
    mount(&server, fresh, quota_ok(), 1).await;

    let resp = client(&server, legacy()).quota_info().await.unwrap();
    assert_eq!(resp.msg, "OK");
}

#[tokio::test]
async fn non_2xx_without_json_is_a_provider_error_without_code() {
    let server = MockServer::start().await;
    let html = ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>");
    mount(&server, on("GET", QUOTA_PATH), html, 3).await;
    let err = key_client(&server).quota_info().await.unwrap_err();
    let pe = provider_error(&err, 502);
    assert_eq!(pe.code, None);
    assert!(pe.body.is_none());
    assert_eq!(pe.raw.expose_secret(), b"<html>Bad Gateway</html>");
}

#[tokio::test]
async fn missing_credentials_fail_before_sending() {
    let server = MockServer::start().await;
    let none = client(&server, akool::Credentials::new());
    let err = none.quota_info().await.unwrap_err();
    missing_credential_of(err, "Akool", "api_key_or_token");
    // Half of the legacy pair is not enough either.
    let half = akool::Credentials::new().with_client_id("6650f0c0ffee0000test0001");
    missing_credential(client(&server, half).quota_info().await.unwrap_err());
    assert!(received(&server).await.is_empty());
}
