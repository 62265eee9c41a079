#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! Secrets are never shown (checklist S1–S4, N6): Debug of every credential, request and
//! response type, every error rendering and `source()` chain, TRACE-level tracing output,
//! sensitive outgoing headers, and URLs. Every secret is a distinct canary containing `CANARY`.

use std::fmt::Debug;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use auth_sdk::__private::bytes::Bytes;
use auth_sdk::http;
use auth_sdk::{
    BaseUrl, ClientBuilder, Endpoint, Error, ProviderClient, RetryPolicy, Secret, Timeouts,
    Timestamp, TransportError, akool, coinflow, coolset, coopfin, loccus, reqwest,
};
use coinflow::get_session_key::Identity;
use serde_json::json;
use wiremock::matchers::{any, header, method, path_regex};
use wiremock::{Mock, MockBuilder, MockServer, Request, ResponseTemplate};

mod common;
use common::endpoints::{cf_me, whoami};
use common::{
    closed_port, fast_retry, json_reply, jwt, loopback, mount_any, numbered, on, received,
    unix_secs,
};

// ---------------------------------------------------------------------------------------------
// Canaries
// ---------------------------------------------------------------------------------------------

/// Every canary contains this marker; no rendering may contain it.
const MARK: &str = "CANARY";

const CF_API: &str = "pk_test_CANARY_coopfin_api_7f3a9";
const CF_SECRET: &str = "sk_test_CANARY_coopfin_secret_7f3a9";
const CF_TOKEN: &str = "tok_test_CANARY_coopfin_token_7f3a9";
const CN_MERCHANT: &str = "sk_test_CANARY_coinflow_merchant_7f3a9";
const CN_SIGNED: &str = "sig_test_CANARY_coinflow_signed_7f3a9";
const CN_VERIFY: &str = "sess_test_CANARY_coinflow_verify_7f3a9";
const CN_SESSION_SIG: &str = "CANARY_coinflow_session_7f3a9";
const CS_TOKEN: &str = "sk_test_CANARY_coolset_token_7f3a9";
const AK_API: &str = "sk_test_CANARY_akool_api_7f3a9";
const AK_ID: &str = "id_test_CANARY_akool_client_7f3a9";
const AK_SECRET: &str = "sk_test_CANARY_akool_secret_7f3a9";
const AK_TOKEN: &str = "tok_test_CANARY_akool_token_7f3a9";
const LC_PASSWORD: &str = "pw_test_CANARY_loccus_password_7f3a9";
const LC_API: &str = "sk_test_CANARY_loccus_api_7f3a9";
const LC_SESSION: &str = "tok_test_CANARY_loccus_session_7f3a9";
const LC_KEY_TOKEN: &str = "sk_test_CANARY_loccus_keytoken_7f3a9";
const REDIRECT_CANARY: &str = "sk_test_CANARY_redirect_7f3a9";

const ALL_CANARIES: &[&str] = &[
    CF_API,
    CF_SECRET,
    CF_TOKEN,
    CN_MERCHANT,
    CN_SIGNED,
    CN_VERIFY,
    CN_SESSION_SIG,
    CS_TOKEN,
    AK_API,
    AK_ID,
    AK_SECRET,
    AK_TOKEN,
    LC_PASSWORD,
    LC_API,
    LC_SESSION,
    LC_KEY_TOKEN,
    REDIRECT_CANARY,
];

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(MARK), "{what} leaks a canary: {text}");
    for c in ALL_CANARIES {
        assert!(!text.contains(c), "{what} leaks {c}: {text}");
    }
}

const CF: &str = "/coopfin/v1";
const CN: &str = "/coinflow/api";
const CS: &str = "/coolset/api";
const AK: &str = "/akool";
const LC: &str = "/loccus/v1";
const QUOTA: &str = "/api/open/v3/faceswap/quota/info";

// ---------------------------------------------------------------------------------------------
// Helpers: JWTs, bodies, clients
// ---------------------------------------------------------------------------------------------

/// A Coinflow session key: a JWT valid for 24 h whose signature part is the canary.
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
        "id": "0b7e3f5c-0000-4000-8000-000000000001",
        "handle": "my-key",
        "alias": "Mine",
        "token": LC_KEY_TOKEN,
        "createdAt": "2023-01-01T00:00:00Z"
    })
}

fn loccus_user_json() -> serde_json::Value {
    json!({
        "id": "3f1c9a2e-0000-4000-8000-000000000001",
        "handle": "redaction-user",
        "alias": null,
        "email": "redaction-user@example.invalid",
        "emailVerified": true,
        "state": "verified",
        "orgs": 1,
        "spaces": 2,
        "createdAt": "2023-01-01T00:00:00Z"
    })
}

fn workspace_json() -> serde_json::Value {
    json!({
        "workspace_id": 1, "workspace_name": "Acme", "id": 1, "name": "Acme", "type": "active",
        "country": "NL", "member_count": 3, "is_mfa_enabled": true,
        "created_at": "2023-01-01T00:00:00Z", "updated_at": "2023-01-02T00:00:00Z"
    })
}

/// Every client of the sweep, each with canaries in every credential.
struct Clients {
    coopfin: coopfin::Client,
    coinflow: coinflow::Client,
    coolset: coolset::Client,
    /// API key (preferred by `api_key_or_token`) plus the legacy pair.
    akool_key: akool::Client,
    /// Only the legacy pair: `quota_info` goes through `get_token`.
    akool_token: akool::Client,
    /// Handle and password: `session_or_key` signs in.
    loccus_session: loccus::Client,
    /// Handle, password and API key: `session_or_key` uses the key.
    loccus_key: loccus::Client,
}

fn clients(root: &str, retry: RetryPolicy, timeouts: Timeouts) -> Clients {
    clients_using(root, retry, timeouts, false)
}

/// [`clients`], each given the caller's own `reqwest::ClientBuilder` when `user_http` (one
/// that follows redirects, as reqwest's default does).
fn clients_using(root: &str, retry: RetryPolicy, timeouts: Timeouts, user_http: bool) -> Clients {
    let build = |prefix: &str| (format!("{root}{prefix}"), retry, timeouts, user_http);
    Clients {
        coopfin: sweep_client(build(CF), coopfin_creds()),
        coinflow: sweep_client(
            build(CN),
            coinflow::Credentials::new()
                .with_merchant_key(CN_MERCHANT)
                .with_identity(redaction_user()),
        ),
        coolset: sweep_client(
            build(CS),
            coolset::Credentials::new().with_api_token(CS_TOKEN),
        ),
        akool_key: sweep_client(build(AK), akool_legacy().with_api_key(AK_API)),
        akool_token: sweep_client(build(AK), akool_legacy()),
        loccus_session: sweep_client(build(LC), loccus_password()),
        loccus_key: sweep_client(build(LC), loccus_password().with_api_key(LC_API)),
    }
}

/// A client of `P` at `base`, with `retry` and `timeouts`, holding `creds`.
fn sweep_client<P: ProviderClient>(
    (base, retry, timeouts, user_http): (String, RetryPolicy, Timeouts, bool),
    creds: P::Credentials,
) -> P {
    let b = loopback(base, creds).retry(retry).timeouts(timeouts);
    let b = if user_http {
        b.http_client(reqwest::Client::builder().redirect(reqwest::redirect::Policy::limited(10)))
    } else {
        b
    };
    b.build().unwrap()
}

