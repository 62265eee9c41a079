#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! Checklist S5: no input path panics. Arbitrary strings go into every public constructor
//! (credentials' `with_*`, `BaseUrl::parse`, the client builder, every request type of the
//! 15 calls and its setters, `Timestamp`, `SecretUrl`, the hosted-UI link, `Retry-After`,
//! the HMAC signer), and into whole client calls whose answers carry arbitrary issued tokens
//! (which the client then places in headers). Each ends in a value or a typed error; a panic
//! fails the property (proptest catches it and shrinks the input).
//!
//! The other half of S5 is static: library code may not call `unwrap`/`expect`/`panic!`
//! (workspace lints `clippy::unwrap_used`, `expect_used` and `panic` at `warn`, which CI's
//! `cargo clippy -- -D warnings` makes errors, and `deny` in auth-runtime outside tests).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use auth_sdk::__private::bytes::Bytes;
use auth_sdk::interceptors::HmacSigner;
use auth_sdk::{
    BaseUrl, ClientBuilder, Endpoint, Secret, SecretUrl, Timestamp, Transport, TransportError,
    akool, coinflow, coolset, coopfin, http, jwt_exp, loccus, parse_retry_after,
};
use coinflow::get_session_key::Identity;
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};

mod common;
use common::endpoints::{cf_me, whoami};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Arbitrary text, biased toward what breaks headers, paths, queries and URLs.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~\t\r\n\0\u{7f}]{0,16}",
        "[a-z0-9./%?#&=:@\\[\\]-]{0,12}",
        prop::sample::select(vec![
            "", ".", "..", "a/b", "../x", "%2e%2e", "%", "%zz", "?x", "#f", "a\r\nb", "\u{0}", "é",
            " x ", "\t", "\u{feff}", "\u{202e}", "0", "-1", "1e400",
        ])
        .prop_map(str::to_owned),
    ]
}

/// Arbitrary base URLs, mostly URL-shaped.
fn url_text() -> impl Strategy<Value = String> {
    prop_oneof![
        text(),
        "(https?|ftp|ws|file|HTTP)?(://)?[a-zA-Z0-9.:@%\\[\\]-]{0,20}(/[a-z0-9%?#=&.-]{0,10}){0,3}",
        prop::sample::select(vec![
            "https://api.example.invalid/v1",
            "http://127.0.0.1:1/api",
            "https://[::1]:65536",
            "https://user:pw@host.invalid",
            "https://host.invalid/a?b=c#d",
            "https://",
            "http://[",
            "https://host.invalid:99999999999999999999",
        ])
        .prop_map(str::to_owned),
    ]
}

fn fallback_base() -> BaseUrl {
    BaseUrl::parse("https://api.example.invalid/v1").unwrap()
}

/// Renders `r` both ways (errors are typed; their rendering must not panic either).
fn settle<T: std::fmt::Debug, E: std::fmt::Debug + std::fmt::Display>(r: Result<T, E>) {
    match r {
        Ok(v) => drop(format!("{v:?}")),
        Err(e) => drop(format!("{e} {e:?}")),
    }
}

/// Builds the request of `req` against `base`.
fn build<E: Endpoint>(req: E, base: &BaseUrl) {
    settle(req.to_http_request(base));
}

fn identities(a: &str, b: &str, c: &str) -> [Identity; 3] {
    [
        Identity::UserId {
            user_id: a.to_owned(),
        },
        Identity::SignedWallet {
            signed_message: Secret::new(b),
            wallet: a.to_owned(),
            blockchain: coinflow::Blockchain::from(c),
            merchant_id: c.to_owned(),
        },
        Identity::MerchantWallet {
            wallet: b.to_owned(),
            blockchain: coinflow::Blockchain::from(a),
        },
    ]
}

