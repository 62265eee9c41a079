//! Loccus / Hiya Audio Intel against a loopback wiremock server: sign-in, the user, the API
//! key calls, handle validation, the two error shapes, retries and the "loses nothing" rule.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::Duration;

use auth_sdk::loccus::{self, ErrorBody, HiyaError, KeySort, UserState};
use auth_sdk::{Clock, Error, ManualClock, Timestamp};
use serde_json::json;
use wiremock::matchers::{body_json, header};
use wiremock::{MockBuilder, MockServer, ResponseTemplate};

mod common;
use common::{
    NoQuery, QueryIs, bearer, fast_client, json_reply, loopback, missing_credential,
    missing_credential_of, mount, mount_once, on, provider_error, received,
    unauthenticated_json_post,
};

const API_KEY: &str = "bG9jY3VzLXRlc3QtYXBpLWtleQ==";
const SESSION: &str = "c2Vzc2lvbi10ZXN0LXRva2Vu";
const KEY_TOKEN: &str = "a2V5LXRva2VuLXRlc3QtMDAx";

fn client(server: &MockServer, creds: loccus::Credentials) -> loccus::Client {
    fast_client(format!("{}/v1", server.uri()), creds)
}

fn with_key() -> loccus::Credentials {
    loccus::Credentials::new().with_api_key(API_KEY)
}

fn with_password() -> loccus::Credentials {
    loccus::Credentials::new()
        .with_handle("jane-doe")
        .with_password("pw_test_12345678")
}

const SIGN_IN: &str = "/v1/auth/credentials";
const USER: &str = "/v1/user";
const KEYS: &str = "/v1/user/keys";

/// `verb route` with no query, authenticated with [`API_KEY`].
fn keyed(verb: &str, route: &str) -> MockBuilder {
    on(verb, route).and(NoQuery).and(bearer(API_KEY))
}

