//! Coinflow against a loopback wiremock server: `get_message`, `get_session_key` with each of
//! the three documented header sets, `verify_token`, the `{name, message}` error body, and the
//! `session` scheme's lifetime cap.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::Duration;

use auth_sdk::coinflow::{self, Blockchain, get_session_key::Identity};
use auth_sdk::{Error, ManualClock, Secret};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

mod common;
use common::{NoQuery, fast_retry};

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
    coinflow::Client::builder()
        .credentials(creds)
        .base_url(format!("{}/api", server.uri()))
        .allow_http_loopback(true)
        .retry(fast_retry())
        .build()
        .unwrap()
}

fn merchant() -> coinflow::Credentials {
    coinflow::Credentials::new().with_merchant_key(MERCHANT_KEY)
}

async fn mount_session_key(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/api/auth/session-key"))
        .and(NoQuery)
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"key": JWT})))
        .expect(1)
        .mount(server)
        .await;
}

async fn only_request(server: &MockServer) -> Request {
    let mut reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1, "exactly one request");
    reqs.remove(0)
}

#[tokio::test]
async fn get_message_sends_only_the_wallet_header_and_parses() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/auth"))
        .and(NoQuery)
        .and(header("x-coinflow-auth-wallet", "So1anaWa11et111"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"message": "Sign this to prove ownership: 123", "transaction": "AQID"}),
        ))
        .expect(1)
        .mount(&server)
        .await;

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
    Mock::given(method("GET"))
        .and(path("/api/auth"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"message": "sign me"})))
        .expect(2)
        .mount(&server)
        .await;

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

    let reqs = server.received_requests().await.unwrap();
    assert_auth_headers(
        &reqs[0],
        &[
            ("x-coinflow-auth-wallet", "0xEthWallet"),
            ("x-coinflow-auth-blockchain", "eth"),
        ],
    );
    assert_auth_headers(
        &reqs[1],
        &[
            ("x-coinflow-auth-wallet", "0xOther"),
            ("x-coinflow-auth-blockchain", "hyperchain"),
        ],
    );
}

#[tokio::test]
async fn get_session_key_set_a_user_id_with_raw_merchant_key() {
    let server = MockServer::start().await;
    mount_session_key(&server).await;

    let c = client(&server, merchant());
    let resp = c
        .get_session_key(Identity::UserId {
            user_id: "user-42".into(),
        })
        .await
        .unwrap();
    assert_eq!(resp.key.expose_secret(), JWT);

    let req = only_request(&server).await;
    assert_auth_headers(
        &req,
        &[
            ("authorization", MERCHANT_KEY),
            ("x-coinflow-auth-user-id", "user-42"),
        ],
    );
}

#[tokio::test]
async fn get_session_key_set_b_signed_wallet_without_merchant_key() {
    let server = MockServer::start().await;
    mount_session_key(&server).await;

    // The client holds a merchant key, yet set B must not send it.
    let c = client(&server, merchant());
    let resp = c
        .get_session_key(Identity::SignedWallet {
            signed_message: Secret::new("5igNedMe55age"),
            wallet: "So1anaWa11et111".into(),
            blockchain: Blockchain::Solana,
            merchant_id: "merchant-test".into(),
        })
        .await
        .unwrap();
    assert_eq!(resp.key.expose_secret(), JWT);

    let req = only_request(&server).await;
    assert_auth_headers(
        &req,
        &[
            ("x-coinflow-auth-signed-message", "5igNedMe55age"),
            ("x-coinflow-auth-wallet", "So1anaWa11et111"),
            ("x-coinflow-auth-blockchain", "solana"),
            ("x-coinflow-auth-merchant-id", "merchant-test"),
        ],
    );
}

#[tokio::test]
async fn get_session_key_set_b_works_on_a_client_without_credentials() {
    let server = MockServer::start().await;
    mount_session_key(&server).await;
    let c = client(&server, coinflow::Credentials::new());
    c.get_session_key(Identity::SignedWallet {
        signed_message: Secret::new("5ig"),
        wallet: "w".into(),
        blockchain: Blockchain::Polygon,
        merchant_id: "m".into(),
    })
    .await
    .unwrap();
    let req = only_request(&server).await;
    assert!(req.headers.get("authorization").is_none());
    assert_eq!(
        req.headers.get("x-coinflow-auth-blockchain").unwrap(),
        "polygon"
    );
}