fn coopfin_creds() -> coopfin::Credentials {
    coopfin::Credentials::new()
        .with_api_key(CF_API)
        .with_secret_key(CF_SECRET)
}

/// Coinflow set B: the canary signature of `Wallet111` on Solana for `merchant-1`.
fn signed_wallet() -> Identity {
    Identity::SignedWallet {
        signed_message: Secret::new(CN_SIGNED),
        wallet: "Wallet111".to_owned(),
        blockchain: coinflow::Blockchain::Solana,
        merchant_id: "merchant-1".to_owned(),
    }
}

/// Coinflow set A: the end user `redaction-user-1`.
fn redaction_user() -> Identity {
    Identity::UserId {
        user_id: "redaction-user-1".to_owned(),
    }
}

/// Akool's legacy client id and secret.
fn akool_legacy() -> akool::Credentials {
    akool::Credentials::new()
        .with_client_id(AK_ID)
        .with_client_secret(AK_SECRET)
}

/// Loccus handle and password.
fn loccus_password() -> loccus::Credentials {
    loccus::Credentials::new()
        .with_handle("redaction-user")
        .with_password(LC_PASSWORD)
}

// ---------------------------------------------------------------------------------------------
// 1. Exact Debug strings
// ---------------------------------------------------------------------------------------------

#[test]
fn secret_debug_is_exact() {
    for c in ALL_CANARIES {
        let s = Secret::new(*c);
        assert_eq!(format!("{s:?}"), "Secret([REDACTED])");
        assert_eq!(format!("{:#?}", s), "Secret([REDACTED])");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some(Secret([REDACTED]))");
        assert_eq!(s.expose_secret(), *c);
    }
}

#[test]
fn coopfin_credentials_debug_is_pinned() {
    let creds = coopfin::Credentials::new()
        .with_api_key(CF_API)
        .with_secret_key(CF_SECRET);
    assert_eq!(
        format!("{creds:?}"),
        "Credentials { api_key: Some(Secret([REDACTED])), secret_key: Some(Secret([REDACTED])) }"
    );
    assert_clean("coopfin::Credentials {:#?}", &format!("{creds:#?}"));
}

#[test]
fn every_provider_credentials_debug_is_redacted() {
    let texts = [
        format!(
            "{:?}",
            coinflow::Credentials::new()
                .with_merchant_key(CN_MERCHANT)
                .with_identity(signed_wallet())
        ),
        format!("{:?}", coolset::Credentials::new().with_api_token(CS_TOKEN)),
        format!(
            "{:?}",
            akool::Credentials::new()
                .with_api_key(AK_API)
                .with_client_id(AK_ID)
                .with_client_secret(AK_SECRET)
        ),
        format!(
            "{:?}",
            loccus::Credentials::new()
                .with_handle("redaction-user")
                .with_password(LC_PASSWORD)
                .with_api_key(LC_API)
        ),
    ];
    for t in &texts {
        assert_clean("Credentials Debug", t);
        assert!(t.contains("[REDACTED]"), "{t}");
    }
    assert_eq!(
        texts[0],
        "Credentials { merchant_key: Some(Secret([REDACTED])), identity: Some(SignedWallet { \
         signed_message: Secret([REDACTED]), wallet: \"Wallet111\", blockchain: Solana, \
         merchant_id: \"merchant-1\" }) }"
    );
    assert_eq!(
        texts[1],
        "Credentials { api_token: Some(Secret([REDACTED])) }"
    );
    assert_eq!(
        texts[2],
        "Credentials { api_key: Some(Secret([REDACTED])), client_id: Some(Secret([REDACTED])), \
         client_secret: Some(Secret([REDACTED])) }"
    );
    assert_eq!(
        texts[3],
        "Credentials { handle: Some(\"redaction-user\"), password: Some(Secret([REDACTED])), \
         api_key: Some(Secret([REDACTED])) }"
    );
}

fn http_response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> http::Response<Bytes> {
    let mut b = http::Response::builder().status(status);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Bytes::copy_from_slice(body)).unwrap()
}

/// Debug of `E`'s response parsed from a 200 with `headers` and `body`.
fn parsed_debug<E: Endpoint>(headers: &[(&str, &str)], body: serde_json::Value) -> String
where
    E::Response: Debug,
{
    let response = http_response(200, headers, body.to_string().as_bytes());
    format!("{:?}", auth_sdk::parse_response::<E>(response).unwrap())
}

#[test]
fn s1_request_and_response_debug_is_redacted() {
    let req = coopfin::create_token::Request::new(CF_API, CF_SECRET);
    let t = format!("{req:?}");
    assert_eq!(
        t,
        "Request { api_key: Secret([REDACTED]), secret_key: Secret([REDACTED]) }"
    );

    let body = json!({"token_type": "Bearer", "token": CF_TOKEN, "expires_in": 600});
    let resp = auth_sdk::parse_response::<coopfin::create_token::Request>(http_response(
        200,
        &[],
        body.to_string().as_bytes(),
    ))
    .unwrap();
    assert_eq!(resp.token.expose_secret(), CF_TOKEN);
    assert_eq!(
        format!("{resp:?}"),
        "Response { token_type: \"Bearer\", token: Secret([REDACTED]), expires_in: 600 }"
    );

    let resp = auth_sdk::parse_response::<loccus::create_key::Request>(http_response(
        201,
        &[],
        api_key_json().to_string().as_bytes(),
    ))
    .unwrap();
    assert_eq!(resp.key.token.expose_secret(), LC_KEY_TOKEN);
    assert_eq!(
        format!("{resp:?}"),
        "Response { key: ApiKey { id: \"0b7e3f5c-0000-4000-8000-000000000001\", handle: \"my-key\", \
         alias: Some(\"Mine\"), token: Secret([REDACTED]), created_at: Timestamp(2023-01-01T00:00:00Z) } }"
    );

    let id = signed_wallet();
    assert_eq!(
        format!("{id:?}"),
        "SignedWallet { signed_message: Secret([REDACTED]), wallet: \"Wallet111\", \
         blockchain: Solana, merchant_id: \"merchant-1\" }"
    );
    let req = coinflow::get_session_key::Request::new(id);
    assert_eq!(
        format!("{req:?}"),
        "Request { identity: SignedWallet { signed_message: Secret([REDACTED]), wallet: \
         \"Wallet111\", blockchain: Solana, merchant_id: \"merchant-1\" } }"
    );

    // Every other request and response type carrying a secret.
    let texts = [
        format!("{:?}", coinflow::verify_token::Request::new(CN_VERIFY)),
        format!("{:?}", akool::get_token::Request::new(AK_ID, AK_SECRET)),
        format!(
            "{:?}",
            loccus::sign_in::Request::new("redaction-user", LC_PASSWORD)
        ),
        parsed_debug::<loccus::sign_in::Request>(
            &[],
            json!({"token": LC_SESSION, "issuedAt": ts(Duration::ZERO), "expiresAt": ts(Duration::from_secs(3600))}),
        ),
        parsed_debug::<akool::get_token::Request>(&[], json!({"code": 1000, "token": AK_TOKEN})),
        parsed_debug::<coinflow::get_session_key::Request>(&[], json!({"key": session_jwt(1)})),
        parsed_debug::<loccus::list_keys::Request>(
            &[("page-total", "1"), ("item-total", "1")],
            json!([api_key_json()]),
        ),
        parsed_debug::<loccus::get_key::Request>(&[], api_key_json()),
        parsed_debug::<loccus::update_key::Request>(&[], api_key_json()),
    ];
    for t in &texts {
        assert_clean("request/response Debug", t);
        assert!(t.contains("Secret([REDACTED])"), "{t}");
    }
}