/// A client holding [`API_KEY`].
fn key_client(server: &MockServer) -> loccus::Client {
    client(server, with_key())
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

/// A sign-in answer: `token`, issued at `issued`, expiring at `expires`.
fn session(token: &str, issued: &str, expires: &str) -> ResponseTemplate {
    json_reply(
        200,
        json!({"token": token, "issuedAt": issued, "expiresAt": expires}),
    )
}

/// A session for [`SESSION`] that lasts until 2099.
fn long_session() -> ResponseTemplate {
    session(
        SESSION,
        "2024-01-01T00:00:00.000000Z",
        "2099-01-01T00:00:00.000000Z",
    )
}

async fn mount_sign_in(server: &MockServer, expect: u64) {
    mount(server, on("POST", SIGN_IN), long_session(), expect).await;
}

/// `status` with the Hiya-shaped body `{"error": {"id", "code", "errors": [{"message"}]}}`.
fn hiya_reply(status: u16, id: &str, message: &str) -> ResponseTemplate {
    let error = json!({"id": id, "code": status, "errors": [{"message": message}]});
    json_reply(status, json!({ "error": error }))
}

/// The Hiya error object of `err`, a provider error with `status`.
fn hiya_error(err: &Error<ErrorBody>, status: u16) -> &HiyaError {
    match provider_error(err, status).body.as_ref().unwrap() {
        ErrorBody::Hiya { error } => error,
        other => panic!("expected ErrorBody::Hiya, got {other:?}"),
    }
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
    let password = json!({"handle": "jane-doe", "password": "pw_test_12345678"});
    let exact = unauthenticated_json_post(SIGN_IN, password);
    let answer = session(
        SESSION,
        "2023-01-01T00:00:00.000000Z",
        "2023-01-01T01:00:00.000000Z",
    );
    mount(&server, exact, answer, 1).await;

    // A client holding an API key still signs in without auth.
    let c = key_client(&server);
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
    let rejected = hiya_reply(401, "err-401-abc", "Invalid credentials");
    mount(&server, on("POST", SIGN_IN), rejected, 1).await;
    let c = client(&server, loccus::Credentials::new());
    let err = c.sign_in("jane-doe", "pw_test_wrong000").await.unwrap_err();
    assert!(err.provider_error().unwrap().is_auth_failure());
    let error = hiya_error(&err, 401);
    assert_eq!(error.id.as_deref(), Some("err-401-abc"));
    assert_eq!(error.code, Some(401));
    assert_eq!(error.errors.len(), 1);
    assert_eq!(error.errors[0].message, "Invalid credentials");
}

// ---------------------------------------------------------------- get_user

#[tokio::test]
async fn get_user_with_api_key_sends_bearer_key_without_signing_in() {
    let server = MockServer::start().await;
    mount_sign_in(&server, 0).await;
    let by_key = keyed("GET", USER);
    mount(&server, by_key, json_reply(200, user_json()), 1).await;

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
    mount(&server, on("GET", USER), json_reply(200, body), 1).await;
    let u = key_client(&server).get_user().await.unwrap();
    assert_eq!(u.email_verified, None);
    assert_eq!(u.alias.as_deref(), Some("Jane"));
    assert_eq!(u.state, UserState::Blocked);
}

#[tokio::test]
async fn get_user_with_password_signs_in_once_and_reuses_the_session() {
    let server = MockServer::start().await;
    let password = body_json(json!({"handle": "jane-doe", "password": "pw_test_12345678"}));
    mount(
        &server,
        on("POST", SIGN_IN).and(password),
        long_session(),
        1,
    )
    .await;
    let user = json_reply(200, user_json());
    mount(&server, on("GET", USER).and(bearer(SESSION)), user, 3).await;
    let no_keys = json_reply(200, json!([]));
    mount(&server, on("GET", KEYS).and(bearer(SESSION)), no_keys, 1).await;

    let c = client(&server, with_password());
    for _ in 0..3 {
        assert_eq!(c.get_user().await.unwrap().handle, "jane-doe");
    }
    assert!(c.list_keys().await.unwrap().keys.is_empty());
    assert_eq!(received(&server).await[0].url.path(), SIGN_IN);
}

#[tokio::test]
async fn the_session_is_renewed_before_expires_at() {
    let server = MockServer::start().await;
    let clock = ManualClock::new();
    let now = clock.system_now();
    let issued = Timestamp::from_system_time(now);
    let expires = Timestamp::from_system_time(now + Duration::from_secs(3600));
    let (one, two) = ("c2Vzc2lvbi1vbmU=", "c2Vzc2lvbi10d28=");
    let first = session(one, issued.as_str(), expires.as_str());
    mount_once(&server, on("POST", SIGN_IN), first).await;
    let second = session(two, issued.as_str(), "2099-01-01T00:00:00Z");
    mount(&server, on("POST", SIGN_IN), second, 1).await;
    for (token, calls) in [(one, 2), (two, 1)] {
        let user = json_reply(200, user_json());
        mount(&server, on("GET", USER).and(bearer(token)), user, calls).await;
    }

    let c: loccus::Client = loopback(format!("{}/v1", server.uri()), with_password())
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
    let old = "c2Vzc2lvbi1vbGQ=";
    let first = session(old, "2024-01-01T00:00:00Z", "2099-01-01T00:00:00Z");
    mount_once(&server, on("POST", SIGN_IN), first).await;
    mount_sign_in(&server, 1).await;
    let expired = json_reply(401, json!({"message": "Session expired"}));
    mount(&server, on("GET", USER).and(bearer(old)), expired, 1).await;
    let user = json_reply(200, user_json());
    mount(&server, on("GET", USER).and(bearer(SESSION)), user, 1).await;
    client(&server, with_password()).get_user().await.unwrap();
}

#[tokio::test]
async fn missing_credentials_fail_before_sending() {
    let server = MockServer::start().await;
    let none = client(&server, loccus::Credentials::new());
    missing_credential_of(
        none.get_user().await.unwrap_err(),
        "Loccus",
        "session_or_key",
    );
    missing_credential(none.create_key("new-key").await.unwrap_err());
    missing_credential(none.delete_key("old-key").await.unwrap_err());
    // A handle without a password cannot sign in.
    let handle_only = client(&server, loccus::Credentials::new().with_handle("jane-doe"));
    missing_credential(handle_only.get_user().await.unwrap_err());
    assert!(received(&server).await.is_empty());
}

// ---------------------------------------------------------------- create_key

#[tokio::test]
async fn create_key_sends_handle_only_when_alias_unset_and_parses_201() {
    let server = MockServer::start().await;
    let exact = keyed("POST", KEYS)
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"handle": "ci-key"})));
    mount(
        &server,
        exact,
        json_reply(201, api_key_json("ci-key", None)),
        1,
    )
    .await;
    let resp = key_client(&server).create_key("ci-key").await.unwrap();
    assert_key(&resp.key, "ci-key", None);
}

