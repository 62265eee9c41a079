//! Loccus / Hiya Audio Intel against a loopback wiremock server: sign-in, the user, the API
//! key calls, handle validation, the two error shapes, retries and the "loses nothing" rule.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::Duration;

use auth_sdk::loccus::{self, ErrorBody, KeySort, UserState};
use auth_sdk::{Clock, Error, ManualClock, Timestamp};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::{NoHeader, NoQuery, QueryIs, fast_retry};

const API_KEY: &str = "bG9jY3VzLXRlc3QtYXBpLWtleQ==";
const SESSION: &str = "c2Vzc2lvbi10ZXN0LXRva2Vu";
const KEY_TOKEN: &str = "a2V5LXRva2VuLXRlc3QtMDAx";

fn client(server: &MockServer, creds: loccus::Credentials) -> loccus::Client {
    loccus::Client::builder()
        .credentials(creds)
        .base_url(format!("{}/v1", server.uri()))
        .allow_http_loopback(true)
        .retry(fast_retry())
        .build()
        .unwrap()
}

fn with_key() -> loccus::Credentials {
    loccus::Credentials::new().with_api_key(API_KEY)
}

fn with_password() -> loccus::Credentials {
    loccus::Credentials::new()
        .with_handle("jane-doe")
        .with_password("pw_test_12345678")
}

fn bearer_key() -> String {
    format!("Bearer {API_KEY}")
}

fn api_key_json(handle: &str, alias: Option<&str>) -> serde_json::Value {
    json!({
        "id": "0b7f8c1e-5d1a-4c47-9e39-2f1a3c0d9e01",
        "handle": handle,
        "alias": alias,
        "token": KEY_TOKEN,
        "createdAt": "2024-03-01T12:00:00.000000Z"
    })
}

fn user_json() -> serde_json::Value {
    json!({
        "id": "3f0e5c8a-1111-4b2b-9c3d-000000000001",
        "handle": "jane-doe",
        "alias": null,
        "email": "jane@example.invalid",
        "emailVerified": true,
        "state": "verified",
        "orgs": 2,
        "spaces": 5,
        "createdAt": "2023-01-01T00:00:00.000000Z"
    })
}

async fn mount_sign_in(server: &MockServer, expect: u64) {
    Mock::given(method("POST"))
        .and(path("/v1/auth/credentials"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token": SESSION,
            "issuedAt": "2024-01-01T00:00:00.000000Z",
            "expiresAt": "2099-01-01T00:00:00.000000Z"
        })))
        .expect(expect)
        .mount(server)
        .await;
}

fn assert_key(key: &loccus::ApiKey, handle: &str, alias: Option<&str>) {
    assert_eq!(key.id, "0b7f8c1e-5d1a-4c47-9e39-2f1a3c0d9e01");
    assert_eq!(key.handle, handle);
    assert_eq!(key.alias.as_deref(), alias);
    assert_eq!(key.token.expose_secret(), KEY_TOKEN);
    assert_eq!(key.created_at.as_str(), "2024-03-01T12:00:00.000000Z");
}

// ---------------------------------------------------------------- sign_in

#[tokio::test]
async fn sign_in_sends_handle_and_password_and_parses_the_session() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/credentials"))
        .and(NoQuery)
        .and(header("content-type", "application/json"))
        .and(NoHeader("authorization"))
        .and(body_json(
            json!({"handle": "jane-doe", "password": "pw_test_12345678"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token": SESSION,
            "issuedAt": "2023-01-01T00:00:00.000000Z",
            "expiresAt": "2023-01-01T01:00:00.000000Z"
        })))
        .expect(1)
        .mount(&server)
        .await;

    // A client holding an API key still signs in without auth.
    let c = client(&server, with_key());
    let s = c.sign_in("jane-doe", "pw_test_12345678").await.unwrap();
    assert_eq!(s.token.expose_secret(), SESSION);
    assert_eq!(s.issued_at.as_str(), "2023-01-01T00:00:00.000000Z");
    assert_eq!(s.expires_at.as_str(), "2023-01-01T01:00:00.000000Z");
    assert_eq!(
        s.expires_at
            .to_system_time()
            .duration_since(s.issued_at.to_system_time())
            .unwrap(),
        Duration::from_secs(3600)
    );
}

