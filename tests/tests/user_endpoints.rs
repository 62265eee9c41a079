//! Endpoints the SDK does not ship, declared here the way a user would declare them in their
//! own crate with `auth_sdk::{endpoint, response, model}`, and sent with `client.send(..)`:
//! the provider's authentication (token issuing, caching, replay after a rejection) applies
//! to them exactly as to the built-in calls.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use auth_sdk::coinflow::get_session_key::Identity;
use auth_sdk::{Error, akool, coinflow, coolset, coopfin, loccus};
use serde_json::json;
use wiremock::matchers::{body_json, header};
use wiremock::{MockBuilder, MockServer, ResponseTemplate};

mod common;
use common::{
    NoHeader, QueryIs, bearer, count, fast_client, invalid_input, json_reply, loopback,
    missing_credential, mount, mount_once, on, provider_error, received,
};

// ------------------------------------------------------------------ user specs

/// CoopFin: an account balance (not documented by CoopFin; declared by the user).
mod coopfin_balance {
    use auth_sdk::{endpoint, response};

    /// Reads the balance of one account.
    #[endpoint(
        name = account_balance,
        provider = auth_sdk::coopfin::Client,
        GET "/accounts/{account_id}/balance",
        auth = token
    )]
    pub struct Request {
        /// The account.
        #[path(charset = "a-zA-Z0-9_-")]
        pub account_id: String,
    }

    /// The balance.
    #[response(200)]
    pub struct Response {
        /// Account id, echoed.
        pub account_id: String,
        /// Balance in minor units.
        pub balance: i64,
        /// ISO currency code.
        pub currency: String,
    }
}

/// Coolset: one order (the making-requests guide shows `GET /api/orders/`).
mod coolset_order {
    use auth_sdk::{endpoint, response};

    /// Lists the lines of one order created after a date.
    #[endpoint(
        name = order_lines,
        provider = auth_sdk::coolset::Client,
        GET "/orders/{order_id}/lines/",
        auth = token
    )]
    pub struct Request {
        /// The order.
        #[path]
        pub order_id: u64,
        /// Only lines created at or after this date.
        #[query(rename = "created_at__gte")]
        pub created_after: Option<String>,
        /// Sort fields.
        #[query]
        pub ordering: Option<String>,
        /// Page size.
        #[query]
        pub limit: Option<u32>,
    }

    /// One page of order lines.
    #[response(200)]
    pub struct Response {
        /// Total.
        pub count: u64,
        /// Lines, untyped.
        pub results: Vec<auth_sdk::serde_json::Value>,
    }
}

/// Akool: a video's status, on the legacy bearer token.
mod akool_video {
    use auth_sdk::{endpoint, model, response};

    /// Reads the status of a generated video.
    #[endpoint(
        name = video_status,
        provider = auth_sdk::akool::Client,
        GET "/api/open/v3/content/video/infobymodelid",
        auth = token
    )]
    pub struct Request {
        /// The video's id.
        #[query]
        pub video_model_id: String,
    }

    /// Akool's envelope around the video.
    #[response(200)]
    pub struct Response {
        /// Business code, 1000.
        pub code: i64,
        /// Message.
        pub msg: String,
        /// The video.
        pub data: Video,
    }

    /// A video.
    #[model]
    pub struct Video {
        /// 1 queueing, 2 processing, 3 completed, 4 failed.
        pub video_status: i64,
        /// URL when completed.
        pub video: Option<String>,
    }
}

/// Coinflow: an end-user endpoint on the session key.
mod coinflow_balances {
    use auth_sdk::{endpoint, response};

    /// Reads the end user's balances.
    #[endpoint(
        name = customer_balances,
        provider = auth_sdk::coinflow::Client,
        GET "/customer/balances",
        auth = session
    )]
    pub struct Request {
        /// The device, when known.
        #[header("x-device-id")]
        pub device_id: Option<String>,
    }

    /// Balances.
    #[response(200)]
    pub struct Response {
        /// Cents.
        pub cents: i64,
    }
}