#[tokio::test]
async fn create_key_with_alias_sends_it() {
    let server = MockServer::start().await;
    let with_alias = body_json(json!({"handle": "ci-key", "alias": "CI pipeline"}));
    let created = json_reply(201, api_key_json("ci-key", Some("CI pipeline")));
    mount(&server, on("POST", KEYS).and(with_alias), created, 1).await;
    let resp = key_client(&server)
        .create_key("ci-key")
        .alias("CI pipeline")
        .send()
        .await
        .unwrap();
    assert_key(&resp.key, "ci-key", Some("CI pipeline"));
}

/// The decode error of a `create_key` answered 201 with `answer`, which keeps the token.
async fn create_key_decode_error(answer: ResponseTemplate) -> Error<ErrorBody> {
    let server = MockServer::start().await;
    mount(&server, on("POST", KEYS), answer, 1).await;
    let err = key_client(&server).create_key("ci-key").await.unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("expected Error::Decode, got {err:?}")
    };
    assert_eq!(d.status.as_u16(), 201);
    let raw = String::from_utf8(d.raw_body().expose_secret().to_vec()).unwrap();
    assert!(raw.contains(KEY_TOKEN), "the raw body keeps the token");
    err
}

#[tokio::test]
async fn create_key_201_missing_created_at_is_decode_error_keeping_the_token() {
    let mut body = api_key_json("ci-key", None);
    body.as_object_mut().unwrap().remove("createdAt");
    let err = create_key_decode_error(json_reply(201, body)).await;
    let Error::Decode(d) = &err else {
        unreachable!()
    };
    assert_eq!(d.endpoint, "create_key");
    // ...but no rendering of the error does.
    assert!(!format!("{err:?}").contains(KEY_TOKEN));
    assert!(!format!("{err}").contains(KEY_TOKEN));
}

#[tokio::test]
async fn create_key_201_truncated_is_decode_error_keeping_the_token() {
    // The answer breaks off after the token, before `createdAt`.
    let cut = format!(
        r#"{{"id":"0b7f8c1e-5d1a-4c47-9e39-2f1a3c0d9e01","handle":"ci-key","alias":null,"token":"{KEY_TOKEN}","createdAt":"2024-03-"#
    );
    let answer =
        ResponseTemplate::new(201).set_body_raw(cut.as_bytes().to_vec(), "application/json");
    let err = create_key_decode_error(answer).await;
    let Error::Decode(d) = &err else {
        unreachable!()
    };
    assert_eq!(d.category, "unexpected end of input");
    assert_eq!(d.raw_body().expose_secret(), cut.as_bytes());
}

#[tokio::test]
async fn create_key_503_is_not_retried() {
    let server = MockServer::start().await;
    mount(&server, on("POST", KEYS), ResponseTemplate::new(503), 1).await;
    let err = key_client(&server).create_key("ci-key").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(
        err.is_transient(),
        "transient, yet not retried: not idempotent"
    );
}