#[tokio::test]
async fn get_session_key_set_c_merchant_wallet_with_raw_merchant_key() {
    let server = MockServer::start().await;
    mount_session_key(&server).await;

    let c = client(&server, merchant());
    c.get_session_key(Identity::MerchantWallet {
        wallet: "0xEthWallet".into(),
        blockchain: Blockchain::Base,
    })
    .await
    .unwrap();

    let req = only_request(&server).await;
    assert_auth_headers(
        &req,
        &[
            ("authorization", MERCHANT_KEY),
            ("x-coinflow-auth-wallet", "0xEthWallet"),
            ("x-coinflow-auth-blockchain", "base"),
        ],
    );
}

#[tokio::test]
async fn merchant_sets_without_merchant_key_are_missing_credential_and_send_nothing() {
    let server = MockServer::start().await;
    let c = client(&server, coinflow::Credentials::new());

    match c
        .get_session_key(Identity::UserId {
            user_id: "user-42".into(),
        })
        .await
        .unwrap_err()
    {
        Error::MissingCredential(mc) => {
            assert_eq!(mc.provider, "Coinflow");
            assert_eq!(mc.scheme, "merchant");
            assert_eq!(mc.credential, "merchant_key");
        }
        other => panic!("expected Error::MissingCredential, got {other:?}"),
    }
    assert!(matches!(
        c.get_session_key(Identity::MerchantWallet {
            wallet: "w".into(),
            blockchain: Blockchain::Eth,
        })
        .await
        .unwrap_err(),
        Error::MissingCredential(_)
    ));
    // The session scheme without an identity configured.
    assert!(matches!(
        client(&server, merchant())
            .send(balances::Request::new())
            .await
            .unwrap_err(),
        Error::MissingCredential(_)
    ));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn get_session_key_error_body_is_name_and_message() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/auth/session-key"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(
                json!({"name": "UnauthorizedError", "message": "Invalid merchant key"}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/auth"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "name": "ValidationError",
            "message": "x-coinflow-auth-wallet is required",
            "stack": "ValidationError: at handler (auth.ts:1)"
        })))
        .expect(1)
        .mount(&server)
        .await;

    let c = client(&server, merchant());
    let err = c
        .get_session_key(Identity::UserId {
            user_id: "user-42".into(),
        })
        .await
        .unwrap_err();
    match err {
        Error::Provider(pe) => {
            assert_eq!(pe.status.as_u16(), 401);
            assert_eq!(pe.endpoint, "get_session_key");
            assert!(pe.is_auth_failure());
            let body = pe.body.as_ref().unwrap();
            assert_eq!(body.name, "UnauthorizedError");
            assert_eq!(body.message, "Invalid merchant key");
            assert_eq!(body.stack, None);
        }
        other => panic!("expected Error::Provider, got {other:?}"),
    }

    let err = c.get_message("w").await.unwrap_err();
    let pe = err.provider_error().unwrap();
    assert_eq!(pe.status.as_u16(), 400);
    let body = pe.body.as_ref().unwrap();
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
    Mock::given(method("GET"))
        .and(path("/api/auth/verify"))
        .and(NoQuery)
        .and(header("x-coinflow-auth-session-key", JWT))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    let c = client(&server, merchant());
    let _ok: coinflow::verify_token::Response = c.verify_token(JWT).await.unwrap();
    let req = only_request(&server).await;
    assert_auth_headers(&req, &[("x-coinflow-auth-session-key", JWT)]);
}

#[tokio::test]
async fn verify_token_rejection_is_a_401_provider_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/auth/verify"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(
                json!({"name": "UnauthorizedError", "message": "Session key expired"}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;

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
    Mock::given(method("GET"))
        .and(path("/api/auth/session-key"))
        .and(header("authorization", MERCHANT_KEY))
        .and(header("x-coinflow-auth-user-id", "user-42"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"key": JWT})))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/customer/balances"))
        .and(header("x-coinflow-auth-session-key", JWT))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"total": 1250})))
        .expect(3)
        .mount(&server)
        .await;

    let clock = ManualClock::new();
    let c = coinflow::Client::builder()
        .credentials(merchant().with_identity(Identity::UserId {
            user_id: "user-42".into(),
        }))
        .base_url(format!("{}/api", server.uri()))
        .allow_http_loopback(true)
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
    for req in server.received_requests().await.unwrap() {
        if req.url.path() == "/api/customer/balances" {
            assert_auth_headers(&req, &[("x-coinflow-auth-session-key", JWT)]);
        }
    }
}