#[test]
fn builder_and_client_debug_is_redacted() {
    let c = clients(
        "https://api.test.invalid",
        RetryPolicy::default(),
        Timeouts::default(),
    );
    let coopfin_client = format!("{:?}", c.coopfin);
    assert_clean("coopfin::Client Debug", &coopfin_client);
    assert!(coopfin_client.contains(
        "credentials: Credentials { api_key: Some(Secret([REDACTED])), secret_key: Some(Secret([REDACTED])) }"
    ));
    // The config part follows the runtime's settings; the part up to the credentials is pinned.
    assert!(
        coopfin_client.starts_with(
            "Client { provider: \"CoopFin Network\", base_url: \"https://api.test.invalid/coopfin/v1\", \
             credentials: Credentials { api_key: Some(Secret([REDACTED])), secret_key: Some(Secret([REDACTED])) }, \
             config: Config { "
        ),
        "{coopfin_client}"
    );
    assert!(coopfin_client.ends_with(", .. }"), "{coopfin_client}");

    let lw = format!(
        "{:?}",
        c.coolset
            .list_workspaces()
            .name_icontains("acme")
            .limit(5u32)
    );
    assert_clean("list_workspaces Builder Debug", &lw);
    assert!(
        lw.starts_with("Builder { client: Client { provider: \"Coolset\""),
        "{lw}"
    );
    assert!(
        lw.contains("credentials: Credentials { api_token: Some(Secret([REDACTED])) }"),
        "{lw}"
    );
    let ck = format!("{:?}", c.loccus_key.create_key("new-key").alias("New"));
    assert_clean("create_key Builder Debug", &ck);
    assert!(ck.contains("[REDACTED]"), "{ck}");
    assert!(
        ck.ends_with("request: Request { handle: \"new-key\", alias: Some(\"New\") } }"),
        "{ck}"
    );

    for t in [
        format!("{:?}", c.coinflow),
        format!("{:?}", c.coolset),
        format!("{:?}", c.akool_key),
        format!("{:?}", c.akool_token),
        format!("{:?}", c.loccus_session),
        format!("{:?}", c.loccus_key),
        format!("{:#?}", c.coopfin),
        format!(
            "{:?}",
            coopfin::Client::builder().credentials(
                coopfin::Credentials::new()
                    .with_api_key(CF_API)
                    .with_secret_key(CF_SECRET)
            )
        ),
        format!("{:?}", c.coinflow.get_message("Wallet111")),
        format!("{:?}", c.loccus_key.list_keys().page(2u32)),
        format!(
            "{:?}",
            c.loccus_key.update_key("my-key").alias(None::<String>)
        ),
    ] {
        assert_clean("client/builder Debug", &t);
        assert!(t.contains("[REDACTED]"), "{t}");
    }
}

// ---------------------------------------------------------------------------------------------
// 2–3. Canary sweep over every call and failure path, with a TRACE subscriber
// ---------------------------------------------------------------------------------------------

/// Collects leaks instead of stopping at the first, and the outcome of every call.
#[derive(Default)]
struct Sweep {
    leaks: Vec<String>,
    outcomes: Vec<(String, String)>,
    errors_checked: usize,
    responses_checked: usize,
}

fn kind<B>(e: &Error<B>) -> String {
    match e {
        Error::InvalidInput(_) => "InvalidInput".into(),
        Error::MissingCredential(_) => "MissingCredential".into(),
        Error::TokenExchange(_) => "TokenExchange".into(),
        Error::Timeout(t) => format!("Timeout({:?})", t.kind),
        Error::Transport(t) => format!("Transport({:?})", t.kind),
        Error::Provider(p) => format!("Provider({})", p.status.as_u16()),
        Error::Decode(_) => "Decode".into(),
        Error::RateLimited(_) => "RateLimited".into(),
        _ => "other".into(),
    }
}

impl Sweep {
    fn scan(&mut self, label: &str, what: &str, text: &str) {
        if text.contains(MARK) {
            self.leaks.push(format!("{label} [{what}]: {text}"));
        }
    }

    fn error(&mut self, label: &str, e: &(dyn std::error::Error + 'static)) {
        self.errors_checked += 1;
        let mut depth = 0;
        let mut cur = Some(e);
        while let Some(c) = cur {
            self.scan(label, &format!("source {depth} Display"), &c.to_string());
            self.scan(label, &format!("source {depth} Debug"), &format!("{c:?}"));
            self.scan(label, &format!("source {depth} Debug#"), &format!("{c:#?}"));
            cur = c.source();
            depth += 1;
        }
    }

    fn rec<T: Debug, B: Debug + Send + Sync + 'static>(
        &mut self,
        label: &str,
        r: &Result<T, Error<B>>,
    ) {
        let outcome = match r {
            Ok(v) => {
                self.responses_checked += 1;
                self.scan(label, "response Debug", &format!("{v:?}"));
                self.scan(label, "response Debug#", &format!("{v:#?}"));
                "Ok".to_owned()
            }
            Err(e) => {
                self.scan(label, "Error Display", &format!("{e}"));
                self.scan(label, "Error Debug", &format!("{e:?}"));
                self.error(label, e);
                if let Error::TokenExchange(te) = e {
                    self.error(label, te.inner());
                }
                kind(e)
            }
        };
        self.outcomes.push((label.to_owned(), outcome));
    }

    /// The outcomes recorded since `from`.
    fn since(&self, from: usize) -> &[(String, String)] {
        &self.outcomes[from..]
    }
}