#[tokio::test]
async fn create_key_409_is_the_hiya_error_shape() {
    let server = MockServer::start().await;
    let taken = hiya_reply(409, "err-409", "Handle already taken");
    mount(&server, on("POST", KEYS), taken, 1).await;
    let err = key_client(&server).create_key("ci-key").await.unwrap_err();
    assert!(!err.provider_error().unwrap().is_auth_failure());
    let error = hiya_error(&err, 409);
    assert_eq!(error.code, Some(409));
    assert_eq!(error.errors[0].message, "Handle already taken");
}

// ---------------------------------------------------------------- list_keys

#[tokio::test]
async fn list_keys_without_filters_sends_no_query_and_reads_paging_headers() {
    let server = MockServer::start().await;
    let two_keys = json!([
        api_key_json("alpha", Some("Alpha")),
        api_key_json("beta", None)
    ]);
    let page = json_reply(200, two_keys)
        .insert_header("Page-Total", "3")
        .insert_header("Page-Size", "2")
        .insert_header("Page-Current", "1")
        .insert_header("Item-Total", "5");
    mount(&server, keyed("GET", KEYS), page, 1).await;
    let page = key_client(&server).list_keys().await.unwrap();
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
    let query = QueryIs(vec![
        ("page", "2"),
        ("page-size", "50"),
        ("sort", "createdAt"),
        ("search", "ci key"),
        ("after", "2024-01-01T00:00:00Z"),
        ("before", "2024-12-31T23:59:59.000000Z"),
    ]);
    mount(
        &server,
        on("GET", KEYS).and(query),
        json_reply(200, json!([])),
        1,
    )
    .await;
    let page = key_client(&server)
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
    let by_handle = on("GET", KEYS).and(QueryIs(vec![("sort", "handle")]));
    mount(&server, by_handle, json_reply(200, json!([])), 1).await;
    let c = key_client(&server);
    c.list_keys().sort(KeySort::Handle).await.unwrap();
}

#[tokio::test]
async fn list_keys_503_then_200_is_retried() {
    let server = MockServer::start().await;
    mount_once(&server, on("GET", KEYS), ResponseTemplate::new(503)).await;
    let one_key = json_reply(200, json!([api_key_json("alpha", None)]));
    mount(&server, on("GET", KEYS), one_key, 1).await;
    let page = key_client(&server).list_keys().await.unwrap();
    assert_eq!(page.keys.len(), 1);
}

// ---------------------------------------------------------------- get / update / delete

#[tokio::test]
async fn get_key_puts_the_handle_in_one_segment_and_parses() {
    let server = MockServer::start().await;
    let one_segment = keyed("GET", "/v1/user/keys/ci-key-2");
    let key = json_reply(200, api_key_json("ci-key-2", None));
    mount(&server, one_segment, key, 1).await;
    let resp = key_client(&server).get_key("ci-key-2").await.unwrap();
    assert_key(&resp.key, "ci-key-2", None);
}

#[tokio::test]
async fn get_key_404_is_the_hiya_error_shape() {
    let server = MockServer::start().await;
    let gone = hiya_reply(404, "err-404", "Key not found");
    mount(&server, on("GET", "/v1/user/keys/gone"), gone, 1).await;
    let err = key_client(&server).get_key("gone").await.unwrap_err();
    let error = hiya_error(&err, 404);
    assert_eq!(error.id.as_deref(), Some("err-404"));
    assert_eq!(error.errors[0].message, "Key not found");
}

#[tokio::test]
async fn the_message_error_shape_is_decoded() {
    let server = MockServer::start().await;
    let unauthorized = json_reply(401, json!({"message": "Unauthorized"}));
    mount(
        &server,
        on("GET", "/v1/user/keys/some-key"),
        unauthorized,
        1,
    )
    .await;
    // An API key is not an issued token: a 401 is returned, not replayed.
    let err = key_client(&server).get_key("some-key").await.unwrap_err();
    let pe = provider_error(&err, 401);
    assert!(pe.is_auth_failure());
    match pe.body.as_ref().unwrap() {
        ErrorBody::Message { message } => assert_eq!(message, "Unauthorized"),
        other => panic!("expected ErrorBody::Message, got {other:?}"),
    }
}