/// Builds a client of `P` from `creds` at `url` (an error is fine, a panic is not).
fn client_of<P: auth_sdk::ProviderClient + std::fmt::Debug>(
    creds: P::Credentials,
    url: &str,
    loopback: bool,
) {
    let built = ClientBuilder::<P>::new()
        .credentials(creds)
        .base_url(url)
        .allow_http_loopback(loopback)
        .build();
    match built {
        Ok(c) => drop(format!("{c:?}")),
        Err(e) => drop(format!("{e} {e:?}")),
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn s5_public_constructors_never_panic(
        a in text(),
        b in text(),
        c in text(),
        url in url_text(),
        loopback in any::<bool>(),
        secs in any::<i64>(),
    ) {
        // Secrets and URLs.
        drop(format!("{:?}", Secret::new(a.as_str())));
        let parsed = BaseUrl::parse(&url);
        let base = parsed.as_ref().map_or_else(|_| fallback_base(), Clone::clone);
        settle(parsed);
        settle(SecretUrl::with_query(&url, &[(a.as_str(), &Secret::new(b.as_str()))]));
        settle(coinflow::hosted_ui_url(&url, &a, &Secret::new(b.as_str())));
        settle(Timestamp::parse(&a));
        let now = SystemTime::UNIX_EPOCH
            .checked_add(Duration::from_secs(secs.unsigned_abs() % (1 << 40)))
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let _ = parse_retry_after(&a, now);
        let _ = jwt_exp(&a);
        drop(format!("{:?}", HmacSigner::new(a.as_str())));

        // Credentials and clients of every provider.
        client_of::<coopfin::Client>(
            coopfin::Credentials::new().with_api_key(a.as_str()).with_secret_key(b.as_str()),
            &url,
            loopback,
        );
        for id in identities(&a, &b, &c) {
            let creds = coinflow::Credentials::new()
                .with_merchant_key(c.as_str())
                .with_identity(id);
            client_of::<coinflow::Client>(creds, &url, loopback);
        }
        client_of::<coolset::Client>(coolset::Credentials::new().with_api_token(a.as_str()), &url, loopback);
        client_of::<akool::Client>(
            akool::Credentials::new()
                .with_api_key(a.as_str())
                .with_client_id(b.as_str())
                .with_client_secret(c.as_str()),
            &url,
            loopback,
        );
        client_of::<loccus::Client>(
            loccus::Credentials::new()
                .with_handle(a.as_str())
                .with_password(b.as_str())
                .with_api_key(c.as_str()),
            &url,
            loopback,
        );

        // Every request type of the 15 calls, every string it takes.
        build(coopfin::create_token::Request::new(a.as_str(), b.as_str()), &base);
        build(
            coinflow::get_message::Request::new(a.clone()).blockchain(coinflow::Blockchain::from(b.as_str())),
            &base,
        );
        for id in identities(&a, &b, &c) {
            build(coinflow::get_session_key::Request::new(id), &base);
        }
        build(coinflow::verify_token::Request::new(a.as_str()), &base);
        build(coolset::user_config::Request::new(), &base);
        build(
            coolset::list_workspaces::Request::new()
                .name(a.clone())
                .name_icontains(b.clone())
                .name_istartswith(c.clone())
                .name_iendswith(a.clone())
                .kind(coolset::WorkspaceType::from(b.as_str()))
                .kind_in(c.clone())
                .kind_exclude(a.clone())
                .country(b.clone())
                .country_icontains(c.clone())
                .country_istartswith(a.clone())
                .country_iendswith(b.clone())
                .country_in(c.clone())
                .ordering(a.clone())
                .search(b.clone())
                .limit(u32::MAX)
                .offset(0u32),
            &base,
        );
        build(akool::get_token::Request::new(a.as_str(), b.as_str()), &base);
        build(akool::quota_info::Request::new(), &base);
        build(loccus::sign_in::Request::new(a.clone(), b.as_str()), &base);
        build(loccus::get_user::Request::new(), &base);
        build(loccus::create_key::Request::new(a.clone()).alias(b.clone()), &base);
        build(loccus::get_key::Request::new(a.clone()), &base);
        build(
            loccus::list_keys::Request::new()
                .search(a.clone())
                .sort(loccus::KeySort::from(b.as_str()))
                .page(u32::MAX)
                .page_size(0u32),
            &base,
        );
        build(
            loccus::update_key::Request::new(a.clone()).handle(b.clone()).alias(Some(c.clone())),
            &base,
        );
        build(loccus::delete_key::Request::new(a.clone()), &base);
        build(whoami::Request::new(), &base);
        build(cf_me::Request::new(), &base);
    }
}

// ---------------------------------------------------------------------------------------------
// Whole calls: arbitrary credentials and arbitrary issued tokens
// ---------------------------------------------------------------------------------------------

/// A transport that answers every issuer with a token made of the current case's text, and
/// everything else with `200 {}`; it never touches the network.
#[derive(Debug, Clone, Default)]
struct Issues(Arc<Mutex<String>>);

type SendFuture<'a> =
    Pin<Box<dyn Future<Output = Result<http::Response<Bytes>, TransportError>> + Send + 'a>>;

impl Transport for Issues {
    fn send<'life0, 'async_trait>(
        &'life0 self,
        request: http::Request<Bytes>,
        _max_body: usize,
    ) -> SendFuture<'async_trait>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        let token = self.0.lock().unwrap().clone();
        let path = request.uri().path().to_owned();
        Box::pin(async move {
            let body = if path.ends_with("/sandbox/token") {
                serde_json::json!({"token_type": "Bearer", "token": token, "expires_in": 600})
            } else if path.ends_with("/auth/session-key") {
                serde_json::json!({"key": token})
            } else if path.ends_with("/getToken") {
                serde_json::json!({"code": 1000, "token": token})
            } else if path.ends_with("/auth/credentials") {
                serde_json::json!({
                    "token": token,
                    "issuedAt": "2024-01-01T00:00:00Z",
                    "expiresAt": "2999-01-01T00:00:00Z"
                })
            } else {
                serde_json::json!({})
            };
            let mut resp = http::Response::new(Bytes::from(body.to_string()));
            resp.headers_mut().insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/json"),
            );
            Ok(resp)
        })
    }
}