/// Runs every call of every provider once. Returns the index of its first outcome.
async fn run_all(s: &mut Sweep, scenario: &str, c: &Clients) -> usize {
    let start = s.outcomes.len();
    let l = |name: &str| format!("{scenario}: {name}");
    s.rec(
        &l("coopfin.create_token"),
        &c.coopfin.create_token(CF_API, CF_SECRET).await,
    );
    s.rec(
        &l("coopfin.whoami(token)"),
        &c.coopfin.send(whoami::Request::new()).await,
    );
    s.rec(
        &l("coinflow.get_message"),
        &c.coinflow
            .get_message("Wallet111")
            .blockchain(coinflow::Blockchain::Solana)
            .await,
    );
    s.rec(
        &l("coinflow.get_session_key(UserId)"),
        &c.coinflow.get_session_key(redaction_user()).await,
    );
    s.rec(
        &l("coinflow.get_session_key(SignedWallet)"),
        &c.coinflow.get_session_key(signed_wallet()).await,
    );
    s.rec(
        &l("coinflow.get_session_key(MerchantWallet)"),
        &c.coinflow
            .get_session_key(Identity::MerchantWallet {
                wallet: "Wallet111".to_owned(),
                blockchain: coinflow::Blockchain::Eth,
            })
            .await,
    );
    s.rec(
        &l("coinflow.verify_token"),
        &c.coinflow.verify_token(CN_VERIFY).await,
    );
    s.rec(
        &l("coinflow.cf_me(session)"),
        &c.coinflow.send(cf_me::Request::new()).await,
    );
    s.rec(&l("coolset.user_config"), &c.coolset.user_config().await);
    s.rec(
        &l("coolset.list_workspaces"),
        &c.coolset
            .list_workspaces()
            .name_icontains("acme")
            .kind(coolset::WorkspaceType::Active)
            .limit(5u32)
            .await,
    );
    s.rec(
        &l("akool.get_token"),
        &c.akool_token.get_token(AK_ID, AK_SECRET).await,
    );
    s.rec(
        &l("akool.quota_info(api_key)"),
        &c.akool_key.quota_info().await,
    );
    s.rec(
        &l("akool.quota_info(token)"),
        &c.akool_token.quota_info().await,
    );
    s.rec(
        &l("loccus.sign_in"),
        &c.loccus_session
            .sign_in("redaction-user", LC_PASSWORD)
            .await,
    );
    s.rec(
        &l("loccus.get_user(session)"),
        &c.loccus_session.get_user().await,
    );
    s.rec(&l("loccus.get_user(key)"), &c.loccus_key.get_user().await);
    s.rec(
        &l("loccus.create_key(session)"),
        &c.loccus_session.create_key("new-key").alias("New").await,
    );
    s.rec(
        &l("loccus.list_keys(key)"),
        &c.loccus_key.list_keys().page(1u32).page_size(10u32).await,
    );
    s.rec(
        &l("loccus.get_key(key)"),
        &c.loccus_key.get_key("my-key").await,
    );
    s.rec(
        &l("loccus.update_key(session)"),
        &c.loccus_session
            .update_key("my-key")
            .handle("my-key")
            .alias(None::<String>)
            .await,
    );
    s.rec(
        &l("loccus.delete_key(key)"),
        &c.loccus_key.delete_key("my-key").await,
    );
    start
}

/// `verb` on `prefix` + `rest` (`rest` ending in `/{key}` matches any key handle).
fn at(verb: &str, prefix: &str, rest: &str) -> MockBuilder {
    match rest.strip_suffix("/{key}") {
        Some(keys) => {
            Mock::given(method(verb)).and(path_regex(format!("^{prefix}{keys}/[a-z0-9-]+$")))
        }
        None => on(verb, &format!("{prefix}{rest}")),
    }
}

/// Success answers for every path, with canary tokens (`-N` suffix per issue).
async fn mount_success(server: &MockServer) {
    let seq = |f: fn(usize) -> serde_json::Value| numbered(move |i| json_reply(200, f(i))).0;
    let ok = |v: serde_json::Value| json_reply(200, v);
    let mounts: Vec<Mock> = vec![
        at("POST", CF, "/sandbox/token").respond_with(seq(|i| {
            json!({"token_type": "Bearer", "token": format!("{CF_TOKEN}-{i}"), "expires_in": 86400})
        })),
        at("GET", CF, "/me").respond_with(ok(json!({"user_id": "u1"}))),
        at("GET", CN, "/auth").respond_with(ok(json!({"message": "sign this", "transaction": null}))),
        at("GET", CN, "/auth/session-key").respond_with(seq(|i| json!({"key": session_jwt(i)}))),
        at("GET", CN, "/auth/verify").respond_with(ResponseTemplate::new(200)),
        at("GET", CN, "/me").respond_with(ok(json!({"user_id": "u1"}))),
        at("GET", CS, "/accounts/user-config/").respond_with(
            ok(json!({"language": "en", "features": ["a"]}))
                .insert_header("x-ratelimit-limit", "1000")
                .insert_header("x-ratelimit-remaining", "999")
                .insert_header("x-ratelimit-reset", "1700000000"),
        ),
        at("GET", CS, "/accounts/workspaces/").respond_with(ok(json!({
            "count": 1, "next": null, "previous": null, "results": [workspace_json()]
        }))),
        at("POST", AK, "/api/open/v3/getToken")
            .respond_with(seq(|i| json!({"code": 1000, "token": format!("{AK_TOKEN}-{i}")}))),
        at("GET", AK, QUOTA)
            .respond_with(ok(json!({"code": 1000, "msg": "OK", "data": {"credit": 1234.5}}))),
        at("POST", LC, "/auth/credentials").respond_with(seq(|i| {
            json!({
                "token": format!("{LC_SESSION}-{i}"),
                "issuedAt": ts(Duration::ZERO),
                "expiresAt": ts(Duration::from_secs(3600)),
            })
        })),
        at("GET", LC, "/user").respond_with(ok(loccus_user_json())),
        at("POST", LC, "/user/keys").respond_with(json_reply(201, api_key_json())),
        at("GET", LC, "/user/keys").respond_with(
            ok(json!([api_key_json()]))
                .insert_header("page-total", "1")
                .insert_header("page-size", "10")
                .insert_header("page-current", "1")
                .insert_header("item-total", "1"),
        ),
        at("GET", LC, "/user/keys/{key}").respond_with(ok(api_key_json())),
        at("PATCH", LC, "/user/keys/{key}").respond_with(ok(api_key_json())),
        at("DELETE", LC, "/user/keys/{key}").respond_with(ResponseTemplate::new(204)),
    ];
    for m in mounts {
        m.mount(server).await;
    }
}

/// (method, path regex) of every endpoint the sweep calls.
fn endpoint_paths() -> Vec<(&'static str, String)> {
    vec![
        ("POST", format!("^{CF}/sandbox/token$")),
        ("GET", format!("^{CF}/me$")),
        ("GET", format!("^{CN}/auth$")),
        ("GET", format!("^{CN}/auth/session-key$")),
        ("GET", format!("^{CN}/auth/verify$")),
        ("GET", format!("^{CN}/me$")),
        ("GET", format!("^{CS}/accounts/user-config/$")),
        ("GET", format!("^{CS}/accounts/workspaces/$")),
        ("POST", format!("^{AK}/api/open/v3/getToken$")),
        ("GET", format!("^{AK}/api/open/v3/faceswap/quota/info$")),
        ("POST", format!("^{LC}/auth/credentials$")),
        ("GET", format!("^{LC}/user$")),
        ("POST", format!("^{LC}/user/keys$")),
        ("GET", format!("^{LC}/user/keys$")),
        ("GET", format!("^{LC}/user/keys/[a-z0-9-]+$")),
        ("PATCH", format!("^{LC}/user/keys/[a-z0-9-]+$")),
        ("DELETE", format!("^{LC}/user/keys/[a-z0-9-]+$")),
    ]
}

