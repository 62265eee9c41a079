#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! The requests the SDK really sends, seen by an interceptor on every attempt (checklist S2,
//! N6): all 15 documented calls of the five providers, plus calls that place a token the
//! client obtained by itself, against loopback wiremock, with a distinct canary in every
//! credential and in every token a server issues.
//!
//! - S2: every header that carries a secret (found by its canary, whatever its name) is
//!   marked sensitive on the final request of each attempt, and the request's `Debug` does
//!   not show it.
//! - N6: no URL the SDK builds or sends contains a secret; the one helper that must put a
//!   session key in a URL (Coinflow's hosted-UI link) returns it wrapped.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use auth_sdk::{
    AttemptContext, BoxError, Interceptor, PreparedRequest, ProviderClient, Secret, Timestamp,
    akool, coinflow, coolset, coopfin, http, loccus,
};
use coinflow::get_session_key::Identity;
use serde_json::json;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::endpoints::{cf_me, whoami};
use common::{fast_retry, json_reply, jwt, loopback, numbered, on, received, unix_secs};

const MARK: &str = "CANARY";

const CF_API: &str = "pk_test_CANARY_out_coopfin_api";
const CF_SECRET: &str = "sk_test_CANARY_out_coopfin_secret";
const CF_TOKEN: &str = "tok_test_CANARY_out_coopfin_token";
const CN_MERCHANT: &str = "sk_test_CANARY_out_coinflow_merchant";
const CN_SIGNED: &str = "sig_test_CANARY_out_coinflow_signed";
const CN_VERIFY: &str = "sess_test_CANARY_out_coinflow_verify";
const CN_SESSION_SIG: &str = "CANARY_out_coinflow_session";
const CS_TOKEN: &str = "sk_test_CANARY_out_coolset_token";
const AK_API: &str = "sk_test_CANARY_out_akool_api";
const AK_ID: &str = "id_test_CANARY_out_akool_client";
const AK_SECRET: &str = "sk_test_CANARY_out_akool_secret";
const AK_TOKEN: &str = "tok_test_CANARY_out_akool_token";
const LC_PASSWORD: &str = "pw_test_CANARY_out_loccus_password";
const LC_API: &str = "sk_test_CANARY_out_loccus_api";
const LC_SESSION: &str = "tok_test_CANARY_out_loccus_session";
const LC_KEY_TOKEN: &str = "sk_test_CANARY_out_loccus_keytoken";

const CF: &str = "/coopfin/v1";
const CN: &str = "/coinflow/api";
const CS: &str = "/coolset/api";
const AK: &str = "/akool";
const LC: &str = "/loccus/v1";

/// The 15 documented calls.
const DOCUMENTED: [&str; 15] = [
    "create_token",
    "get_message",
    "get_session_key",
    "verify_token",
    "user_config",
    "list_workspaces",
    "get_token",
    "quota_info",
    "sign_in",
    "get_user",
    "create_key",
    "get_key",
    "list_keys",
    "update_key",
    "delete_key",
];

// ---------------------------------------------------------------------------------------------
// The inspecting interceptor
// ---------------------------------------------------------------------------------------------

/// One attempt as it left the client.
#[derive(Debug, Clone)]
struct Attempt {
    endpoint: &'static str,
    url: String,
    headers: http::HeaderMap,
    debug: String,
}

/// Records the final request of every attempt (auth placed, every header set).
#[derive(Debug, Clone, Default)]
struct Inspector(Arc<Mutex<Vec<Attempt>>>);