#[tokio::test]
async fn sign_in_401_is_the_hiya_error_shape() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/credentials"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": {"id": "err-401-abc", "code": 401, "errors": [{"message": "Invalid credentials"}]}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server, loccus::Credentials::new())
        .sign_in("jane-doe", "pw_test_wrong000")
        .await
        .unwrap_err();
    let pe = err.provider_error().unwrap();
    assert_eq!(pe.status.as_u16(), 401);
    assert!(pe.is_auth_failure());
    match pe.body.as_ref().unwrap() {
        ErrorBody::Hiya { error } => {
            assert_eq!(error.id.as_deref(), Some("err-401-abc"));
            assert_eq!(error.code, Some(401));
            assert_eq!(error.errors.len(), 1);
            assert_eq!(error.errors[0].message, "Invalid credentials");
        }
        other => panic!("expected ErrorBody::Hiya, got {other:?}"),
    }
}

// ---------------------------------------------------------------- get_user

#[tokio::test]
async fn get_user_with_api_key_sends_bearer_key_without_signing_in() {
    let server = MockServer::start().await;
    mount_sign_in(&server, 0).await;
    Mock::given(method("GET"))
        .and(path("/v1/user"))
        .and(NoQuery)
        .and(header("authorization", bearer_key().as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(user_json()))
        .expect(1)
        .mount(&server)
        .await;

    // Handle and password are configured too: the API key wins.
    let c = client(&server, with_password().with_api_key(API_KEY));
    let u = c.get_user().await.unwrap();
    assert_eq!(u.id, "3f0e5c8a-1111-4b2b-9c3d-000000000001");
    assert_eq!(u.handle, "jane-doe");
    assert_eq!(u.alias, None);
    assert_eq!(u.email, "jane@example.invalid");
    assert_eq!(u.email_verified, Some(true));
    assert_eq!(u.state, UserState::Verified);
    assert_eq!(u.orgs, 2);
    assert_eq!(u.spaces, 5);
    assert_eq!(u.created_at.as_str(), "2023-01-01T00:00:00.000000Z");
}

#[tokio::test]
async fn get_user_loccus_schema_without_email_verified() {
    let server = MockServer::start().await;
    let mut body = user_json();
    body.as_object_mut().unwrap().remove("emailVerified");
    body["alias"] = json!("Jane");
    body["state"] = json!("blocked");
    Mock::given(method("GET"))
        .and(path("/v1/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let u = client(&server, with_key()).get_user().await.unwrap();
    assert_eq!(u.email_verified, None);
    assert_eq!(u.alias.as_deref(), Some("Jane"));
    assert_eq!(u.state, UserState::Blocked);
}

#[tokio::test]
async fn get_user_with_password_signs_in_once_and_reuses_the_session() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/credentials"))
        .and(body_json(
            json!({"handle": "jane-doe", "password": "pw_test_12345678"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token": SESSION,
            "issuedAt": "2024-01-01T00:00:00.000000Z",
            "expiresAt": "2099-01-01T00:00:00.000000Z"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/user"))
        .and(header(
            "authorization",
            format!("Bearer {SESSION}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(user_json()))
        .expect(3)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/user/keys"))
        .and(header(
            "authorization",
            format!("Bearer {SESSION}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;

    let c = client(&server, with_password());
    for _ in 0..3 {
        assert_eq!(c.get_user().await.unwrap().handle, "jane-doe");
    }
    assert!(c.list_keys().await.unwrap().keys.is_empty());
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs[0].url.path(), "/v1/auth/credentials");
}

#[tokio::test]
async fn the_session_is_renewed_before_expires_at() {
    let server = MockServer::start().await;
    let clock = ManualClock::new();
    let now = clock.system_now();
    let issued = Timestamp::from_system_time(now);
    let expires = Timestamp::from_system_time(now + Duration::from_secs(3600));
    Mock::given(method("POST"))
        .and(path("/v1/auth/credentials"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token": "c2Vzc2lvbi1vbmU=",
            "issuedAt": issued.as_str(),
            "expiresAt": expires.as_str()
        })))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/credentials"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token": "c2Vzc2lvbi10d28=",
            "issuedAt": issued.as_str(),
            "expiresAt": "2099-01-01T00:00:00Z"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/user"))
        .and(header("authorization", "Bearer c2Vzc2lvbi1vbmU="))
        .respond_with(ResponseTemplate::new(200).set_body_json(user_json()))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/user"))
        .and(header("authorization", "Bearer c2Vzc2lvbi10d28="))
        .respond_with(ResponseTemplate::new(200).set_body_json(user_json()))
        .expect(1)
        .mount(&server)
        .await;

    let c = loccus::Client::builder()
        .credentials(with_password())
        .base_url(format!("{}/v1", server.uri()))
        .allow_http_loopback(true)
        .clock(clock.clone())
        .build()
        .unwrap();
    c.get_user().await.unwrap();
    clock.advance(Duration::from_secs(30 * 60));
    c.get_user().await.unwrap();
    // Past `expiresAt`: a new sign-in, not a rejected call.
    clock.advance(Duration::from_secs(31 * 60));
    c.get_user().await.unwrap();
}

#[tokio::test]
async fn a_rejected_session_is_replaced_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/credentials"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token": "c2Vzc2lvbi1vbGQ=",
            "issuedAt": "2024-01-01T00:00:00Z",
            "expiresAt": "2099-01-01T00:00:00Z"
        })))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    mount_sign_in(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/v1/user"))
        .and(header("authorization", "Bearer c2Vzc2lvbi1vbGQ="))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"message": "Session expired"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/user"))
        .and(header(
            "authorization",
            format!("Bearer {SESSION}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(user_json()))
        .expect(1)
        .mount(&server)
        .await;
    client(&server, with_password()).get_user().await.unwrap();
}

#[tokio::test]
async fn missing_credentials_fail_before_sending() {
    let server = MockServer::start().await;
    let none = client(&server, loccus::Credentials::new());
    match none.get_user().await.unwrap_err() {
        Error::MissingCredential(mc) => {
            assert_eq!(mc.provider, "Loccus");
            assert_eq!(mc.scheme, "session_or_key");
        }
        other => panic!("expected Error::MissingCredential, got {other:?}"),
    }
    assert!(matches!(
        none.create_key("new-key").await.unwrap_err(),
        Error::MissingCredential(_)
    ));
    assert!(matches!(
        none.delete_key("old-key").await.unwrap_err(),
        Error::MissingCredential(_)
    ));
    // A handle without a password cannot sign in.
    let handle_only = client(&server, loccus::Credentials::new().with_handle("jane-doe"));
    assert!(matches!(
        handle_only.get_user().await.unwrap_err(),
        Error::MissingCredential(_)
    ));
    assert!(server.received_requests().await.unwrap().is_empty());
}

// ---------------------------------------------------------------- create_key

#[tokio::test]
async fn create_key_sends_handle_only_when_alias_unset_and_parses_201() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/user/keys"))
        .and(NoQuery)
        .and(header("authorization", bearer_key().as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"handle": "ci-key"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(api_key_json("ci-key", None)))
        .expect(1)
        .mount(&server)
        .await;
    let resp = client(&server, with_key())
        .create_key("ci-key")
        .await
        .unwrap();
    assert_key(&resp.key, "ci-key", None);
}

#[tokio::test]
async fn create_key_with_alias_sends_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/user/keys"))
        .and(body_json(
            json!({"handle": "ci-key", "alias": "CI pipeline"}),
        ))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(api_key_json("ci-key", Some("CI pipeline"))),
        )
        .expect(1)
        .mount(&server)
        .await;
    let resp = client(&server, with_key())
        .create_key("ci-key")
        .alias("CI pipeline")
        .send()
        .await
        .unwrap();
    assert_key(&resp.key, "ci-key", Some("CI pipeline"));
}

#[tokio::test]
async fn create_key_201_missing_created_at_is_decode_error_keeping_the_token() {
    let server = MockServer::start().await;
    let mut body = api_key_json("ci-key", None);
    body.as_object_mut().unwrap().remove("createdAt");
    Mock::given(method("POST"))
        .and(path("/v1/user/keys"))
        .respond_with(ResponseTemplate::new(201).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server, with_key())
        .create_key("ci-key")
        .await
        .unwrap_err();
    match &err {
        Error::Decode(d) => {
            assert_eq!(d.status.as_u16(), 201);
            assert_eq!(d.endpoint, "create_key");
            let raw = String::from_utf8(d.raw_body().expose_secret().to_vec()).unwrap();
            assert!(raw.contains(KEY_TOKEN), "the raw body keeps the token");
            // ...but no rendering of the error does.
            assert!(!format!("{err:?}").contains(KEY_TOKEN));
            assert!(!format!("{err}").contains(KEY_TOKEN));
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn create_key_201_truncated_is_decode_error_keeping_the_token() {
    let server = MockServer::start().await;
    // The answer breaks off after the token, before `createdAt`.
    let cut = format!(
        r#"{{"id":"0b7f8c1e-5d1a-4c47-9e39-2f1a3c0d9e01","handle":"ci-key","alias":null,"token":"{KEY_TOKEN}","createdAt":"2024-03-"#
    );
    Mock::given(method("POST"))
        .and(path("/v1/user/keys"))
        .respond_with(
            ResponseTemplate::new(201).set_body_raw(cut.as_bytes().to_vec(), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server, with_key())
        .create_key("ci-key")
        .await
        .unwrap_err();
    match &err {
        Error::Decode(d) => {
            assert_eq!(d.status.as_u16(), 201);
            assert_eq!(d.category, "unexpected end of input");
            assert_eq!(d.raw_body().expose_secret(), cut.as_bytes());
            let raw = String::from_utf8(d.raw_body().expose_secret().to_vec()).unwrap();
            assert!(raw.contains(KEY_TOKEN));
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn create_key_503_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/user/keys"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server, with_key())
        .create_key("ci-key")
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(
        err.is_transient(),
        "transient, yet not retried: not idempotent"
    );
}

#[tokio::test]
async fn create_key_409_is_the_hiya_error_shape() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/user/keys"))
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({
            "error": {"id": "err-409", "code": 409, "errors": [{"message": "Handle already taken"}]}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server, with_key())
        .create_key("ci-key")
        .await
        .unwrap_err();
    let pe = err.provider_error().unwrap();
    assert_eq!(pe.status.as_u16(), 409);
    assert!(!pe.is_auth_failure());
    match pe.body.as_ref().unwrap() {
        ErrorBody::Hiya { error } => {
            assert_eq!(error.code, Some(409));
            assert_eq!(error.errors[0].message, "Handle already taken");
        }
        other => panic!("expected ErrorBody::Hiya, got {other:?}"),
    }
}

// ---------------------------------------------------------------- list_keys

#[tokio::test]
async fn list_keys_without_filters_sends_no_query_and_reads_paging_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/user/keys"))
        .and(NoQuery)
        .and(header("authorization", bearer_key().as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([
                    api_key_json("alpha", Some("Alpha")),
                    api_key_json("beta", None)
                ]))
                .insert_header("Page-Total", "3")
                .insert_header("Page-Size", "2")
                .insert_header("Page-Current", "1")
                .insert_header("Item-Total", "5"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server, with_key()).list_keys().await.unwrap();
    assert_eq!(page.keys.len(), 2);
    assert_key(&page.keys[0], "alpha", Some("Alpha"));
    assert_key(&page.keys[1], "beta", None);
    assert_eq!(page.page_total, Some(3));
    assert_eq!(page.page_size, Some(2));
    assert_eq!(page.page_current, Some(1));
    assert_eq!(page.item_total, Some(5));
}

#[tokio::test]
async fn list_keys_sends_every_filter_under_its_wire_name() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/user/keys"))
        .and(QueryIs(vec![
            ("page", "2"),
            ("page-size", "50"),
            ("sort", "createdAt"),
            ("search", "ci key"),
            ("after", "2024-01-01T00:00:00Z"),
            ("before", "2024-12-31T23:59:59.000000Z"),
        ]))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server, with_key())
        .list_keys()
        .page(2u32)
        .page_size(50u32)
        .sort(KeySort::CreatedAt)
        .search("ci key")
        .after(Timestamp::parse("2024-01-01T00:00:00Z").unwrap())
        .before(Timestamp::parse("2024-12-31T23:59:59.000000Z").unwrap())
        .await
        .unwrap();
    assert!(page.keys.is_empty());
    assert_eq!(page.page_total, None);
    assert_eq!(page.item_total, None);
}

#[tokio::test]
async fn list_keys_sort_by_handle_alone() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/user/keys"))
        .and(QueryIs(vec![("sort", "handle")]))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    client(&server, with_key())
        .list_keys()
        .sort(KeySort::Handle)
        .await
        .unwrap();
}

#[tokio::test]
async fn list_keys_503_then_200_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/user/keys"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/user/keys"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([api_key_json("alpha", None)])),
        )
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server, with_key()).list_keys().await.unwrap();
    assert_eq!(page.keys.len(), 1);
}

// ---------------------------------------------------------------- get / update / delete

#[tokio::test]
async fn get_key_puts_the_handle_in_one_segment_and_parses() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/user/keys/ci-key-2"))
        .and(NoQuery)
        .and(header("authorization", bearer_key().as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(api_key_json("ci-key-2", None)))
        .expect(1)
        .mount(&server)
        .await;
    let resp = client(&server, with_key())
        .get_key("ci-key-2")
        .await
        .unwrap();
    assert_key(&resp.key, "ci-key-2", None);
}

#[tokio::test]
async fn get_key_404_is_the_hiya_error_shape() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/user/keys/gone"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error": {"id": "err-404", "code": 404, "errors": [{"message": "Key not found"}]}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server, with_key())
        .get_key("gone")
        .await
        .unwrap_err();
    let pe = err.provider_error().unwrap();
    assert_eq!(pe.status.as_u16(), 404);
    match pe.body.as_ref().unwrap() {
        ErrorBody::Hiya { error } => {
            assert_eq!(error.id.as_deref(), Some("err-404"));
            assert_eq!(error.errors[0].message, "Key not found");
        }
        other => panic!("expected ErrorBody::Hiya, got {other:?}"),
    }
}

#[tokio::test]
async fn the_message_error_shape_is_decoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/user/keys/some-key"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "Unauthorized"})))
        .expect(1)
        .mount(&server)
        .await;
    // An API key is not an issued token: a 401 is returned, not replayed.
    let err = client(&server, with_key())
        .get_key("some-key")
        .await
        .unwrap_err();
    let pe = err.provider_error().unwrap();
    assert_eq!(pe.status.as_u16(), 401);
    assert!(pe.is_auth_failure());
    match pe.body.as_ref().unwrap() {
        ErrorBody::Message { message } => assert_eq!(message, "Unauthorized"),
        other => panic!("expected ErrorBody::Message, got {other:?}"),
    }
}

#[tokio::test]
async fn update_key_sends_only_the_fields_set() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/v1/user/keys/ci-key"))
        .and(NoQuery)
        .and(header("authorization", bearer_key().as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"handle": "ci-key-new"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(api_key_json("ci-key-new", None)))
        .expect(1)
        .mount(&server)
        .await;
    let resp = client(&server, with_key())
        .update_key("ci-key")
        .handle("ci-key-new")
        .await
        .unwrap();
    assert_key(&resp.key, "ci-key-new", None);
}

#[tokio::test]
async fn update_key_alias_none_sends_null() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/v1/user/keys/ci-key"))
        .and(body_json(json!({"alias": null})))
        .respond_with(ResponseTemplate::new(200).set_body_json(api_key_json("ci-key", None)))
        .expect(1)
        .mount(&server)
        .await;
    let resp = client(&server, with_key())
        .update_key("ci-key")
        .alias(None)
        .await
        .unwrap();
    assert_key(&resp.key, "ci-key", None);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs[0].body, br#"{"alias":null}"#);
}

#[tokio::test]
async fn update_key_alias_some_and_handle_together() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/v1/user/keys/ci-key"))
        .and(body_json(json!({"handle": "ci-key-2", "alias": "Renamed"})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(api_key_json("ci-key-2", Some("Renamed"))),
        )
        .expect(1)
        .mount(&server)
        .await;
    let resp = client(&server, with_key())
        .update_key("ci-key")
        .handle("ci-key-2")
        .alias(Some("Renamed".to_owned()))
        .send()
        .await
        .unwrap();
    assert_key(&resp.key, "ci-key-2", Some("Renamed"));
}

#[tokio::test]
async fn update_key_503_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/v1/user/keys/ci-key"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server, with_key())
        .update_key("ci-key")
        .handle("ci-key-2")
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn delete_key_accepts_204_and_200_without_body() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/v1/user/keys/old-key"))
        .and(NoQuery)
        .and(header("authorization", bearer_key().as_str()))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v1/user/keys/older-key"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server, with_key());
    let _: loccus::delete_key::Response = c.delete_key("old-key").await.unwrap();
    c.delete_key("older-key").await.unwrap();
    for req in server.received_requests().await.unwrap() {
        assert!(req.body.is_empty());
    }
}