/// Loccus: submit an audio for an authenticity verification (a POST with a JSON body).
mod loccus_verify {
    use auth_sdk::{Timestamp, endpoint, response};

    /// Verifies the authenticity of an audio file.
    #[endpoint(
        name = verify_authenticity,
        provider = auth_sdk::loccus::Client,
        POST "/spaces/{owner}/{space}/verifications/authenticity",
        auth = session_or_key
    )]
    pub struct Request {
        /// Owner handle.
        #[path(charset = "a-z0-9-")]
        pub owner: String,
        /// Space handle.
        #[path(charset = "a-z0-9-")]
        pub space: String,
        /// Where the audio is.
        #[body(rename = "audioUrl")]
        pub audio_url: String,
        /// Channel to analyse.
        #[body]
        pub channel: Option<u32>,
        /// Free-text label.
        #[body(rename = "customLabel")]
        pub label: Option<String>,
        /// Correlation id for the caller's logs.
        #[header("x-trace-id")]
        pub trace_id: String,
    }

    /// The verification.
    #[response(201, rename_all = "camelCase")]
    pub struct Response {
        /// Verification id.
        pub id: String,
        /// Authenticity score, 0 to 1.
        pub score: f64,
        /// When it was created.
        pub created_at: Timestamp,
    }
}

// ------------------------------------------------------------------ helpers

/// A Coinflow-style session key: a JWT whose `exp` is 2100-01-01.
const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjdXN0b21lcklkIjoidXNlci00MiIsIm1lcmNoYW50SWQiOiJtZXJjaGFudC10ZXN0IiwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJl";
const BALANCE: &str = "/v1/accounts/acc_1/balance";
const VIDEO: &str = "/api/open/v3/content/video/infobymodelid";
const CUSTOMER_BALANCES: &str = "/api/customer/balances";
const SESSION_KEY: &str = "/api/auth/session-key";

fn coopfin_client(server: &MockServer) -> coopfin::Client {
    let creds = coopfin::Credentials::new()
        .with_api_key("pk_test_user")
        .with_secret_key("sk_test_user");
    fast_client(format!("{}/v1", server.uri()), creds)
}

/// Mounts CoopFin's token endpoint for the user's key pair answering `token`, expected
/// once; with `first_only`, it answers only the first exchange.
async fn mount_coopfin_token(server: &MockServer, token: &str, first_only: bool) {
    let pair = body_json(json!({"api_key": "pk_test_user", "secret_key": "sk_test_user"}));
    let exchange = on("POST", "/v1/sandbox/token").and(pair);
    let answer = json_reply(
        200,
        json!({"token_type": "Bearer", "token": token, "expires_in": 86400}),
    );
    if first_only {
        mount_once(server, exchange, answer).await;
    } else {
        mount(server, exchange, answer, 1).await;
    }
}

fn balance_ok() -> ResponseTemplate {
    json_reply(
        200,
        json!({"account_id": "acc_1", "balance": 125_000, "currency": "KES"}),
    )
}

/// `401 {"error": "Unauthenticated"}`.
fn unauthenticated() -> ResponseTemplate {
    json_reply(401, json!({"error": "Unauthenticated"}))
}

/// An Akool client holding only the legacy pair `client_test_1` / `cs_test_1`.
fn akool_client(server: &MockServer) -> akool::Client {
    let creds = akool::Credentials::new()
        .with_client_id("client_test_1")
        .with_client_secret("cs_test_1");
    loopback(server.uri(), creds).build().unwrap()
}

/// `GET VIDEO?video_model_id=vid-42` with the bearer `token`.
fn video_with(token: &str) -> MockBuilder {
    on("GET", VIDEO)
        .and(QueryIs(vec![("video_model_id", "vid-42")]))
        .and(bearer(token))
}

/// A Coinflow client holding the merchant key and the end user `user-42`.
fn coinflow_client(server: &MockServer) -> coinflow::Client {
    let creds = coinflow::Credentials::new()
        .with_merchant_key("mk_test_user_endpoints")
        .with_identity(Identity::UserId {
            user_id: "user-42".into(),
        });
    loopback(format!("{}/api", server.uri()), creds)
        .build()
        .unwrap()
}