/// A provider-shaped error body (no canary) for `status`, by path prefix.
fn error_body(path: &str, status: u16) -> serde_json::Value {
    if path.starts_with(CF) {
        json!({"error": "Invalid request"})
    } else if path.starts_with(CN) {
        json!({"name": "ValidationError", "message": "bad input"})
    } else if path.starts_with(CS) {
        json!({"detail": "Bad request", "error_code": "bad_request"})
    } else if path.starts_with(AK) {
        json!({"code": 1102, "msg": "authorization missing"})
    } else {
        json!({"error": {"id": "err-1", "code": status, "errors": [{"message": "bad"}]}})
    }
}

/// Success statuses whose bodies do not decode and carry canaries.
async fn mount_undecodable(server: &MockServer) {
    let body = json_reply;
    let mounts: Vec<Mock> = vec![
        // serde would quote the canary: `invalid type: string "...", expected i64`.
        at("POST", CF, "/sandbox/token").respond_with(body(200, json!({"token_type": "Bearer", "token": CF_TOKEN, "expires_in": CF_TOKEN}))),
        at("GET", CF, "/me").respond_with(body(200, json!({"user_id": 7, "debug": CF_TOKEN}))),
        at("GET", CN, "/auth").respond_with(body(200, json!({"message": 5, "transaction": CN_MERCHANT}))),
        at("GET", CN, "/auth/session-key").respond_with(body(200, json!({"key": [session_jwt(1)]}))),
        at("GET", CN, "/auth/verify").respond_with(ResponseTemplate::new(200).set_body_string(format!("not json {CN_VERIFY}"))),
        at("GET", CS, "/accounts/user-config/").respond_with(
            ResponseTemplate::new(200).set_body_string(format!("{{\"token\": \"{CS_TOKEN}\"")),
        ),
        at("GET", CS, "/accounts/workspaces/").respond_with(body(200, json!({"count": CS_TOKEN, "results": []}))),
        at("POST", AK, "/api/open/v3/getToken").respond_with(body(200, json!({"code": 1000, "token": 42, "echo": AK_SECRET}))),
        at("GET", AK, QUOTA).respond_with(body(200, json!({"code": 1000, "msg": "OK", "data": {"credit": AK_API}}))),
        at("POST", LC, "/auth/credentials").respond_with(body(200, json!({"token": LC_SESSION, "issuedAt": LC_SESSION, "expiresAt": LC_SESSION}))),
        at("GET", LC, "/user").respond_with(body(200, json!({"id": "u", "handle": "h", "email": "e", "state": "verified", "orgs": LC_API, "spaces": 1, "createdAt": "2023-01-01T00:00:00Z"}))),
        // A created key whose answer lacks `createdAt`: the token must survive in the raw body.
        at("POST", LC, "/user/keys").respond_with(body(201, json!({"id": "k", "handle": "new-key", "alias": null, "token": LC_KEY_TOKEN}))),
        at("GET", LC, "/user/keys").respond_with(body(200, json!([{"id": "k", "handle": "my-key", "token": LC_KEY_TOKEN, "createdAt": LC_KEY_TOKEN}]))),
        at("GET", LC, "/user/keys/{key}").respond_with(body(200, json!({"id": "k", "handle": 1, "token": LC_KEY_TOKEN}))),
        at("PATCH", LC, "/user/keys/{key}").respond_with(body(200, json!({"id": "k", "handle": "my-key", "alias": 3, "token": LC_KEY_TOKEN, "createdAt": "2023-01-01T00:00:00Z"}))),
    ];
    for m in mounts {
        m.mount(server).await;
    }
}

struct Capture(Arc<Mutex<Vec<u8>>>);
impl io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn s4_canary_sweep_over_every_call_and_failure_with_trace_logging() {
    let captured = Arc::new(Mutex::new(Vec::<u8>::new()));
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_writer(move || Capture(sink.clone()))
        .finish();
    // A global (not thread-scoped) subscriber: with a thread-scoped one, tracing-core caches
    // `Interest::never` for a callsite first hit on another test's thread (which has no
    // subscriber), and the SDK's spans would then go unrecorded here. Events of the other
    // tests of this file, which use the same canaries, are captured and checked too.
    tracing::subscriber::set_global_default(subscriber).expect("only this test sets one");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let sweep = rt.block_on(sweep());

    let log = String::from_utf8_lossy(&captured.lock().unwrap()).into_owned();
    assert!(!log.is_empty(), "nothing was traced");
    if let Ok(p) = std::env::var("REDACTION_TRACE_DUMP") {
        std::fs::write(p, &log).unwrap();
    }
    for expected in [
        "auth_sdk.call",
        "endpoint=\"create_token\"",
        "obtaining a token",
        "sending attempt",
        "call failed",
        "retrying",
        "credentials rejected",
    ] {
        assert!(
            log.contains(expected),
            "the trace lacks {expected:?}:\n{log}"
        );
    }
    let leaked: Vec<&str> = log.lines().filter(|l| l.contains(MARK)).collect();
    assert!(
        leaked.is_empty(),
        "TRACE output leaks canaries:\n{}",
        leaked.join("\n")
    );
    assert!(
        sweep.leaks.is_empty(),
        "{} leaks:\n{}",
        sweep.leaks.len(),
        sweep.leaks.join("\n")
    );
    assert!(sweep.errors_checked >= 80, "{}", sweep.errors_checked);
    assert!(sweep.responses_checked >= 40, "{}", sweep.responses_checked);
}

fn assert_outcomes(s: &Sweep, from: usize, scenario: &str, ok: impl Fn(&str, &str) -> bool) {
    for (label, outcome) in s.since(from) {
        assert!(
            ok(label, outcome),
            "{scenario}: unexpected outcome {outcome} for {label}"
        );
    }
}

/// The calls on an issued token or session, which a rejection makes refetch and replay;
/// `prefix` starts every label.
async fn run_rejected(s: &mut Sweep, prefix: &str, c: &Clients) {
    let l = |name: &str| format!("{prefix}{name}");
    s.rec(
        &l("401: coopfin.whoami"),
        &c.coopfin.send(whoami::Request::new()).await,
    );
    s.rec(
        &l("401: coinflow.cf_me"),
        &c.coinflow.send(cf_me::Request::new()).await,
    );
    s.rec(
        &l("1101: akool.quota_info(token)"),
        &c.akool_token.quota_info().await,
    );
    s.rec(
        &l("401: loccus.get_user(session)"),
        &c.loccus_session.get_user().await,
    );
}

/// Runs every call against a server answering everything with `status` and a
/// provider-shaped body: each ends in `Provider(status)`, or a failed token exchange.
async fn run_all_failing(s: &mut Sweep, scenario: &str, status: u16) {
    let server = MockServer::start().await;
    let failing = move |r: &Request| json_reply(status, error_body(r.url.path(), status));
    mount_any(&server, Mock::given(any()), failing).await;
    let c = clients(&server.uri(), fast_retry(), Timeouts::default());
    let from = run_all(s, scenario, &c).await;
    let expected = format!("Provider({status})");
    assert_outcomes(s, from, scenario, |_, o| {
        o == expected || o == "TokenExchange"
    });
}

