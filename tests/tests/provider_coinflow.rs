//! Coinflow against a loopback wiremock server: `get_message`, `get_session_key` with each of
//! the three documented header sets, `verify_token`, the `{name, message}` error body, and the
//! `session` scheme's lifetime cap.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::Duration;

use auth_sdk::coinflow::{self, Blockchain, get_session_key::Identity};
use auth_sdk::{Error, ManualClock, Secret};
use serde_json::json;
use wiremock::matchers::header;
use wiremock::{MockServer, Request, ResponseTemplate};

mod common;
use common::{
    NoQuery, fast_client, json_reply, loopback, missing_credential, missing_credential_of, mount,
    on, provider_error, received,
};

/// A session key shaped like the vendor samples: a JWT whose `exp` is 2100-01-01.
const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjdXN0b21lcklkIjoidXNlci00MiIsIm1lcmNoYW50SWQiOiJtZXJjaGFudC10ZXN0IiwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJl";
const MERCHANT_KEY: &str = "mk_test_coinflow_123";

/// Every credential/identity header of the Coinflow vocabulary.
const AUTH_HEADERS: &[&str] = &[
    "authorization",
    "x-coinflow-auth-user-id",
    "x-coinflow-auth-signed-message",
    "x-coinflow-auth-wallet",
    "x-coinflow-auth-blockchain",
    "x-coinflow-auth-merchant-id",
    "x-coinflow-auth-session-key",
];

/// An endpoint on the `session` scheme, declared as a user would.
mod balances {
    use auth_sdk::{endpoint, response};

    /// The end user's balances.
    #[endpoint(name = balances, provider = auth_sdk::coinflow::Client, GET "/customer/balances", auth = session)]
    pub struct Request {}

    /// Balances.
    #[response(200)]
    pub struct Response {
        /// Total in cents.
        pub total: i64,
    }
}

/// Asserts that of the Coinflow auth headers, exactly `expected` are present with these values.
fn assert_auth_headers(req: &Request, expected: &[(&str, &str)]) {
    for name in AUTH_HEADERS {
        let got = req
            .headers
            .get(*name)
            .map(|v| v.to_str().unwrap().to_owned());
        let want = expected
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| (*v).to_owned());
        assert_eq!(got, want, "header `{name}`");
    }
    for (name, _) in expected {
        assert!(AUTH_HEADERS.contains(name), "unexpected expectation {name}");
    }
}

fn client(server: &MockServer, creds: coinflow::Credentials) -> coinflow::Client {
    fast_client(format!("{}/api", server.uri()), creds)
}

fn merchant() -> coinflow::Credentials {
    coinflow::Credentials::new().with_merchant_key(MERCHANT_KEY)
}

/// The identity of set A: the end user `user-42`.
fn user_42() -> Identity {
    Identity::UserId {
        user_id: "user-42".into(),
    }
}

/// The identity of set B: `message` signed by `wallet` on `blockchain`, for `merchant_id`.
fn signed_wallet(
    message: &str,
    wallet: &str,
    blockchain: Blockchain,
    merchant_id: &str,
) -> Identity {
    Identity::SignedWallet {
        signed_message: Secret::new(message),
        wallet: wallet.into(),
        blockchain,
        merchant_id: merchant_id.into(),
    }
}

/// `{"name": name, "message": message}` with `status`.
fn api_error(status: u16, name: &str, message: &str) -> ResponseTemplate {
    json_reply(status, json!({"name": name, "message": message}))
}

async fn mount_session_key(server: &MockServer) {
    let session_key = on("GET", "/api/auth/session-key").and(NoQuery);
    mount(server, session_key, json_reply(200, json!({"key": JWT})), 1).await;
}

async fn only_request(server: &MockServer) -> Request {
    let mut reqs = received(server).await;
    assert_eq!(reqs.len(), 1, "exactly one request");
    reqs.remove(0)
}

#[tokio::test]
async fn get_message_sends_only_the_wallet_header_and_parses() {
    let server = MockServer::start().await;
    let wallet = on("GET", "/api/auth")
        .and(NoQuery)
        .and(header("x-coinflow-auth-wallet", "So1anaWa11et111"));
    let message = json!({"message": "Sign this to prove ownership: 123", "transaction": "AQID"});
    mount(&server, wallet, json_reply(200, message), 1).await;

    // Even with a merchant key configured, get_message is unauthenticated.
    let c = client(&server, merchant());
    let resp = c.get_message("So1anaWa11et111").await.unwrap();
    assert_eq!(resp.message, "Sign this to prove ownership: 123");
    assert_eq!(resp.transaction.as_deref(), Some("AQID"));

    let req = only_request(&server).await;
    assert_eq!(req.method.as_str(), "GET");
    assert!(req.body.is_empty());
    assert_auth_headers(&req, &[("x-coinflow-auth-wallet", "So1anaWa11et111")]);
}