/// `GET CUSTOMER_BALANCES` with the session key `key`.
fn balances_with(key: &str) -> MockBuilder {
    on("GET", CUSTOMER_BALANCES).and(header("x-coinflow-auth-session-key", key))
}

// ------------------------------------------------------------------ CoopFin

#[tokio::test]
async fn coopfin_user_endpoint_gets_a_token_once_and_reuses_it() {
    let server = MockServer::start().await;
    mount_coopfin_token(&server, "tok-user-1", false).await;
    let balance = on("GET", BALANCE)
        .and(QueryIs(vec![]))
        .and(bearer("tok-user-1"));
    mount(&server, balance, balance_ok(), 3).await;

    let c = coopfin_client(&server);
    for _ in 0..3 {
        let b = c
            .send(coopfin_balance::Request::new("acc_1"))
            .await
            .unwrap();
        assert_eq!(b.account_id, "acc_1");
        assert_eq!(b.balance, 125_000);
        assert_eq!(b.currency, "KES");
    }
    assert_eq!(received(&server).await[0].url.path(), "/v1/sandbox/token");
}

#[tokio::test]
async fn coopfin_user_endpoint_401_once_refetches_the_token_and_replays_once() {
    let server = MockServer::start().await;
    mount_coopfin_token(&server, "tok-revoked", true).await;
    mount_coopfin_token(&server, "tok-new", false).await;
    let revoked = on("GET", BALANCE).and(bearer("tok-revoked"));
    mount(&server, revoked, unauthenticated(), 1).await;
    mount(
        &server,
        on("GET", BALANCE).and(bearer("tok-new")),
        balance_ok(),
        2,
    )
    .await;

    let c = coopfin_client(&server);
    let b = c
        .send(coopfin_balance::Request::new("acc_1"))
        .await
        .unwrap();
    assert_eq!(b.balance, 125_000);
    assert_eq!(count(&server, "/v1/sandbox/token").await, 2);
    assert_eq!(count(&server, BALANCE).await, 2);
    // The new token stays cached.
    c.send(coopfin_balance::Request::new("acc_1"))
        .await
        .unwrap();
    assert_eq!(count(&server, "/v1/sandbox/token").await, 2);
}

#[tokio::test]
async fn coopfin_user_endpoint_always_401_fails_after_one_replay() {
    let server = MockServer::start().await;
    mount_coopfin_token(&server, "tok-a", true).await;
    mount_coopfin_token(&server, "tok-b", false).await;
    mount(&server, on("GET", BALANCE), unauthenticated(), 2).await;

    let err = coopfin_client(&server)
        .send(coopfin_balance::Request::new("acc_1"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Provider(_)), "{err:?}");
    let pe = provider_error(&err, 401);
    assert_eq!(pe.endpoint, "account_balance");
    assert!(pe.is_auth_failure());
    assert_eq!(pe.body.as_ref().unwrap().error, "Unauthenticated");
    let seen: Vec<(String, Option<String>)> = received(&server)
        .await
        .iter()
        .map(|r| {
            (
                r.url.path().to_owned(),
                r.headers
                    .get("authorization")
                    .map(|v| v.to_str().unwrap().to_owned()),
            )
        })
        .collect();
    let call = |token: &str| (BALANCE.to_owned(), Some(format!("Bearer {token}")));
    let exchange = ("/v1/sandbox/token".to_owned(), None);
    assert_eq!(
        seen,
        vec![exchange.clone(), call("tok-a"), exchange, call("tok-b")]
    );
}

#[tokio::test]
async fn coopfin_user_endpoint_path_param_is_checked_before_anything_is_sent() {
    let server = MockServer::start().await;
    let err = coopfin_client(&server)
        .send(coopfin_balance::Request::new("acc/../admin"))
        .await
        .unwrap_err();
    assert_eq!(invalid_input(err).field, "account_id");
    assert!(received(&server).await.is_empty());
}