async fn sweep() -> Sweep {
    // Control: the scanner flags a leak, and a raw serde message would quote a canary placed
    // where the decode fixtures put them (`expires_in: "<token>"`).
    let mut control = Sweep::default();
    let raw = serde_json::from_value::<i64>(json!(CF_TOKEN)).unwrap_err();
    control.error("control", &raw);
    assert!(
        !control.leaks.is_empty(),
        "the scanner must flag a serde message quoting a canary"
    );

    let mut s = Sweep::default();

    // -- success paths
    let server = MockServer::start().await;
    mount_success(&server).await;
    let c = clients(&server.uri(), fast_retry(), Timeouts::default());
    let from = run_all(&mut s, "success", &c).await;
    assert_outcomes(&s, from, "success", |_, o| o == "Ok");
    // Every credential canary really went on the wire (in a header or a body).
    let wire: String = received(&server)
        .await
        .iter()
        .map(|r| {
            let headers: Vec<String> = r
                .headers
                .values()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect();
            format!(
                "{} {}\n",
                headers.join(" "),
                String::from_utf8_lossy(&r.body)
            )
        })
        .collect();
    for c in ALL_CANARIES {
        if ![LC_KEY_TOKEN, REDIRECT_CANARY].contains(c) {
            assert!(wire.contains(c), "{c} was never sent");
        }
    }
    // Cached tokens are reused on a second round.
    let from = run_all(&mut s, "success (cached)", &c).await;
    assert_outcomes(&s, from, "success (cached)", |_, o| o == "Ok");
    s.scan("client after calls", "Debug", &format!("{:?}", c.coopfin));
    s.scan(
        "client after calls",
        "Debug",
        &format!("{:?}", c.loccus_session),
    );

    // -- 401 (and Akool 1101) with a cached token: refetch and replay
    let server = MockServer::start().await;
    let unauthorized = |body: serde_json::Value| json_reply(401, body);
    let first = |token: &str| header("authorization", format!("Bearer {token}-1").as_str());
    let first_session = header("x-coinflow-auth-session-key", session_jwt(1).as_str());
    let lc_expired = json!({"error": {"id": "e", "code": 401, "errors": [{"message": "expired"}]}});
    for m in [
        at("GET", CF, "/me")
            .and(first(CF_TOKEN))
            .respond_with(unauthorized(json!({"error": "token revoked"}))),
        at("GET", CN, "/me")
            .and(first_session)
            .respond_with(unauthorized(
                json!({"name": "UnauthorizedError", "message": "expired"}),
            )),
        at("GET", AK, QUOTA)
            .and(first(AK_TOKEN))
            .respond_with(json_reply(
                200,
                json!({"code": 1101, "msg": "token expired"}),
            )),
        at("GET", LC, "/user")
            .and(first(LC_SESSION))
            .respond_with(unauthorized(lc_expired)),
    ] {
        m.with_priority(1).mount(&server).await;
    }
    mount_success(&server).await;
    let c = clients(&server.uri(), fast_retry(), Timeouts::default());
    let from = s.outcomes.len();
    run_rejected(&mut s, "", &c).await;
    assert_outcomes(&s, from, "401 refresh", |_, o| o == "Ok");

    // -- always 401 / 1101: one replay, then a typed error
    let server = MockServer::start().await;
    for m in [
        at("GET", CF, "/me").respond_with(unauthorized(json!({"error": "no"}))),
        at("GET", CN, "/me").respond_with(unauthorized(
            json!({"name": "UnauthorizedError", "message": "no"}),
        )),
        at("GET", AK, QUOTA).respond_with(json_reply(200, json!({"code": 1101, "msg": "no"}))),
        at("GET", LC, "/user").respond_with(unauthorized(json!({"message": "no"}))),
        at("GET", CS, "/accounts/user-config/")
            .respond_with(unauthorized(json!({"detail": "Invalid token."}))),
    ] {
        m.with_priority(1).mount(&server).await;
    }
    mount_success(&server).await;
    let c = clients(&server.uri(), fast_retry(), Timeouts::default());
    let from = s.outcomes.len();
    run_rejected(&mut s, "always ", &c).await;
    s.rec(
        "always 401: coolset.user_config",
        &c.coolset.user_config().await,
    );
    assert_outcomes(&s, from, "always 401", |_, o| {
        o == "Provider(401)" || o == "Provider(200)"
    });

    // -- retry path: every path answers 503 once, then succeeds
    let server = MockServer::start().await;
    for (m, p) in endpoint_paths() {
        Mock::given(method(m))
            .and(path_regex(p))
            .respond_with(|r: &Request| {
                ResponseTemplate::new(503)
                    .set_body_json(error_body(r.url.path(), 503))
                    .insert_header("retry-after", "0")
            })
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
    }
    mount_success(&server).await;
    let c = clients(&server.uri(), fast_retry(), Timeouts::default());
    let from = run_all(&mut s, "retry", &c).await;
    // Idempotent calls (and the issuers) are retried after their 503; the non-idempotent
    // `create_key` and `update_key` are not, and surface it.
    assert_outcomes(&s, from, "retry", |label, o| {
        if label.contains("create_key") || label.contains("update_key") {
            o == "Provider(503)"
        } else {
            o == "Ok"
        }
    });
    // Non-idempotent calls that got a 503 are not retried: surface the 503.
    run_all_failing(&mut s, "always 503", 503).await;

    // -- 400 with provider-shaped bodies
    run_all_failing(&mut s, "400", 400).await;

    // -- undecodable success bodies carrying canaries
    let server = MockServer::start().await;
    mount_undecodable(&server).await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let c = clients(&server.uri(), RetryPolicy::disabled(), Timeouts::default());
    let from = run_all(&mut s, "decode", &c).await;
    assert_outcomes(&s, from, "decode", |label, o| {
        // `verify_token` and `delete_key` have empty responses: any body is accepted.
        o == "Decode"
            || o == "TokenExchange"
            || label.ends_with("delete_key(key)")
            || label.ends_with("verify_token")
    });
    // The created key's token is recoverable from the raw body, and only there.
    let err = c
        .loccus_session
        .create_key("new-key")
        .await
        .expect_err("undecodable 201");
    s.rec("decode: create_key again", &Err::<(), _>(err));
    let err = c.loccus_key.create_key("new-key").await.unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.status.as_u16(), 201);
    assert!(
        String::from_utf8_lossy(d.raw_body().expose_secret()).contains(LC_KEY_TOKEN),
        "the raw body keeps the token"
    );
    assert!(format!("{d:?}").contains("RawBody([REDACTED;"));
    // The token exchange wraps the decode failure; its chain must stay clean too.
    let err = c.coopfin.send(whoami::Request::new()).await.unwrap_err();
    let Error::TokenExchange(te) = &err else {
        panic!("{err:?}")
    };
    assert!(matches!(
        te.inner().downcast_ref::<Error<coopfin::ErrorBody>>(),
        Some(Error::Decode(_))
    ));
    s.rec("decode: whoami via failed exchange", &Err::<(), _>(err));

    // -- invalid input carrying canaries: control characters in secret headers and
    //    credentials, path parameters outside the charset. Nothing is sent.
    let server = MockServer::start().await;
    mount_success(&server).await;
    let from = s.outcomes.len();
    let c = clients(&server.uri(), fast_retry(), Timeouts::default());
    s.rec(
        "invalid: verify_token with CR/LF",
        &c.coinflow
            .verify_token(format!("{CN_VERIFY}\r\nx-injected: {CN_VERIFY}"))
            .await,
    );
    s.rec(
        "invalid: get_key outside the charset",
        &c.loccus_key.get_key(format!("{LC_KEY_TOKEN}/../x")).await,
    );
    s.rec(
        "invalid: delete_key with a dot-dot",
        &c.loccus_key.delete_key("..").await,
    );
    let lf = coolset::Credentials::new().with_api_token(format!("{CS_TOKEN}\n"));
    let bad: coolset::Client = loopback(format!("{}{CS}", server.uri()), lf)
        .build()
        .unwrap();
    s.rec("invalid: coolset token with LF", &bad.user_config().await);
    let nul = akool::Credentials::new().with_api_key(format!("{AK_API}\0"));
    let bad: akool::Client = loopback(format!("{}{AK}", server.uri()), nul)
        .build()
        .unwrap();
    s.rec("invalid: akool key with NUL", &bad.quota_info().await);
    assert_outcomes(&s, from, "invalid input", |_, o| o == "InvalidInput");
    assert_eq!(received(&server).await.len(), 0);

    // -- transport error: connection refused on a closed loopback port
    let closed = closed_port();
    let c = clients(
        &format!("http://{closed}"),
        RetryPolicy::disabled(),
        Timeouts::default(),
    );
    let from = run_all(&mut s, "refused", &c).await;
    assert_outcomes(&s, from, "refused", |_, o| {
        o == "Transport(Connect)" || o == "TokenExchange"
    });

    // -- timeouts: every answer is late
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let c = clients(
        &server.uri(),
        RetryPolicy::disabled(),
        Timeouts {
            attempt: Some(Duration::from_millis(60)),
            ..Timeouts::default()
        },
    );
    let from = run_all(&mut s, "attempt timeout", &c).await;
    assert_outcomes(&s, from, "attempt timeout", |_, o| {
        o == "Timeout(Attempt)" || o == "TokenExchange"
    });
    let c = clients(
        &server.uri(),
        RetryPolicy::disabled(),
        Timeouts {
            token_exchange: Some(Duration::from_millis(60)),
            total: Some(Duration::from_millis(120)),
            attempt: Some(Duration::from_millis(100)),
            ..Timeouts::default()
        },
    );
    s.rec(
        "token exchange timeout: coopfin.whoami",
        &c.coopfin.send(whoami::Request::new()).await,
    );
    s.rec(
        "total timeout: loccus.get_user(key)",
        &c.loccus_key.get_user().await,
    );

    // -- redirects to another loopback origin, with a canary in the Location
    let elsewhere = MockServer::start().await;
    let server = MockServer::start().await;
    let location = format!("{}/steal?token={REDIRECT_CANARY}", elsewhere.uri());
    Mock::given(any())
        .respond_with(ResponseTemplate::new(302).insert_header("location", location.as_str()))
        .mount(&server)
        .await;
    let c = clients(&server.uri(), fast_retry(), Timeouts::default());
    let from = run_all(&mut s, "redirect", &c).await;
    assert_outcomes(&s, from, "redirect", |_, o| {
        o == "Transport(Redirect)" || o == "TokenExchange"
    });
    assert_eq!(
        received(&elsewhere).await.len(),
        0,
        "a redirect was followed to another origin"
    );

    // -- the same, through the caller's reqwest builder set to follow redirects (N1: the
    // SDK turns them off whatever the builder says), for every scheme kind
    let c = clients_using(&server.uri(), fast_retry(), Timeouts::default(), true);
    let from = run_all(&mut s, "redirect, caller's http client", &c).await;
    assert_outcomes(&s, from, "redirect, caller's http client", |_, o| {
        o == "Transport(Redirect)" || o == "TokenExchange"
    });
    assert_eq!(
        received(&elsewhere).await.len(),
        0,
        "a caller's http client followed a redirect to another origin"
    );

    s
}