/// Mounts `PATCH /v1/user/keys/ci-key` expecting exactly `body`, answering `answer` once.
async fn mount_update(server: &MockServer, body: serde_json::Value, answer: serde_json::Value) {
    let update = on("PATCH", "/v1/user/keys/ci-key").and(body_json(body));
    mount(server, update, json_reply(200, answer), 1).await;
}

#[tokio::test]
async fn update_key_sends_only_the_fields_set() {
    let server = MockServer::start().await;
    let exact = keyed("PATCH", "/v1/user/keys/ci-key")
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"handle": "ci-key-new"})));
    let updated = json_reply(200, api_key_json("ci-key-new", None));
    mount(&server, exact, updated, 1).await;
    let c = key_client(&server);
    let resp = c.update_key("ci-key").handle("ci-key-new").await.unwrap();
    assert_key(&resp.key, "ci-key-new", None);
}

#[tokio::test]
async fn update_key_alias_none_sends_null() {
    let server = MockServer::start().await;
    mount_update(
        &server,
        json!({"alias": null}),
        api_key_json("ci-key", None),
    )
    .await;
    let resp = key_client(&server)
        .update_key("ci-key")
        .alias(None)
        .await
        .unwrap();
    assert_key(&resp.key, "ci-key", None);
    assert_eq!(received(&server).await[0].body, br#"{"alias":null}"#);
}

#[tokio::test]
async fn update_key_alias_some_and_handle_together() {
    let server = MockServer::start().await;
    let both = json!({"handle": "ci-key-2", "alias": "Renamed"});
    mount_update(&server, both, api_key_json("ci-key-2", Some("Renamed"))).await;
    let resp = key_client(&server)
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
    let update = on("PATCH", "/v1/user/keys/ci-key");
    mount(&server, update, ResponseTemplate::new(503), 1).await;
    let c = key_client(&server);
    let err = c.update_key("ci-key").handle("ci-key-2").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn delete_key_accepts_204_and_200_without_body() {
    let server = MockServer::start().await;
    let old = keyed("DELETE", "/v1/user/keys/old-key");
    mount(&server, old, ResponseTemplate::new(204), 1).await;
    let older = on("DELETE", "/v1/user/keys/older-key");
    mount(&server, older, ResponseTemplate::new(200), 1).await;
    let c = key_client(&server);
    let _: loccus::delete_key::Response = c.delete_key("old-key").await.unwrap();
    c.delete_key("older-key").await.unwrap();
    for req in received(&server).await {
        assert!(req.body.is_empty());
    }
}

#[tokio::test]
async fn invalid_handles_are_rejected_before_sending() {
    let server = MockServer::start().await;
    mount_sign_in(&server, 0).await;
    let c = key_client(&server);
    let p = client(&server, with_password());
    for bad in [
        "Bad/Key", "", "..", ".", "a/../b", "key?x=1", "UPPER", "sp ace", "%2e%2e",
    ] {
        for c in [&c, &p] {
            let calls = [
                ("get_key", c.get_key(bad).await.map(drop)),
                ("update_key", c.update_key(bad).alias(None).await.map(drop)),
                ("delete_key", c.delete_key(bad).await.map(drop)),
            ];
            for (call, result) in calls {
                let ii = match result {
                    Err(Error::InvalidInput(ii)) => ii,
                    other => panic!("{call}({bad:?}): expected InvalidInput, got {other:?}"),
                };
                assert_eq!(ii.field, "key", "{bad:?}");
                if call == "delete_key" && bad.len() > 2 {
                    assert!(!ii.reason.contains(bad), "the value is not echoed");
                }
            }
        }
    }
    assert!(
        received(&server).await.is_empty(),
        "nothing reached the server, not even a sign-in"
    );
}
