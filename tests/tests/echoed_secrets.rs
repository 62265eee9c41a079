#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! Secrets a server echoes never print (checklist S3), and provider errors stay readable:
//! wiremock echoes the client's credentials (as is, JSON-escaped, percent-encoded, and as
//! the base64 of `id:secret`) and its issued token in error bodies; every rendering of the
//! error down its chain shows `[REDACTED]` instead, while the raw body, behind its explicit
//! expose API, keeps what the server sent. A provider's plain-text message is shown in
//! `Display`, cut at 512 bytes.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;
use wiremock::{MockServer, ResponseTemplate};

use auth_sdk::{Error, coopfin};

mod common;
use common::endpoints::whoami;
use common::{assert_never_shows, bearer, chain, json_reply, loopback, mount_any, on, renderings};

const API_KEY: &str = "pk_test_CANARY_id";
/// With characters that JSON and percent-encoding both rewrite.
const SECRET_KEY: &str = "sk_test_CANARY/\"q+=";
const TOKEN: &str = "tok_test_CANARY_issued";
const TOKEN_PATH: &str = "/v1/sandbox/token";

fn client(server: &MockServer) -> coopfin::Client {
    let creds = coopfin::Credentials::new()
        .with_api_key(API_KEY)
        .with_secret_key(SECRET_KEY);
    loopback(format!("{}/v1", server.uri()), creds)
        .retry(auth_sdk::RetryPolicy::disabled())
        .build()
        .unwrap()
}

fn percent(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Every rendering of `err` (and its chain) lacks the canary and shows `[REDACTED]`.
fn assert_scrubbed(err: &Error<coopfin::ErrorBody>) {
    assert_never_shows(err, "CANARY");
    let shown = renderings(err).join("\n");
    assert!(shown.contains("[REDACTED]"), "{shown}");
}

#[tokio::test]
async fn s3_credentials_echoed_by_the_issuer_never_print() {
    let basic = STANDARD.encode(format!("{API_KEY}:{SECRET_KEY}"));
    let echo = format!(
        "bad pair {API_KEY} / {SECRET_KEY}; form {}; basic {basic}",
        percent(SECRET_KEY)
    );
    let server = MockServer::start().await;
    mount_any(
        &server,
        on("POST", TOKEN_PATH),
        json_reply(400, json!({ "error": echo })),
    )
    .await;

    let err = client(&server)
        .send(whoami::Request::new())
        .await
        .unwrap_err();
    assert_scrubbed(&err);
    let text = chain(&err);
    assert!(text.contains("bad pair [REDACTED] / [REDACTED]"), "{text}");
    assert!(text.contains("basic [REDACTED]"), "{text}");

    // The raw body still holds what the server sent, behind the explicit API.
    let Error::TokenExchange(te) = &err else {
        panic!("{err:?}")
    };
    let inner = te
        .inner()
        .downcast_ref::<Error<coopfin::ErrorBody>>()
        .unwrap();
    let raw = inner.provider_error().unwrap().raw.expose_secret();
    assert!(String::from_utf8_lossy(raw).contains(API_KEY));
}

#[tokio::test]
async fn s3_an_issued_token_echoed_by_the_api_never_prints() {
    let server = MockServer::start().await;
    let issued = json!({"token_type": "Bearer", "token": TOKEN, "expires_in": 600});
    mount_any(&server, on("POST", TOKEN_PATH), json_reply(200, issued)).await;
    let echo = json!({"error": format!("token {TOKEN} lacks scope me:read")});
    let me = on("GET", "/v1/me").and(bearer(TOKEN));
    mount_any(&server, me, json_reply(403, echo)).await;

    let err = client(&server)
        .send(whoami::Request::new())
        .await
        .unwrap_err();
    assert_scrubbed(&err);
    let pe = err.provider_error().expect("the API's 403");
    assert_eq!(
        pe.body.as_ref().map(|b| b.error.as_str()),
        Some("token [REDACTED] lacks scope me:read"),
        "the typed body is decoded from the scrubbed text"
    );
    assert!(String::from_utf8_lossy(pe.raw.expose_secret()).contains(TOKEN));
}

#[tokio::test]
async fn s3_a_plain_text_message_is_shown_scrubbed_and_cut_at_512_bytes() {
    let server = MockServer::start().await;
    let message = "request header must have required property 'x-request-id'";
    let answer = ResponseTemplate::new(422).set_body_string(message);
    mount_any(&server, on("POST", TOKEN_PATH), answer).await;
    let err = client(&server)
        .send(whoami::Request::new())
        .await
        .unwrap_err();
    let text = chain(&err);
    assert!(
        text.contains(&format!("HTTP 422 Unprocessable Entity: {message}")),
        "{text}"
    );

    let server = MockServer::start().await;
    let long = format!("{API_KEY} {}\nend", "x".repeat(2000));
    mount_any(
        &server,
        on("POST", TOKEN_PATH),
        ResponseTemplate::new(400).set_body_string(long),
    )
    .await;
    let err = client(&server)
        .send(whoami::Request::new())
        .await
        .unwrap_err();
    assert_scrubbed(&err);
    let Error::TokenExchange(te) = &err else {
        panic!("{err:?}")
    };
    let shown = te.inner().to_string();
    let (_, message) = shown.split_once(": ").unwrap();
    assert!(message.starts_with("[REDACTED] xxx"), "{message}");
    assert!(message.ends_with('…'), "cut: {message}");
    assert!(
        message.len() <= 512 + '…'.len_utf8(),
        "{} bytes",
        message.len()
    );
}