/// A client of `P` holding `creds` that sends through `transport`, if it builds.
fn via<P: auth_sdk::ProviderClient>(creds: P::Credentials, transport: &Issues) -> Option<P> {
    ClientBuilder::<P>::new()
        .credentials(creds)
        .base_url("https://api.example.invalid/v1")
        .transport(transport.clone())
        .build()
        .ok()
}

/// Every call of every provider with `a`, `b`, `c` as credentials and arguments.
async fn all_calls(a: &str, b: &str, c: &str, transport: &Issues) {
    let creds = coopfin::Credentials::new()
        .with_api_key(a)
        .with_secret_key(b);
    if let Some(cf) = via::<coopfin::Client>(creds, transport) {
        settle(cf.create_token(a, b).await);
        settle(cf.send(whoami::Request::new()).await);
    }
    for id in identities(a, b, c) {
        let creds = coinflow::Credentials::new()
            .with_merchant_key(c)
            .with_identity(id.clone());
        if let Some(cn) = via::<coinflow::Client>(creds, transport) {
            settle(
                cn.get_message(a)
                    .blockchain(coinflow::Blockchain::from(b))
                    .await,
            );
            settle(cn.get_session_key(id).await);
            settle(cn.verify_token(a).await);
            settle(cn.send(cf_me::Request::new()).await);
        }
    }
    if let Some(cs) =
        via::<coolset::Client>(coolset::Credentials::new().with_api_token(a), transport)
    {
        settle(cs.user_config().await);
        settle(
            cs.list_workspaces()
                .search(b.to_owned())
                .country_in(c.to_owned())
                .await,
        );
    }
    let legacy = akool::Credentials::new()
        .with_client_id(b)
        .with_client_secret(c);
    for creds in [legacy.clone(), legacy.with_api_key(a)] {
        if let Some(ak) = via::<akool::Client>(creds, transport) {
            settle(ak.get_token(b, c).await);
            settle(ak.quota_info().await);
        }
    }
    let password = loccus::Credentials::new().with_handle(a).with_password(b);
    for creds in [password.clone(), password.with_api_key(c)] {
        if let Some(lc) = via::<loccus::Client>(creds, transport) {
            settle(lc.sign_in(a, b).await);
            settle(lc.get_user().await);
            settle(lc.create_key(a).alias(b.to_owned()).await);
            settle(lc.get_key(a).await);
            settle(lc.list_keys().search(b.to_owned()).await);
            settle(lc.update_key(a).handle(c.to_owned()).await);
            settle(lc.delete_key(a).await);
        }
    }
}

#[test]
fn s5_client_calls_on_arbitrary_credentials_and_issued_tokens_never_panic() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let transport = Issues::default();
    let mut runner = TestRunner::new(config(96));
    runner
        .run(&(text(), text(), text(), text()), |(a, b, c, issued)| {
            *transport.0.lock().unwrap() = issued;
            rt.block_on(all_calls(&a, &b, &c, &transport));
            Ok(())
        })
        .unwrap();
}