#[tokio::test]
async fn get_message_with_blockchain_sends_its_wire_value_and_transaction_is_optional() {
    let server = MockServer::start().await;
    let sign_me = json_reply(200, json!({"message": "sign me"}));
    mount(&server, on("GET", "/api/auth"), sign_me, 2).await;

    let c = client(&server, coinflow::Credentials::new());
    let resp = c
        .get_message("0xEthWallet")
        .blockchain(Blockchain::Eth)
        .await
        .unwrap();
    assert_eq!(resp.message, "sign me");
    assert_eq!(resp.transaction, None);
    c.get_message("0xOther")
        .blockchain(Blockchain::Other("hyperchain".into()))
        .send()
        .await
        .unwrap();

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 2);
    for (req, (wallet, chain)) in reqs
        .iter()
        .zip([("0xEthWallet", "eth"), ("0xOther", "hyperchain")])
    {
        let expected = [
            ("x-coinflow-auth-wallet", wallet),
            ("x-coinflow-auth-blockchain", chain),
        ];
        assert_auth_headers(req, &expected);
    }
}

/// Mints a session key for `identity` with a client holding `creds`, checks that the key
/// is the served one, and returns the only request sent.
async fn session_key_request(creds: coinflow::Credentials, identity: Identity) -> Request {
    let server = MockServer::start().await;
    mount_session_key(&server).await;
    let c = client(&server, creds);
    let resp = c.get_session_key(identity).await.unwrap();
    assert_eq!(resp.key.expose_secret(), JWT);
    only_request(&server).await
}

#[tokio::test]
async fn get_session_key_set_a_user_id_with_raw_merchant_key() {
    let req = session_key_request(merchant(), user_42()).await;
    let expected = [
        ("authorization", MERCHANT_KEY),
        ("x-coinflow-auth-user-id", "user-42"),
    ];
    assert_auth_headers(&req, &expected);
}

#[tokio::test]
async fn get_session_key_set_b_signed_wallet_without_merchant_key() {
    // The client holds a merchant key, yet set B must not send it.
    let signed = signed_wallet(
        "5igNedMe55age",
        "So1anaWa11et111",
        Blockchain::Solana,
        "merchant-test",
    );
    let req = session_key_request(merchant(), signed).await;
    let expected = [
        ("x-coinflow-auth-signed-message", "5igNedMe55age"),
        ("x-coinflow-auth-wallet", "So1anaWa11et111"),
        ("x-coinflow-auth-blockchain", "solana"),
        ("x-coinflow-auth-merchant-id", "merchant-test"),
    ];
    assert_auth_headers(&req, &expected);
}

#[tokio::test]
async fn get_session_key_set_b_works_on_a_client_without_credentials() {
    let signed = signed_wallet("5ig", "w", Blockchain::Polygon, "m");
    let req = session_key_request(coinflow::Credentials::new(), signed).await;
    assert!(req.headers.get("authorization").is_none());
    assert_eq!(
        req.headers.get("x-coinflow-auth-blockchain").unwrap(),
        "polygon"
    );
}

#[tokio::test]
async fn get_session_key_set_c_merchant_wallet_with_raw_merchant_key() {
    let wallet = Identity::MerchantWallet {
        wallet: "0xEthWallet".into(),
        blockchain: Blockchain::Base,
    };
    let req = session_key_request(merchant(), wallet).await;
    let expected = [
        ("authorization", MERCHANT_KEY),
        ("x-coinflow-auth-wallet", "0xEthWallet"),
        ("x-coinflow-auth-blockchain", "base"),
    ];
    assert_auth_headers(&req, &expected);
}