// ------------------------------------------------------------------ Coolset

#[tokio::test]
async fn coolset_user_endpoint_sends_static_bearer_path_and_query() {
    let server = MockServer::start().await;
    let lines = on("GET", "/api/orders/4711/lines/")
        .and(QueryIs(vec![
            ("created_at__gte", "2024-01-01"),
            ("limit", "5"),
        ]))
        .and(bearer("sk_test_coolset_user"))
        .and(header("content-type", "application/json"));
    let page = json!({"count": 1, "results": [{"sku": "A-1", "qty": 2}]});
    mount(&server, lines, json_reply(200, page), 1).await;

    let base = format!("{}/api", server.uri());
    let creds = coolset::Credentials::new().with_api_token("sk_test_coolset_user");
    let c: coolset::Client = loopback(&base, creds).build().unwrap();
    let page = c
        .send(
            coolset_order::Request::new(4711u64)
                .created_after("2024-01-01")
                .limit(5u32),
        )
        .await
        .unwrap();
    assert_eq!(page.count, 1);
    assert_eq!(page.results[0], json!({"sku": "A-1", "qty": 2}));

    // The unset `ordering` is absent, not empty.
    let reqs = received(&server).await;
    assert!(!reqs[0].url.query_pairs().any(|(k, _)| k == "ordering"));

    // Without a token nothing is sent.
    let none: coolset::Client = loopback(&base, coolset::Credentials::new())
        .build()
        .unwrap();
    let err = none.send(coolset_order::Request::new(1u64)).await;
    missing_credential(err.unwrap_err());
    assert_eq!(received(&server).await.len(), 1);
}

// ------------------------------------------------------------------ Akool

#[tokio::test]
async fn akool_user_endpoint_code_1101_refetches_the_token_and_replays_once() {
    let server = MockServer::start().await;
    let exchange = || {
        let pair = json!({"clientId": "client_test_1", "clientSecret": "cs_test_1"});
        on("POST", "/api/open/v3/getToken").and(body_json(pair))
    };
    let token = |token: &str| json_reply(200, json!({"code": 1000, "token": token}));
    mount_once(&server, exchange(), token("tok-akool-old")).await;
    mount(&server, exchange(), token("tok-akool-new"), 1).await;
    let expired = json_reply(
        200,
        json!({"code": 1101, "msg": "Invalid authorization or The request token has expired"}),
    );
    let old = video_with("tok-akool-old").and(NoHeader("x-api-key"));
    mount(&server, old, expired, 1).await;
    let completed = json_reply(
        200,
        json!({
            "code": 1000,
            "msg": "OK",
            "data": {"video_status": 3, "video": "https://cdn.example.invalid/v.mp4"}
        }),
    );
    mount(&server, video_with("tok-akool-new"), completed, 1).await;

    let v = akool_client(&server)
        .send(akool_video::Request::new("vid-42"))
        .await
        .unwrap();
    assert_eq!(v.code, 1000);
    assert_eq!(v.msg, "OK");
    assert_eq!(v.data.video_status, 3);
    assert_eq!(
        v.data.video.as_deref(),
        Some("https://cdn.example.invalid/v.mp4")
    );
}

#[tokio::test]
async fn akool_user_endpoint_1101_twice_is_an_error_after_one_replay() {
    let server = MockServer::start().await;
    let token = json_reply(200, json!({"code": 1000, "token": "tok-x"}));
    mount(&server, on("POST", "/api/open/v3/getToken"), token, 2).await;
    let expired = json_reply(200, json!({"code": 1101, "msg": "expired"}));
    mount(&server, on("GET", VIDEO), expired, 2).await;
    let err = akool_client(&server)
        .send(akool_video::Request::new("vid-42"))
        .await
        .unwrap_err();
    let pe = err.provider_error().unwrap();
    assert_eq!(pe.code, Some(1101));
    assert_eq!(
        pe.body.as_ref().unwrap().code,
        akool::Code::InvalidAuthorization
    );
}

// ------------------------------------------------------------------ Coinflow