// ---------------------------------------------------------------------------------------------
// 4. Outgoing secret headers are sensitive
// ---------------------------------------------------------------------------------------------

const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "x-api-key",
    "x-coinflow-auth-session-key",
    "x-coinflow-auth-signed-message",
];

fn base(url: &str) -> BaseUrl {
    BaseUrl::parse(url).unwrap()
}

#[test]
fn secret_request_fields_become_sensitive_headers() {
    let b = base("https://api.test.invalid/api");
    let req = coinflow::verify_token::Request::new(CN_VERIFY)
        .to_http_request(&b)
        .unwrap();
    let v = req.headers().get("x-coinflow-auth-session-key").unwrap();
    assert!(v.is_sensitive());
    assert_eq!(v.to_str().unwrap(), CN_VERIFY);
    assert_clean(
        "verify_token headers Debug",
        &format!("{:?}", req.headers()),
    );

    let req = coinflow::get_session_key::Request::new(signed_wallet())
        .to_http_request(&b)
        .unwrap();
    let h = req.headers();
    assert!(
        h.get("x-coinflow-auth-signed-message")
            .unwrap()
            .is_sensitive()
    );
    assert_eq!(
        h.get("x-coinflow-auth-signed-message")
            .unwrap()
            .to_str()
            .unwrap(),
        CN_SIGNED
    );
    for public in [
        "x-coinflow-auth-wallet",
        "x-coinflow-auth-blockchain",
        "x-coinflow-auth-merchant-id",
    ] {
        assert!(h.get(public).is_some(), "{public}");
    }
    assert_clean("get_session_key headers Debug", &format!("{h:?}"));
}

/// A transport that records every request and answers from a table.
#[derive(Debug, Default, Clone)]
struct Recorder {
    seen: Arc<Mutex<Vec<http::Request<Bytes>>>>,
}

fn canned(path: &str) -> (u16, serde_json::Value) {
    let p = path;
    if p.ends_with("/sandbox/token") {
        (
            200,
            json!({"token_type": "Bearer", "token": CF_TOKEN, "expires_in": 600}),
        )
    } else if p.ends_with("/me") {
        (200, json!({"user_id": "u1"}))
    } else if p.ends_with("/auth/session-key") {
        (200, json!({"key": session_jwt(1)}))
    } else if p.ends_with("/accounts/user-config/") {
        (200, json!({}))
    } else if p.ends_with("/getToken") {
        (200, json!({"code": 1000, "token": AK_TOKEN}))
    } else if p.ends_with("/quota/info") {
        (
            200,
            json!({"code": 1000, "msg": "OK", "data": {"credit": 1.0}}),
        )
    } else if p.ends_with("/auth/credentials") {
        (
            200,
            json!({"token": LC_SESSION, "issuedAt": ts(Duration::ZERO), "expiresAt": ts(Duration::from_secs(3600))}),
        )
    } else if p.ends_with("/user") {
        (200, loccus_user_json())
    } else if p.ends_with("/user/keys") {
        (200, json!([api_key_json()]))
    } else {
        (404, json!({}))
    }
}

impl auth_sdk::Transport for Recorder {
    fn send<'life0, 'async_trait>(
        &'life0 self,
        request: http::Request<Bytes>,
        _max_body: usize,
    ) -> Pin<
        Box<
            dyn Future<Output = Result<http::Response<Bytes>, TransportError>>
                + Send
                + 'async_trait,
        >,
    >
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(async move {
            let (status, body) = canned(request.uri().path());
            self.seen.lock().unwrap().push(request);
            Ok(http_response(status, &[], body.to_string().as_bytes()))
        })
    }
}