#[tokio::test]
async fn invalid_handles_are_rejected_before_sending() {
    let server = MockServer::start().await;
    mount_sign_in(&server, 0).await;
    let c = client(&server, with_key());
    let p = client(&server, with_password());
    for bad in [
        "Bad/Key", "", "..", ".", "a/../b", "key?x=1", "UPPER", "sp ace", "%2e%2e",
    ] {
        for c in [&c, &p] {
            match c.get_key(bad).await.unwrap_err() {
                Error::InvalidInput(ii) => assert_eq!(ii.field, "key", "{bad:?}"),
                other => panic!("get_key({bad:?}): expected InvalidInput, got {other:?}"),
            }
            match c.update_key(bad).alias(None).await.unwrap_err() {
                Error::InvalidInput(ii) => assert_eq!(ii.field, "key", "{bad:?}"),
                other => panic!("update_key({bad:?}): expected InvalidInput, got {other:?}"),
            }
            match c.delete_key(bad).await.unwrap_err() {
                Error::InvalidInput(ii) => {
                    assert_eq!(ii.field, "key", "{bad:?}");
                    if bad.len() > 2 {
                        assert!(!ii.reason.contains(bad), "the value is not echoed");
                    }
                }
                other => panic!("delete_key({bad:?}): expected InvalidInput, got {other:?}"),
            }
        }
    }
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing reached the server, not even a sign-in"
    );
}