#[tokio::test]
async fn coinflow_session_endpoint_mints_a_session_key_once_and_sends_it() {
    let server = MockServer::start().await;
    let set_a = on("GET", SESSION_KEY)
        .and(header("authorization", "mk_test_user_endpoints"))
        .and(header("x-coinflow-auth-user-id", "user-42"))
        .and(NoHeader("x-coinflow-auth-wallet"));
    mount(&server, set_a, json_reply(200, json!({"key": JWT})), 1).await;
    let session_only = balances_with(JWT)
        .and(QueryIs(vec![]))
        .and(NoHeader("authorization"))
        .and(NoHeader("x-coinflow-auth-user-id"));
    mount(
        &server,
        session_only,
        json_reply(200, json!({"cents": 990})),
        2,
    )
    .await;

    let c = coinflow_client(&server);
    let b = c.send(coinflow_balances::Request::new()).await.unwrap();
    assert_eq!(b.cents, 990);
    c.send(coinflow_balances::Request::new().device_id("dev-1"))
        .await
        .unwrap();

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].url.path(), SESSION_KEY);
    assert!(reqs[1].headers.get("x-device-id").is_none());
    assert_eq!(reqs[2].headers.get("x-device-id").unwrap(), "dev-1");
}

#[tokio::test]
async fn coinflow_session_endpoint_401_mints_a_new_key_and_replays_once() {
    let server = MockServer::start().await;
    let key = |key: &str| json_reply(200, json!({"key": key}));
    mount_once(&server, on("GET", SESSION_KEY), key("sess-old")).await;
    mount(&server, on("GET", SESSION_KEY), key(JWT), 1).await;
    let expired = json_reply(
        401,
        json!({"name": "UnauthorizedError", "message": "Session expired"}),
    );
    mount(&server, balances_with("sess-old"), expired, 1).await;
    mount(
        &server,
        balances_with(JWT),
        json_reply(200, json!({"cents": 1})),
        1,
    )
    .await;
    let c = coinflow_client(&server);
    let b = c.send(coinflow_balances::Request::new()).await.unwrap();
    assert_eq!(b.cents, 1);
}

// ------------------------------------------------------------------ POST with a body

#[tokio::test]
async fn post_body_renames_fields_omits_unset_ones_and_sends_the_header_field() {
    let server = MockServer::start().await;
    let verification = on("POST", "/v1/spaces/acme/calls/verifications/authenticity")
        .and(QueryIs(vec![]))
        .and(bearer("bG9jY3VzLXVzZXI="))
        .and(header("content-type", "application/json"))
        .and(header("x-trace-id", "trace-0001"))
        .and(body_json(json!({
            "audioUrl": "https://files.example.invalid/a.wav",
            "channel": 1
        })));
    let created = json!({
        "id": "ver-1",
        "score": 0.93,
        "createdAt": "2024-05-01T10:00:00.000000Z"
    });
    mount(&server, verification, json_reply(201, created), 1).await;

    let creds = loccus::Credentials::new().with_api_key("bG9jY3VzLXVzZXI=");
    let c: loccus::Client = loopback(format!("{}/v1", server.uri()), creds)
        .build()
        .unwrap();
    let req = loccus_verify::Request::new(
        "acme",
        "calls",
        "https://files.example.invalid/a.wav",
        "trace-0001",
    )
    .channel(1u32);
    assert!(req.label.is_none());
    let v = c.send(req).await.unwrap();
    assert_eq!(v.id, "ver-1");
    assert!((v.score - 0.93).abs() < 1e-9);
    assert_eq!(v.created_at.as_str(), "2024-05-01T10:00:00.000000Z");

    let reqs = received(&server).await;
    let body: serde_json::Value = reqs[0].body_json().unwrap();
    let obj = body.as_object().unwrap();
    assert!(!obj.contains_key("customLabel") && !obj.contains_key("label"));
    assert!(!obj.contains_key("trace_id") && !obj.contains_key("x-trace-id"));
    assert!(!obj.contains_key("owner") && !obj.contains_key("space"));
}