/// A client of `P` at `https://api.test.invalid` + `path` sending through `rec`.
fn recorded<P: ProviderClient>(rec: &Recorder, path: &str, creds: P::Credentials) -> P {
    ClientBuilder::<P>::new()
        .credentials(creds)
        .base_url(format!("https://api.test.invalid{path}"))
        .transport(rec.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn s2_headers_attached_by_the_client_are_sensitive() {
    let rec = Recorder::default();
    let coinflow_user = coinflow::Credentials::new()
        .with_merchant_key(CN_MERCHANT)
        .with_identity(Identity::UserId {
            user_id: "u-1".to_owned(),
        });
    let cf: coopfin::Client = recorded(&rec, "/v1", coopfin_creds());
    cf.send(whoami::Request::new()).await.unwrap();
    let cn: coinflow::Client = recorded(&rec, "/api", coinflow_user);
    cn.send(cf_me::Request::new()).await.unwrap();
    let cs_token = coolset::Credentials::new().with_api_token(CS_TOKEN);
    let cs: coolset::Client = recorded(&rec, "/api", cs_token);
    cs.user_config().await.unwrap();
    let ak_key: akool::Client = recorded(&rec, "", akool::Credentials::new().with_api_key(AK_API));
    ak_key.quota_info().await.unwrap();
    let ak_tok: akool::Client = recorded(&rec, "", akool_legacy());
    ak_tok.quota_info().await.unwrap();
    let lc_session: loccus::Client = recorded(&rec, "/v1", loccus_password());
    lc_session.get_user().await.unwrap();
    let lc_api = loccus::Credentials::new().with_api_key(LC_API);
    let lc_key: loccus::Client = recorded(&rec, "/v1", lc_api);
    lc_key.list_keys().await.unwrap();

    let seen = rec.seen.lock().unwrap();
    let mut secret_headers = 0;
    for req in seen.iter() {
        let uri = req.uri().to_string();
        assert_clean("request URI", &uri);
        assert_clean("request headers Debug", &format!("{:?}", req.headers()));
        for name in SECRET_HEADERS {
            for v in req.headers().get_all(*name) {
                secret_headers += 1;
                assert!(v.is_sensitive(), "{name} on {uri} is not marked sensitive");
                assert!(
                    v.to_str().unwrap().contains(MARK),
                    "{name} on {uri} carries a canary"
                );
            }
        }
    }
    let names: Vec<String> = seen
        .iter()
        .flat_map(|r| {
            SECRET_HEADERS
                .iter()
                .filter(|n| r.headers().contains_key(**n))
                .map(move |n| format!("{} {}", n, r.uri().path()))
        })
        .collect();
    for expected in [
        "authorization /v1/me",                           // coopfin issued bearer
        "authorization /api/auth/session-key",            // coinflow merchant key, raw
        "x-coinflow-auth-session-key /api/me",            // coinflow session
        "authorization /api/accounts/user-config/",       // coolset bearer
        "x-api-key /api/open/v3/faceswap/quota/info",     // akool api key
        "authorization /api/open/v3/faceswap/quota/info", // akool issued bearer
        "authorization /v1/user",                         // loccus session
        "authorization /v1/user/keys",                    // loccus api key
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "missing {expected}: {names:?}"
        );
    }
    assert!(secret_headers >= 8);
    // The raw merchant key is sent without `Bearer `.
    let merchant = seen
        .iter()
        .find(|r| r.uri().path().ends_with("/auth/session-key"))
        .unwrap();
    assert_eq!(
        merchant
            .headers()
            .get("authorization")
            .unwrap()
            .to_str()
            .unwrap(),
        CN_MERCHANT
    );
}

// ---------------------------------------------------------------------------------------------
// 5. Secrets never in URLs
// ---------------------------------------------------------------------------------------------

#[test]
fn n6_no_request_type_puts_a_secret_in_its_url() {
    let b = base("https://api.test.invalid/base");
    let mut uris = Vec::new();
    let mut push = |r: Result<http::Request<Bytes>, auth_sdk::InvalidInput>| {
        let r = r.unwrap();
        uris.push((r.uri().to_string(), r.body().clone()));
    };
    push(coopfin::create_token::Request::new(CF_API, CF_SECRET).to_http_request(&b));
    push(whoami::Request::new().to_http_request(&b));
    push(
        coinflow::get_message::Request::new("Wallet111")
            .blockchain(coinflow::Blockchain::Solana)
            .to_http_request(&b),
    );
    for id in [
        Identity::UserId {
            user_id: "u-1".to_owned(),
        },
        signed_wallet(),
        Identity::MerchantWallet {
            wallet: "Wallet111".to_owned(),
            blockchain: coinflow::Blockchain::Other("newchain".to_owned()),
        },
    ] {
        push(coinflow::get_session_key::Request::new(id).to_http_request(&b));
    }
    push(coinflow::verify_token::Request::new(CN_VERIFY).to_http_request(&b));
    push(cf_me::Request::new().to_http_request(&b));
    push(coolset::user_config::Request::new().to_http_request(&b));
    push(
        coolset::list_workspaces::Request::new()
            .name("Acme")
            .name_icontains("ac")
            .kind(coolset::WorkspaceType::Trial)
            .kind_in("active,trial")
            .country_in("NL,DE")
            .ordering("-created_at")
            .search("acme co")
            .limit(5u32)
            .offset(10u32)
            .to_http_request(&b),
    );
    push(akool::get_token::Request::new(AK_ID, AK_SECRET).to_http_request(&b));
    push(akool::quota_info::Request::new().to_http_request(&b));
    push(loccus::sign_in::Request::new("redaction-user", LC_PASSWORD).to_http_request(&b));
    push(loccus::get_user::Request::new().to_http_request(&b));
    push(
        loccus::create_key::Request::new("new-key")
            .alias("New")
            .to_http_request(&b),
    );
    push(
        loccus::list_keys::Request::new()
            .page(1u32)
            .page_size(20u32)
            .sort(loccus::KeySort::CreatedAt)
            .search("key")
            .after(Timestamp::parse("2023-01-01T00:00:00Z").unwrap())
            .to_http_request(&b),
    );
    push(loccus::get_key::Request::new("my-key").to_http_request(&b));
    push(
        loccus::update_key::Request::new("my-key")
            .handle("renamed")
            .alias(None::<String>)
            .to_http_request(&b),
    );
    push(loccus::delete_key::Request::new("my-key").to_http_request(&b));

    assert_eq!(uris.len(), 19);
    for (uri, _) in &uris {
        assert_clean("request URI", uri);
        assert!(uri.starts_with("https://api.test.invalid/base/"), "{uri}");
    }
    // The secrets that are not headers travel in the bodies of the issuer calls.
    let bodies: Vec<String> = uris
        .iter()
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    for secret in [CF_API, CF_SECRET, AK_ID, AK_SECRET, LC_PASSWORD] {
        assert!(
            bodies.iter().any(|b| b.contains(secret)),
            "{secret} not in a body"
        );
    }
}