#[tokio::test]
async fn merchant_sets_without_merchant_key_are_missing_credential_and_send_nothing() {
    let server = MockServer::start().await;
    let c = client(&server, coinflow::Credentials::new());

    let err = c.get_session_key(user_42()).await.unwrap_err();
    let mc = missing_credential_of(err, "Coinflow", "merchant");
    assert_eq!(mc.credential, "merchant_key");
    let wallet = Identity::MerchantWallet {
        wallet: "w".into(),
        blockchain: Blockchain::Eth,
    };
    missing_credential(c.get_session_key(wallet).await.unwrap_err());
    // The session scheme without an identity configured.
    let no_identity = client(&server, merchant());
    missing_credential(
        no_identity
            .send(balances::Request::new())
            .await
            .unwrap_err(),
    );
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn get_session_key_error_body_is_name_and_message() {
    let server = MockServer::start().await;
    let invalid_key = api_error(401, "UnauthorizedError", "Invalid merchant key");
    mount(&server, on("GET", "/api/auth/session-key"), invalid_key, 1).await;
    let with_stack = json!({
        "name": "ValidationError",
        "message": "x-coinflow-auth-wallet is required",
        "stack": "ValidationError: at handler (auth.ts:1)"
    });
    mount(
        &server,
        on("GET", "/api/auth"),
        json_reply(400, with_stack),
        1,
    )
    .await;

    let c = client(&server, merchant());
    let err = c.get_session_key(user_42()).await.unwrap_err();
    assert!(matches!(err, Error::Provider(_)), "{err:?}");
    let pe = provider_error(&err, 401);
    assert_eq!(pe.endpoint, "get_session_key");
    assert!(pe.is_auth_failure());
    let body = pe.body.as_ref().unwrap();
    assert_eq!(body.name, "UnauthorizedError");
    assert_eq!(body.message, "Invalid merchant key");
    assert_eq!(body.stack, None);

    let err = c.get_message("w").await.unwrap_err();
    let body = provider_error(&err, 400).body.as_ref().unwrap();
    assert_eq!(body.name, "ValidationError");
    assert_eq!(body.message, "x-coinflow-auth-wallet is required");
    assert_eq!(
        body.stack.as_deref(),
        Some("ValidationError: at handler (auth.ts:1)")
    );
}

#[tokio::test]
async fn verify_token_sends_the_session_key_header_and_accepts_an_empty_200() {
    let server = MockServer::start().await;
    let verify = on("GET", "/api/auth/verify")
        .and(NoQuery)
        .and(header("x-coinflow-auth-session-key", JWT));
    mount(&server, verify, ResponseTemplate::new(200), 1).await;

    let c = client(&server, merchant());
    let _ok: coinflow::verify_token::Response = c.verify_token(JWT).await.unwrap();
    let req = only_request(&server).await;
    assert_auth_headers(&req, &[("x-coinflow-auth-session-key", JWT)]);
}

#[tokio::test]
async fn verify_token_rejection_is_a_401_provider_error() {
    let server = MockServer::start().await;
    let expired = api_error(401, "UnauthorizedError", "Session key expired");
    mount(&server, on("GET", "/api/auth/verify"), expired, 1).await;

    let c = client(&server, coinflow::Credentials::new());
    let err = c.verify_token("not-a-live-key").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    let pe = err.provider_error().unwrap();
    assert!(pe.is_auth_failure());
    assert_eq!(pe.body.as_ref().unwrap().message, "Session key expired");
}

#[tokio::test]
async fn session_scheme_caps_the_session_key_at_30_minutes() {
    let server = MockServer::start().await;
    let set_a = on("GET", "/api/auth/session-key")
        .and(header("authorization", MERCHANT_KEY))
        .and(header("x-coinflow-auth-user-id", "user-42"));
    mount(&server, set_a, json_reply(200, json!({"key": JWT})), 2).await;
    let balances =
        on("GET", "/api/customer/balances").and(header("x-coinflow-auth-session-key", JWT));
    mount(
        &server,
        balances,
        json_reply(200, json!({"total": 1250})),
        3,
    )
    .await;

    let clock = ManualClock::new();
    let c: coinflow::Client = loopback(
        format!("{}/api", server.uri()),
        merchant().with_identity(user_42()),
    )
    .clock(clock.clone())
    .build()
    .unwrap();
    assert_eq!(c.send(balances::Request::new()).await.unwrap().total, 1250);
    clock.advance(Duration::from_secs(60));
    c.send(balances::Request::new()).await.unwrap();
    // The JWT says 2100, the cap says 30 minutes: a new key is minted.
    clock.advance(Duration::from_secs(1800));
    c.send(balances::Request::new()).await.unwrap();

    // The merchant key never travels on the end-user call.
    for req in received(&server).await {
        if req.url.path() == "/api/customer/balances" {
            assert_auth_headers(&req, &[("x-coinflow-auth-session-key", JWT)]);
        }
    }
}