impl Interceptor for Inspector {
    fn name(&self) -> &'static str {
        "inspector"
    }
    fn modify_before_transmit(
        &self,
        request: &mut PreparedRequest,
        ctx: &AttemptContext,
    ) -> Result<(), BoxError> {
        self.0.lock().unwrap().push(Attempt {
            endpoint: ctx.endpoint,
            url: request.url().to_owned(),
            headers: request.headers().clone(),
            debug: format!("{request:?} {request:#?}"),
        });
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Answers and clients
// ---------------------------------------------------------------------------------------------

/// A Coinflow session key: a JWT valid for a day whose signature is a canary.
fn session_jwt(n: usize) -> String {
    let exp = unix_secs(SystemTime::now()) + 24 * 3600;
    jwt(
        &format!(r#"{{"exp":{exp}}}"#),
        &format!("{CN_SESSION_SIG}-{n}"),
    )
}

fn ts(offset: Duration) -> String {
    Timestamp::from_system_time(SystemTime::now() + offset)
        .as_str()
        .to_owned()
}

fn api_key_json() -> serde_json::Value {
    json!({
        "id": "0b7e3f5c-0000-4000-8000-000000000002", "handle": "my-key", "alias": "Mine",
        "token": LC_KEY_TOKEN, "createdAt": "2023-01-01T00:00:00Z"
    })
}

/// Success answers for every path; issued tokens are canaries numbered per issue.
async fn mount_success(server: &MockServer) {
    let seq = |f: fn(usize) -> serde_json::Value| numbered(move |i| json_reply(200, f(i))).0;
    let ok = |v: serde_json::Value| json_reply(200, v);
    let key_path = |verb: &str| {
        Mock::given(method(verb)).and(path_regex(format!("^{LC}/user/keys/[a-z0-9-]+$")))
    };
    let user = json!({
        "id": "3f1c9a2e-0000-4000-8000-000000000002", "handle": "out-user", "alias": null,
        "email": "out-user@example.invalid", "emailVerified": true, "state": "verified",
        "orgs": 1, "spaces": 2, "createdAt": "2023-01-01T00:00:00Z"
    });
    let workspace = json!({
        "workspace_id": 1, "workspace_name": "Acme", "id": 1, "name": "Acme", "type": "active",
        "country": "NL", "member_count": 3, "is_mfa_enabled": true,
        "created_at": "2023-01-01T00:00:00Z", "updated_at": "2023-01-02T00:00:00Z"
    });
    let mounts: Vec<Mock> = vec![
        on("POST", &format!("{CF}/sandbox/token")).respond_with(seq(|i| {
            json!({"token_type": "Bearer", "token": format!("{CF_TOKEN}-{i}"), "expires_in": 86400})
        })),
        on("GET", &format!("{CF}/me")).respond_with(ok(json!({"user_id": "u1"}))),
        on("GET", &format!("{CN}/auth"))
            .respond_with(ok(json!({"message": "sign this", "transaction": null}))),
        on("GET", &format!("{CN}/auth/session-key"))
            .respond_with(seq(|i| json!({"key": session_jwt(i)}))),
        on("GET", &format!("{CN}/auth/verify")).respond_with(ResponseTemplate::new(200)),
        on("GET", &format!("{CN}/me")).respond_with(ok(json!({"user_id": "u1"}))),
        on("GET", &format!("{CS}/accounts/user-config/"))
            .respond_with(ok(json!({"language": "en"}))),
        on("GET", &format!("{CS}/accounts/workspaces/")).respond_with(ok(
            json!({"count": 1, "next": null, "previous": null, "results": [workspace]}),
        )),
        on("POST", &format!("{AK}/api/open/v3/getToken")).respond_with(seq(|i| {
            json!({"code": 1000, "token": format!("{AK_TOKEN}-{i}")})
        })),
        on("GET", &format!("{AK}/api/open/v3/faceswap/quota/info"))
            .respond_with(ok(json!({"code": 1000, "msg": "OK", "data": {"credit": 5.0}}))),
        on("POST", &format!("{LC}/auth/credentials")).respond_with(seq(|i| {
            json!({
                "token": format!("{LC_SESSION}-{i}"),
                "issuedAt": ts(Duration::ZERO),
                "expiresAt": ts(Duration::from_secs(3600)),
            })
        })),
        on("GET", &format!("{LC}/user")).respond_with(ok(user)),
        on("POST", &format!("{LC}/user/keys")).respond_with(json_reply(201, api_key_json())),
        on("GET", &format!("{LC}/user/keys")).respond_with(
            ok(json!([api_key_json()]))
                .insert_header("page-total", "1")
                .insert_header("item-total", "1"),
        ),
        key_path("GET").respond_with(ok(api_key_json())),
        key_path("PATCH").respond_with(ok(api_key_json())),
        key_path("DELETE").respond_with(ResponseTemplate::new(204)),
    ];
    for m in mounts {
        m.mount(server).await;
    }
}

/// A client of `P` at `root` + `prefix` holding `creds`, with `inspector` on every attempt.
fn inspected<P: ProviderClient>(
    root: &str,
    prefix: &str,
    creds: P::Credentials,
    inspector: &Inspector,
) -> P {
    loopback(format!("{root}{prefix}"), creds)
        .retry(fast_retry())
        .interceptor(inspector.clone())
        .build()
        .unwrap()
}

fn signed_wallet() -> Identity {
    Identity::SignedWallet {
        signed_message: Secret::new(CN_SIGNED),
        wallet: "Wallet111".to_owned(),
        blockchain: coinflow::Blockchain::Solana,
        merchant_id: "merchant-1".to_owned(),
    }
}

fn out_user() -> Identity {
    Identity::UserId {
        user_id: "out-user-1".to_owned(),
    }
}

/// Runs every documented call (each identity set of Coinflow, each credential kind of Akool
/// and Loccus) and the calls on self-obtained tokens, all of which must succeed; returns the
/// attempts the interceptor saw, the server, and a session key Coinflow issued.
async fn every_call() -> (Vec<Attempt>, MockServer, Secret) {
    let server = MockServer::start().await;
    mount_success(&server).await;
    let root = server.uri();
    let ins = Inspector::default();

    let cf_creds = coopfin::Credentials::new()
        .with_api_key(CF_API)
        .with_secret_key(CF_SECRET);
    let cf: coopfin::Client = inspected(&root, CF, cf_creds, &ins);
    cf.create_token(CF_API, CF_SECRET).await.unwrap();
    cf.send(whoami::Request::new()).await.unwrap();

    let cn_creds = coinflow::Credentials::new()
        .with_merchant_key(CN_MERCHANT)
        .with_identity(out_user());
    let cn: coinflow::Client = inspected(&root, CN, cn_creds, &ins);
    cn.get_message("Wallet111")
        .blockchain(coinflow::Blockchain::Solana)
        .await
        .unwrap();
    let session = cn.get_session_key(out_user()).await.unwrap();
    cn.get_session_key(signed_wallet()).await.unwrap();
    let merchant_wallet = Identity::MerchantWallet {
        wallet: "Wallet111".to_owned(),
        blockchain: coinflow::Blockchain::Eth,
    };
    cn.get_session_key(merchant_wallet).await.unwrap();
    cn.verify_token(CN_VERIFY).await.unwrap();
    cn.send(cf_me::Request::new()).await.unwrap();

    let cs_creds = coolset::Credentials::new().with_api_token(CS_TOKEN);
    let cs: coolset::Client = inspected(&root, CS, cs_creds, &ins);
    cs.user_config().await.unwrap();
    cs.list_workspaces()
        .name_icontains("acme")
        .search("acme co")
        .limit(5u32)
        .await
        .unwrap();

    let legacy = || {
        akool::Credentials::new()
            .with_client_id(AK_ID)
            .with_client_secret(AK_SECRET)
    };
    let ak_token: akool::Client = inspected(&root, AK, legacy(), &ins);
    ak_token.get_token(AK_ID, AK_SECRET).await.unwrap();
    ak_token.quota_info().await.unwrap();
    let ak_key: akool::Client = inspected(&root, AK, legacy().with_api_key(AK_API), &ins);
    ak_key.quota_info().await.unwrap();

    let password = || {
        loccus::Credentials::new()
            .with_handle("out-user")
            .with_password(LC_PASSWORD)
    };
    let lc_session: loccus::Client = inspected(&root, LC, password(), &ins);
    let lc_key: loccus::Client = inspected(&root, LC, password().with_api_key(LC_API), &ins);
    lc_session.sign_in("out-user", LC_PASSWORD).await.unwrap();
    for lc in [&lc_session, &lc_key] {
        lc.get_user().await.unwrap();
        lc.create_key("new-key").alias("New").await.unwrap();
        lc.get_key("my-key").await.unwrap();
        lc.list_keys().page(1u32).search("key").await.unwrap();
        lc.update_key("my-key")
            .handle("renamed")
            .alias(None::<String>)
            .await
            .unwrap();
        lc.delete_key("my-key").await.unwrap();
    }

    let attempts = ins.0.lock().unwrap().clone();
    let endpoints: BTreeSet<&str> = attempts.iter().map(|a| a.endpoint).collect();
    for name in DOCUMENTED {
        assert!(
            endpoints.contains(name),
            "{name} was not called: {endpoints:?}"
        );
    }
    (attempts, server, session.key)
}

// ---------------------------------------------------------------------------------------------
// S2
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn s2_every_secret_header_of_every_call_is_sensitive_on_the_final_request() {
    let (attempts, _server, _) = every_call().await;
    let mut secret_headers = BTreeSet::new();
    for a in &attempts {
        for (name, value) in &a.headers {
            let carries_secret = String::from_utf8_lossy(value.as_bytes()).contains(MARK);
            if carries_secret {
                assert!(
                    value.is_sensitive(),
                    "{}: `{name}` carries a secret but is not marked sensitive",
                    a.endpoint
                );
                secret_headers.insert(format!("{} {name}", a.endpoint));
            }
        }
        for name in [
            "authorization",
            "x-api-key",
            "x-coinflow-auth-session-key",
            "x-coinflow-auth-signed-message",
        ] {
            if let Some(v) = a.headers.get(name) {
                assert!(
                    v.is_sensitive(),
                    "{}: `{name}` is not sensitive",
                    a.endpoint
                );
            }
        }
        assert!(
            !a.debug.contains(MARK),
            "{}: Debug shows a secret: {}",
            a.endpoint,
            a.debug
        );
    }
    // Every way a secret travels in a header was exercised (raw and Bearer authorization,
    // API key, session key given and self-obtained, signed message).
    let want = [
        "whoami authorization",                           // CoopFin token, Bearer
        "get_session_key authorization",                  // Coinflow merchant key, raw
        "get_session_key x-coinflow-auth-signed-message", // Coinflow set B
        "verify_token x-coinflow-auth-session-key",       // a session key given by the caller
        "cf_me x-coinflow-auth-session-key",              // the cached session key
        "user_config authorization",                      // Coolset token
        "list_workspaces authorization",
        "quota_info authorization", // Akool token from getToken
        "quota_info x-api-key",     // Akool API key
        "get_user authorization",   // Loccus session and API key
        "create_key authorization",
        "get_key authorization",
        "list_keys authorization",
        "update_key authorization",
        "delete_key authorization",
    ];
    for w in want {
        assert!(
            secret_headers.contains(w),
            "missing {w}: {secret_headers:?}"
        );
    }
    eprintln!(
        "[outgoing] {} attempts, secret headers: {secret_headers:?}",
        attempts.len()
    );
}

// ---------------------------------------------------------------------------------------------
// N6
// ---------------------------------------------------------------------------------------------

/// `s` with every `%XX` decoded (lossy), so an encoded canary is found too.
fn percent_decoded(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (b[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn n6_no_url_of_any_call_carries_a_secret_and_hosted_links_stay_wrapped() {
    let (attempts, server, session_key) = every_call().await;
    for a in &attempts {
        assert!(
            !percent_decoded(&a.url).contains(MARK),
            "{}: a secret in the URL it builds: {}",
            a.endpoint,
            a.url
        );
    }
    let arrived = received(&server).await;
    assert_eq!(arrived.len(), attempts.len(), "every attempt arrived once");
    for r in &arrived {
        let url = r.url.as_str();
        assert!(
            !percent_decoded(url).contains(MARK),
            "a secret on the wire: {url}"
        );
    }
    // The calls with queries did send them (the check is not vacuous).
    assert!(
        arrived
            .iter()
            .any(|r| r.url.query().is_some_and(|q| q.contains("search=")))
    );

    // Coinflow's hosted-UI link carries the session key Coinflow issued, wrapped.
    assert!(session_key.expose_secret().contains(MARK));
    let link = coinflow::hosted_ui_url(
        coinflow::UI_BASE_URL_SANDBOX,
        "/solana/withdraw/merchant-1",
        &session_key,
    )
    .unwrap();
    for text in [format!("{link:?}"), format!("{link:#?}"), link.to_string()] {
        assert!(!text.contains(MARK), "{text}");
        assert!(text.contains("sessionKey"), "{text}");
    }
    assert!(link.expose_secret().contains(session_key.expose_secret()));
}
