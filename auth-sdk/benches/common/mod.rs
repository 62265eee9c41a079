//! Shared pieces of the auth-sdk benches: canned provider answers, the hand-written serde +
//! `http` equivalents the SDK is compared with, a minimal hyper 1 server on loopback, an
//! in-memory transport, and a paired (interleaved) timer for side-by-side ratios.
#![allow(dead_code)]

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue};
use http::{Method, StatusCode};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub mod ping;

// ---------------------------------------------------------------------------------------------
// Canned answers (what the providers' docs show, with fake values).

pub const COOPFIN_TOKEN: &str = r#"{"token_type":"Bearer","token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJwa190ZXN0XzEiLCJleHAiOjQxMDI0NDQ4MDB9.c2lnX3Rlc3Q","expires_in":86400}"#;
pub const COINFLOW_SESSION: &str = r#"{"key":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VySWQiOiJ1c2VyLTEiLCJleHAiOjQxMDI0NDQ4MDB9.c2lnX3Rlc3Q"}"#;
pub const AKOOL_QUOTA: &str = r#"{"code":1000,"msg":"OK","data":{"credit":1234.5}}"#;
pub const AKOOL_TOKEN: &str = r#"{"code":1000,"token":"ak_test_token_0123456789"}"#;

fn workspace(i: usize) -> String {
    format!(
        r#"{{"workspace_id":{i},"workspace_name":"Acme Foods {i}","id":{i},"name":"Acme Foods {i}","type":"active","country":"NL","member_count":12,"is_mfa_enabled":true,"created_at":"2024-03-01T09:30:00Z","updated_at":"2025-01-15T17:02:11.123456Z"}}"#
    )
}

/// Coolset `list_workspaces`, one page of 10.
pub fn coolset_workspaces() -> String {
    let items: Vec<String> = (0..10).map(workspace).collect();
    format!(
        r#"{{"count":42,"next":"https://developers.coolset.com/api/accounts/workspaces/?limit=10&offset=10","previous":null,"results":[{}]}}"#,
        items.join(",")
    )
}

fn api_key(i: usize) -> String {
    format!(
        r#"{{"id":"7c9e6679-7425-40de-944b-e07fc1f90a{i:02}","handle":"key-{i}","alias":"Key number {i}","token":"lk_test_0123456789abcdef0123456789abcdef{i:02}","createdAt":"2024-05-01T10:00:00.123456Z"}}"#
    )
}

/// Loccus `list_keys`, one page of 10 keys.
pub fn loccus_keys() -> String {
    let items: Vec<String> = (0..10).map(api_key).collect();
    format!("[{}]", items.join(","))
}

/// Loccus `create_key`.
pub fn loccus_key() -> String {
    api_key(1)
}

/// Loccus `sign_in`, valid for an hour from now.
pub fn loccus_session() -> String {
    let now = SystemTime::now();
    let f = |t: SystemTime| OffsetDateTime::from(t).format(&Rfc3339).unwrap_or_default();
    format!(
        r#"{{"token":"ls_test_session_0123456789","issuedAt":"{}","expiresAt":"{}"}}"#,
        f(now),
        f(now + Duration::from_secs(3600))
    )
}

/// An `http::Response` as a transport hands it to the decoder.
pub fn response(
    status: u16,
    body: &str,
    headers: &[(&'static str, &'static str)],
) -> http::Response<Bytes> {
    let mut r = http::Response::new(Bytes::copy_from_slice(body.as_bytes()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap();
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    for (n, v) in headers {
        r.headers_mut()
            .insert(HeaderName::from_static(n), HeaderValue::from_static(v));
    }
    r
}

pub const RATE_HEADERS: &[(&str, &str)] = &[
    ("x-ratelimit-limit", "100"),
    ("x-ratelimit-remaining", "99"),
    ("x-ratelimit-reset", "1767225600"),
];
pub const PAGE_HEADERS: &[(&str, &str)] = &[
    ("page-total", "3"),
    ("page-size", "10"),
    ("page-current", "1"),
    ("item-total", "25"),
];

/// Clones a response the way a test fixture would (the decoders consume theirs).
pub fn clone_response(r: &http::Response<Bytes>) -> http::Response<Bytes> {
    let mut out = http::Response::new(r.body().clone());
    *out.status_mut() = r.status();
    *out.headers_mut() = r.headers().clone();
    out
}

// ---------------------------------------------------------------------------------------------
// The hand-written equivalent: serde structs and `http` request building, as a careful
// developer would write them without the SDK.

pub mod hand {
    use super::*;

    fn json() -> HeaderValue {
        HeaderValue::from_static("application/json")
    }

    #[derive(Debug)]
    pub enum HandError {
        Status(StatusCode),
        Json(serde_json::Error),
        Envelope(i64),
        Header(&'static str),
    }

    impl From<serde_json::Error> for HandError {
        fn from(e: serde_json::Error) -> Self {
            HandError::Json(e)
        }
    }

    pub fn rfc3339<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        OffsetDateTime::parse(&s, &Rfc3339).map_err(serde::de::Error::custom)
    }

    fn header<T: std::str::FromStr>(
        h: &http::HeaderMap,
        name: &'static str,
    ) -> Result<Option<T>, HandError> {
        match h.get(name) {
            None => Ok(None),
            Some(v) => v
                .to_str()
                .ok()
                .and_then(|s| s.trim().parse().ok())
                .map(Some)
                .ok_or(HandError::Header(name)),
        }
    }

    fn expect(status: StatusCode, ok: u16) -> Result<(), HandError> {
        if status.as_u16() == ok {
            Ok(())
        } else {
            Err(HandError::Status(status))
        }
    }

    // CoopFin create_token ------------------------------------------------------------------
    #[derive(Serialize)]
    struct CreateTokenBody<'a> {
        api_key: &'a str,
        secret_key: &'a str,
    }
    #[derive(Debug, Deserialize)]
    pub struct CreateToken {
        pub token_type: String,
        pub token: String,
        pub expires_in: i64,
    }
    pub fn coopfin_create_token_request(
        base: &str,
        api_key: &str,
        secret_key: &str,
    ) -> http::Request<Bytes> {
        let body = serde_json::to_vec(&CreateTokenBody {
            api_key,
            secret_key,
        })
        .unwrap();
        http::Request::builder()
            .method(Method::POST)
            .uri(format!("{base}/sandbox/token"))
            .header(ACCEPT, json())
            .header(CONTENT_TYPE, json())
            .body(Bytes::from(body))
            .unwrap()
    }
    pub fn coopfin_create_token_parse(r: http::Response<Bytes>) -> Result<CreateToken, HandError> {
        let (parts, body) = r.into_parts();
        expect(parts.status, 200)?;
        Ok(serde_json::from_slice(&body)?)
    }

    // Coinflow get_session_key (set A: user id) ---------------------------------------------
    #[derive(Debug, Deserialize)]
    pub struct SessionKey {
        pub key: String,
    }
    pub fn coinflow_session_key_request(base: &str, user_id: &str) -> http::Request<Bytes> {
        http::Request::builder()
            .method(Method::GET)
            .uri(format!("{base}/auth/session-key"))
            .header(ACCEPT, json())
            .header(
                "x-coinflow-auth-user-id",
                HeaderValue::from_str(user_id).unwrap(),
            )
            .body(Bytes::new())
            .unwrap()
    }
    pub fn coinflow_session_key_parse(r: http::Response<Bytes>) -> Result<SessionKey, HandError> {
        let (parts, body) = r.into_parts();
        expect(parts.status, 200)?;
        Ok(serde_json::from_slice(&body)?)
    }

    // Coolset list_workspaces -----------------------------------------------------------------
    #[derive(Serialize, Default)]
    pub struct WorkspaceQuery<'a> {
        #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
        pub kind: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub search: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub limit: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub offset: Option<u32>,
    }
    #[derive(Debug, Deserialize)]
    pub struct Workspace {
        pub workspace_id: i64,
        pub workspace_name: String,
        pub id: i64,
        pub name: String,
        #[serde(rename = "type")]
        pub kind: String,
        pub country: String,
        pub member_count: u64,
        pub is_mfa_enabled: bool,
        #[serde(deserialize_with = "rfc3339")]
        pub created_at: OffsetDateTime,
        #[serde(deserialize_with = "rfc3339")]
        pub updated_at: OffsetDateTime,
    }
    #[derive(Debug, Deserialize)]
    pub struct WorkspacePage {
        pub count: u64,
        pub next: Option<String>,
        pub previous: Option<String>,
        pub results: Vec<Workspace>,
        #[serde(skip)]
        pub rate_limit: Option<u64>,
        #[serde(skip)]
        pub rate_limit_remaining: Option<u64>,
        #[serde(skip)]
        pub rate_limit_reset: Option<u64>,
    }
    pub fn coolset_workspaces_request(base: &str, q: &WorkspaceQuery<'_>) -> http::Request<Bytes> {
        let query = serde_urlencoded::to_string(q).unwrap();
        let uri = if query.is_empty() {
            format!("{base}/accounts/workspaces/")
        } else {
            format!("{base}/accounts/workspaces/?{query}")
        };
        http::Request::builder()
            .method(Method::GET)
            .uri(uri)
            .header(ACCEPT, json())
            .header(CONTENT_TYPE, json())
            .body(Bytes::new())
            .unwrap()
    }
    /// The rate-limit headers, read before the body is taken.
    pub type RateLimits = (Option<u64>, Option<u64>, Option<u64>);
    pub fn coolset_rate_limits(h: &http::HeaderMap) -> Result<RateLimits, HandError> {
        Ok((
            header(h, "x-ratelimit-limit")?,
            header(h, "x-ratelimit-remaining")?,
            header(h, "x-ratelimit-reset")?,
        ))
    }
    pub fn coolset_workspaces_body(
        status: StatusCode,
        limits: RateLimits,
        body: &[u8],
    ) -> Result<WorkspacePage, HandError> {
        expect(status, 200)?;
        let mut page: WorkspacePage = serde_json::from_slice(body)?;
        (
            page.rate_limit,
            page.rate_limit_remaining,
            page.rate_limit_reset,
        ) = limits;
        Ok(page)
    }
    pub fn coolset_workspaces_parse(r: http::Response<Bytes>) -> Result<WorkspacePage, HandError> {
        let (parts, body) = r.into_parts();
        let limits = coolset_rate_limits(&parts.headers)?;
        coolset_workspaces_body(parts.status, limits, &body)
    }

    // Akool quota_info (envelope: code 1000 = success) -----------------------------------------
    #[derive(Debug, Deserialize)]
    pub struct QuotaData {
        pub credit: f64,
    }
    #[derive(Debug, Deserialize)]
    pub struct Quota {
        pub code: i64,
        pub msg: String,
        pub data: QuotaData,
    }
    /// Akool answers failures as `{code, msg}` without `data`, so a hand-written client reads
    /// the envelope leniently, checks the code, then requires the payload.
    #[derive(Debug, Deserialize)]
    struct QuotaEnvelope {
        code: i64,
        #[serde(default)]
        msg: Option<String>,
        #[serde(default)]
        data: Option<QuotaData>,
    }
    pub fn akool_quota_request(base: &str) -> http::Request<Bytes> {
        http::Request::builder()
            .method(Method::GET)
            .uri(format!("{base}/api/open/v3/faceswap/quota/info"))
            .header(ACCEPT, json())
            .body(Bytes::new())
            .unwrap()
    }
    pub fn akool_quota_body(status: StatusCode, body: &[u8]) -> Result<Quota, HandError> {
        expect(status, 200)?;
        let env: QuotaEnvelope = serde_json::from_slice(body)?;
        match (env.code, env.msg, env.data) {
            (1000, Some(msg), Some(data)) => Ok(Quota {
                code: 1000,
                msg,
                data,
            }),
            (1000, _, _) => Err(HandError::Envelope(1000)),
            (code, _, _) => Err(HandError::Envelope(code)),
        }
    }
    pub fn akool_quota_parse(r: http::Response<Bytes>) -> Result<Quota, HandError> {
        let (parts, body) = r.into_parts();
        akool_quota_body(parts.status, &body)
    }

    // Loccus list_keys and create_key --------------------------------------------------------
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ApiKey {
        pub id: String,
        pub handle: String,
        pub alias: Option<String>,
        pub token: String,
        #[serde(deserialize_with = "rfc3339")]
        pub created_at: OffsetDateTime,
    }
    #[derive(Debug)]
    pub struct KeyPage {
        pub keys: Vec<ApiKey>,
        pub page_total: Option<u32>,
        pub page_size: Option<u32>,
        pub page_current: Option<u32>,
        pub item_total: Option<u32>,
    }
    #[derive(Serialize, Default)]
    pub struct KeyQuery<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub page: Option<u32>,
        #[serde(rename = "page-size", skip_serializing_if = "Option::is_none")]
        pub page_size: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub sort: Option<&'a str>,
    }
    pub fn loccus_list_keys_request(base: &str, q: &KeyQuery<'_>) -> http::Request<Bytes> {
        let query = serde_urlencoded::to_string(q).unwrap();
        http::Request::builder()
            .method(Method::GET)
            .uri(format!("{base}/user/keys?{query}"))
            .header(ACCEPT, json())
            .body(Bytes::new())
            .unwrap()
    }
    /// The page headers, read before the body is taken (keys left empty).
    pub fn loccus_page_headers(headers: &http::HeaderMap) -> Result<KeyPage, HandError> {
        Ok(KeyPage {
            keys: Vec::new(),
            page_total: header(headers, "page-total")?,
            page_size: header(headers, "page-size")?,
            page_current: header(headers, "page-current")?,
            item_total: header(headers, "item-total")?,
        })
    }
    pub fn loccus_list_keys_body(
        status: StatusCode,
        mut page: KeyPage,
        body: &[u8],
    ) -> Result<KeyPage, HandError> {
        expect(status, 200)?;
        page.keys = serde_json::from_slice(body)?;
        Ok(page)
    }
    pub fn loccus_list_keys_parse(r: http::Response<Bytes>) -> Result<KeyPage, HandError> {
        let (parts, body) = r.into_parts();
        let page = loccus_page_headers(&parts.headers)?;
        loccus_list_keys_body(parts.status, page, &body)
    }
    #[derive(Serialize)]
    struct CreateKeyBody<'a> {
        handle: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        alias: Option<&'a str>,
    }
    pub fn loccus_create_key_request(
        base: &str,
        handle: &str,
        alias: Option<&str>,
    ) -> http::Request<Bytes> {
        let body = serde_json::to_vec(&CreateKeyBody { handle, alias }).unwrap();
        http::Request::builder()
            .method(Method::POST)
            .uri(format!("{base}/user/keys"))
            .header(ACCEPT, json())
            .header(CONTENT_TYPE, json())
            .body(Bytes::from(body))
            .unwrap()
    }
    pub fn loccus_create_key_parse(r: http::Response<Bytes>) -> Result<ApiKey, HandError> {
        let (parts, body) = r.into_parts();
        expect(parts.status, 201)?;
        Ok(serde_json::from_slice(&body)?)
    }

    /// Adds `Authorization: Bearer <token>` as a hand-written client would.
    pub fn bearer(req: &mut http::Request<Bytes>, token: &str) {
        let mut v = HeaderValue::from_str(&format!("Bearer {token}")).unwrap();
        v.set_sensitive(true);
        req.headers_mut().insert(AUTHORIZATION, v);
    }
}

// ---------------------------------------------------------------------------------------------
// The main call of each provider, both ways.

use auth_sdk::{BaseUrl, Endpoint as _, akool, coinflow, coolset, coopfin, loccus, parse_response};

/// One provider call: SDK and hand-written request building and answer parsing.
pub struct Case {
    pub name: &'static str,
    pub sdk_build: Box<dyn Fn() -> http::Request<Bytes>>,
    pub hand_build: Box<dyn Fn() -> http::Request<Bytes>>,
    pub response: http::Response<Bytes>,
    pub sdk_parse: fn(http::Response<Bytes>) -> bool,
    pub hand_parse: fn(http::Response<Bytes>) -> bool,
}

pub fn cases() -> Vec<Case> {
    let mut out = Vec::new();

    // CoopFin create_token: POST, JSON body with two secrets; token answer.
    let base = BaseUrl::parse(coopfin::Client::BASE_URL).unwrap();
    let req = coopfin::create_token::Request::new("pk_test_0123456789", "sk_test_0123456789abcdef");
    let hbase = coopfin::Client::BASE_URL.to_owned();
    let (k, s) = (
        "pk_test_0123456789".to_owned(),
        "sk_test_0123456789abcdef".to_owned(),
    );
    out.push(Case {
        name: "coopfin.create_token",
        sdk_build: Box::new(move || req.to_http_request(&base).unwrap()),
        hand_build: Box::new(move || hand::coopfin_create_token_request(&hbase, &k, &s)),
        response: response(200, COOPFIN_TOKEN, &[]),
        sdk_parse: |r| parse_response::<coopfin::create_token::Request>(r).is_ok(),
        hand_parse: |r| hand::coopfin_create_token_parse(r).is_ok(),
    });

    // Coinflow get_session_key, header set A (user id); session-key answer.
    let base = BaseUrl::parse(coinflow::Client::BASE_URL).unwrap();
    let req =
        coinflow::get_session_key::Request::new(coinflow::get_session_key::Identity::UserId {
            user_id: "user-0123456789".to_owned(),
        });
    let hbase = coinflow::Client::BASE_URL.to_owned();
    let user = "user-0123456789".to_owned();
    out.push(Case {
        name: "coinflow.get_session_key",
        sdk_build: Box::new(move || req.to_http_request(&base).unwrap()),
        hand_build: Box::new(move || hand::coinflow_session_key_request(&hbase, &user)),
        response: response(200, COINFLOW_SESSION, &[]),
        sdk_parse: |r| parse_response::<coinflow::get_session_key::Request>(r).is_ok(),
        hand_parse: |r| hand::coinflow_session_key_parse(r).is_ok(),
    });

    // Coolset list_workspaces: GET with 4 query parameters; a page of 10 workspaces + headers.
    let base = BaseUrl::parse(coolset::Client::BASE_URL).unwrap();
    let req = coolset::list_workspaces::Request::new()
        .kind(coolset::WorkspaceType::Active)
        .search("acme foods")
        .limit(10)
        .offset(0);
    let hbase = coolset::Client::BASE_URL.to_owned();
    let (kind, search) = ("active".to_owned(), "acme foods".to_owned());
    out.push(Case {
        name: "coolset.list_workspaces",
        sdk_build: Box::new(move || req.to_http_request(&base).unwrap()),
        hand_build: Box::new(move || {
            let q = hand::WorkspaceQuery {
                kind: Some(&kind),
                search: Some(&search),
                limit: Some(10),
                offset: Some(0),
            };
            hand::coolset_workspaces_request(&hbase, &q)
        }),
        response: response(200, &coolset_workspaces(), RATE_HEADERS),
        sdk_parse: |r| parse_response::<coolset::list_workspaces::Request>(r).is_ok(),
        hand_parse: |r| hand::coolset_workspaces_parse(r).is_ok(),
    });

    // Akool quota_info: GET; enveloped answer (code 1000).
    let base = BaseUrl::parse(akool::Client::BASE_URL).unwrap();
    let req = akool::quota_info::Request::new();
    let hbase = akool::Client::BASE_URL.to_owned();
    out.push(Case {
        name: "akool.quota_info",
        sdk_build: Box::new(move || req.to_http_request(&base).unwrap()),
        hand_build: Box::new(move || hand::akool_quota_request(&hbase)),
        response: response(200, AKOOL_QUOTA, &[]),
        sdk_parse: |r| parse_response::<akool::quota_info::Request>(r).is_ok(),
        hand_parse: |r| hand::akool_quota_parse(r).is_ok(),
    });

    // Loccus list_keys: GET with 3 query parameters; a JSON array of 10 keys + page headers.
    let base = BaseUrl::parse(loccus::Client::BASE_URL).unwrap();
    let req = loccus::list_keys::Request::new()
        .page(1)
        .page_size(20)
        .sort(loccus::KeySort::CreatedAt);
    let hbase = loccus::Client::BASE_URL.to_owned();
    let sort = "createdAt".to_owned();
    out.push(Case {
        name: "loccus.list_keys",
        sdk_build: Box::new(move || req.to_http_request(&base).unwrap()),
        hand_build: Box::new(move || {
            let q = hand::KeyQuery {
                page: Some(1),
                page_size: Some(20),
                sort: Some(&sort),
            };
            hand::loccus_list_keys_request(&hbase, &q)
        }),
        response: response(200, &loccus_keys(), PAGE_HEADERS),
        sdk_parse: |r| parse_response::<loccus::list_keys::Request>(r).is_ok(),
        hand_parse: |r| hand::loccus_list_keys_parse(r).is_ok(),
    });

    // Loccus create_key: POST with a JSON body; 201 with one key.
    let base = BaseUrl::parse(loccus::Client::BASE_URL).unwrap();
    let req = loccus::create_key::Request::new("key-1").alias("Key number 1");
    let hbase = loccus::Client::BASE_URL.to_owned();
    let (handle, alias) = ("key-1".to_owned(), "Key number 1".to_owned());
    out.push(Case {
        name: "loccus.create_key",
        sdk_build: Box::new(move || req.to_http_request(&base).unwrap()),
        hand_build: Box::new(move || {
            hand::loccus_create_key_request(&hbase, &handle, Some(&alias))
        }),
        response: response(201, &loccus_key(), &[]),
        sdk_parse: |r| parse_response::<loccus::create_key::Request>(r).is_ok(),
        hand_parse: |r| hand::loccus_create_key_parse(r).is_ok(),
    });

    // Like for like: both sides build the same request and accept the same answer.
    for c in &out {
        assert_same_request(c.name, &(c.sdk_build)(), &(c.hand_build)());
        assert!(
            (c.sdk_parse)(clone_response(&c.response)),
            "{}: sdk parse",
            c.name
        );
        assert!(
            (c.hand_parse)(clone_response(&c.response)),
            "{}: hand parse",
            c.name
        );
    }
    out
}

/// Asserts that the SDK and the hand-written code build the same request, so the comparison
/// is like for like.
pub fn assert_same_request(label: &str, sdk: &http::Request<Bytes>, hand: &http::Request<Bytes>) {
    assert_eq!(sdk.method(), hand.method(), "{label}: method");
    assert_eq!(sdk.uri(), hand.uri(), "{label}: uri");
    assert_eq!(sdk.body(), hand.body(), "{label}: body");
    let mut a: Vec<_> = sdk
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_bytes()))
        .collect();
    let mut b: Vec<_> = hand
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_bytes()))
        .collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "{label}: headers");
}

// ---------------------------------------------------------------------------------------------
// A minimal hyper 1 server on loopback serving canned JSON for the five providers.

/// Counts of token-issuing requests the server has answered.
#[derive(Debug, Default)]
pub struct Counters {
    pub akool_tokens: AtomicUsize,
    pub loccus_sessions: AtomicUsize,
    pub coopfin_tokens: AtomicUsize,
    pub requests: AtomicUsize,
}

pub struct Server {
    pub addr: SocketAddr,
    pub counters: Arc<Counters>,
}

impl Server {
    pub fn base(&self, provider_prefix: &str) -> String {
        format!("http://{}{}", self.addr, provider_prefix)
    }
}

struct Canned {
    workspaces: Bytes,
    keys: Bytes,
    key: Bytes,
}

type Resp = hyper::Response<Full<Bytes>>;

fn answer(status: u16, body: Bytes, headers: &[(&'static str, &'static str)]) -> Resp {
    let mut r = hyper::Response::new(Full::new(body));
    *r.status_mut() = StatusCode::from_u16(status).unwrap();
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    for (n, v) in headers {
        r.headers_mut()
            .insert(HeaderName::from_static(n), HeaderValue::from_static(v));
    }
    r
}

async fn handle(
    req: hyper::Request<Incoming>,
    canned: Arc<Canned>,
    counters: Arc<Counters>,
) -> Result<Resp, Infallible> {
    counters.requests.fetch_add(1, Ordering::Relaxed);
    let (parts, body) = req.into_parts();
    // Read the body whole so the connection is reused.
    let _ = body.collect().await;
    let authed =
        parts.headers.contains_key(AUTHORIZATION) || parts.headers.contains_key("x-api-key");
    let unauthorized = || {
        answer(
            401,
            Bytes::from_static(br#"{"message":"unauthorized"}"#),
            &[],
        )
    };
    let r = match (&parts.method, parts.uri.path()) {
        (&Method::POST, "/coopfin/v1/sandbox/token") => {
            counters.coopfin_tokens.fetch_add(1, Ordering::SeqCst);
            answer(200, Bytes::from_static(COOPFIN_TOKEN.as_bytes()), &[])
        }
        (&Method::GET, "/coinflow/api/auth/session-key") => {
            answer(200, Bytes::from_static(COINFLOW_SESSION.as_bytes()), &[])
        }
        (&Method::GET, "/coolset/api/accounts/workspaces/") if authed => {
            answer(200, canned.workspaces.clone(), RATE_HEADERS)
        }
        (&Method::POST, "/akool/api/open/v3/getToken") => {
            counters.akool_tokens.fetch_add(1, Ordering::SeqCst);
            // A little latency, so concurrent cold callers really overlap.
            tokio::time::sleep(Duration::from_millis(20)).await;
            answer(200, Bytes::from_static(AKOOL_TOKEN.as_bytes()), &[])
        }
        (&Method::GET, "/akool/api/open/v3/faceswap/quota/info") if authed => {
            answer(200, Bytes::from_static(AKOOL_QUOTA.as_bytes()), &[])
        }
        (&Method::POST, "/loccus/v1/auth/credentials") => {
            counters.loccus_sessions.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            answer(200, Bytes::from(loccus_session()), &[])
        }
        (&Method::GET, "/loccus/v1/user/keys") if authed => {
            answer(200, canned.keys.clone(), PAGE_HEADERS)
        }
        (&Method::POST, "/loccus/v1/user/keys") if authed => answer(201, canned.key.clone(), &[]),
        _ if !authed => unauthorized(),
        _ => answer(404, Bytes::from_static(br#"{"message":"not found"}"#), &[]),
    };
    Ok(r)
}

/// Starts the server on its own thread (a current-thread runtime), so the client side of a
/// bench gets the other core.
pub fn start_server() -> Server {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    std_listener.set_nonblocking(true).unwrap();
    let addr = std_listener.local_addr().unwrap();
    let counters = Arc::new(Counters::default());
    let c = Arc::clone(&counters);
    let canned = Arc::new(Canned {
        workspaces: Bytes::from(coolset_workspaces()),
        keys: Bytes::from(loccus_keys()),
        key: Bytes::from(loccus_key()),
    });
    std::thread::Builder::new()
        .name("bench-server".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
                    let _ = stream.set_nodelay(true);
                    let (canned, counters) = (Arc::clone(&canned), Arc::clone(&c));
                    tokio::spawn(async move {
                        let svc = service_fn(move |req| {
                            handle(req, Arc::clone(&canned), Arc::clone(&counters))
                        });
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), svc)
                            .await;
                    });
                }
            });
        })
        .unwrap();
    Server { addr, counters }
}

/// The pool settings of every side of a loopback comparison: the SDK's clients build their
/// own client from it (`.http_client(..)` takes a builder), the hand-written sides use
/// [`http_client`].
pub fn http_client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
}

/// A `reqwest::Client` with [`http_client_builder`]'s settings.
pub fn http_client() -> reqwest::Client {
    http_client_builder().build().unwrap()
}

// ---------------------------------------------------------------------------------------------
// An in-memory transport: answers every request with a canned response, no I/O.

#[derive(Debug, Clone)]
pub struct MemoryTransport {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

impl MemoryTransport {
    pub fn new(r: &http::Response<Bytes>) -> Self {
        MemoryTransport {
            status: r.status(),
            headers: r.headers().clone(),
            body: r.body().clone(),
        }
    }
}

#[async_trait::async_trait]
impl auth_sdk::Transport for MemoryTransport {
    async fn send(
        &self,
        request: http::Request<Bytes>,
        _max_body: usize,
    ) -> Result<http::Response<Bytes>, auth_sdk::TransportError> {
        std::hint::black_box(&request);
        let mut out = http::Response::new(self.body.clone());
        *out.status_mut() = self.status;
        *out.headers_mut() = self.headers.clone();
        Ok(out)
    }
}

// ---------------------------------------------------------------------------------------------
// Paired timing: both sides alternate in short rounds (ABBA order) in one process, so they see
// the same machine load; the ratio is the median of the per-round ratios.

#[derive(Debug, Clone, Copy)]
pub struct Paired {
    /// Median time per iteration of side A (ns).
    pub a_ns: f64,
    /// Median time per iteration of side B (ns).
    pub b_ns: f64,
    /// Median of the per-round ratios A/B.
    pub ratio: f64,
    /// Interquartile range of the per-round ratios.
    pub ratio_q1: f64,
    pub ratio_q3: f64,
    /// Median of the per-round differences A − B (ns per iteration).
    pub diff_ns: f64,
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn quartiles(v: &mut [f64]) -> (f64, f64) {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (v[v.len() / 4], v[v.len() * 3 / 4])
}

fn summarize(label: &str, a: Vec<f64>, b: Vec<f64>) -> Paired {
    let mut ratios: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x / y).collect();
    let mut diffs: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x - y).collect();
    let (mut a, mut b) = (a, b);
    let (q1, q3) = quartiles(&mut ratios.clone());
    let p = Paired {
        a_ns: median(&mut a),
        b_ns: median(&mut b),
        ratio: median(&mut ratios),
        ratio_q1: q1,
        ratio_q3: q3,
        diff_ns: median(&mut diffs),
    };
    println!(
        "PAIRED {label:<48} sdk {:>12} hand {:>12} ratio {:.3} (IQR {:.3}..{:.3}, {} rounds)",
        fmt_ns(p.a_ns),
        fmt_ns(p.b_ns),
        p.ratio,
        p.ratio_q1,
        p.ratio_q3,
        ratios.len()
    );
    p
}

pub fn fmt_ns(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.3} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.3} µs", ns / 1_000.0)
    } else {
        format!("{ns:.1} ns")
    }
}

/// Times `a` (the SDK) against `b` (hand-written) in `rounds` interleaved rounds of `iters`
/// calls each.
pub fn paired<RA, RB>(
    label: &str,
    rounds: usize,
    iters: usize,
    mut a: impl FnMut() -> RA,
    mut b: impl FnMut() -> RB,
) -> Paired {
    // Warm-up.
    for _ in 0..iters {
        std::hint::black_box(a());
        std::hint::black_box(b());
    }
    let (mut ta, mut tb) = (Vec::with_capacity(rounds), Vec::with_capacity(rounds));
    for round in 0..rounds {
        let mut run_a = || {
            let t = Instant::now();
            for _ in 0..iters {
                std::hint::black_box(a());
            }
            t.elapsed().as_nanos() as f64 / iters as f64
        };
        let mut run_b = || {
            let t = Instant::now();
            for _ in 0..iters {
                std::hint::black_box(b());
            }
            t.elapsed().as_nanos() as f64 / iters as f64
        };
        if round % 2 == 0 {
            ta.push(run_a());
            tb.push(run_b());
        } else {
            tb.push(run_b());
            ta.push(run_a());
        }
    }
    summarize(label, ta, tb)
}

/// [`paired`] for calls that consume an input made by `setup` (made outside the timing).
pub fn paired_batched<I, RA, RB>(
    label: &str,
    rounds: usize,
    iters: usize,
    mut setup: impl FnMut() -> I,
    mut a: impl FnMut(I) -> RA,
    mut b: impl FnMut(I) -> RB,
) -> Paired {
    for _ in 0..iters {
        std::hint::black_box(a(setup()));
        std::hint::black_box(b(setup()));
    }
    let (mut ta, mut tb) = (Vec::with_capacity(rounds), Vec::with_capacity(rounds));
    for round in 0..rounds {
        let order: [bool; 2] = if round % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        for is_a in order {
            let inputs: Vec<I> = (0..iters).map(|_| setup()).collect();
            let t = Instant::now();
            if is_a {
                for i in inputs {
                    std::hint::black_box(a(i));
                }
            } else {
                for i in inputs {
                    std::hint::black_box(b(i));
                }
            }
            let per = t.elapsed().as_nanos() as f64 / iters as f64;
            if is_a { ta.push(per) } else { tb.push(per) }
        }
    }
    summarize(label, ta, tb)
}

/// [`paired`] for async calls, on `rt`.
pub fn paired_async<FA, FB, RA, RB>(
    rt: &tokio::runtime::Runtime,
    label: &str,
    rounds: usize,
    iters: usize,
    mut a: impl FnMut() -> FA,
    mut b: impl FnMut() -> FB,
) -> Paired
where
    FA: Future<Output = RA>,
    FB: Future<Output = RB>,
{
    rt.block_on(async {
        for _ in 0..iters {
            std::hint::black_box(a().await);
            std::hint::black_box(b().await);
        }
        let (mut ta, mut tb) = (Vec::with_capacity(rounds), Vec::with_capacity(rounds));
        for round in 0..rounds {
            let order: [bool; 2] = if round % 2 == 0 {
                [true, false]
            } else {
                [false, true]
            };
            for is_a in order {
                let t = Instant::now();
                for _ in 0..iters {
                    if is_a {
                        std::hint::black_box(a().await);
                    } else {
                        std::hint::black_box(b().await);
                    }
                }
                let per = t.elapsed().as_nanos() as f64 / iters as f64;
                if is_a { ta.push(per) } else { tb.push(per) }
            }
        }
        summarize(label, ta, tb)
    })
}

/// A call of a round-trip comparison, boxed.
pub type BoxFut = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Runs `sides` one call at a time, `warmup` rounds and then `calls` rounds, rotating which
/// side goes first call by call; each side's latencies in ns, sorted.
pub fn rotate(
    rt: &tokio::runtime::Runtime,
    sides: &[&dyn Fn() -> BoxFut],
    warmup: usize,
    calls: usize,
) -> Vec<Vec<f64>> {
    let n = sides.len();
    let mut times = vec![Vec::with_capacity(calls); n];
    rt.block_on(async {
        for _ in 0..warmup {
            for side in sides {
                side().await;
            }
        }
        for i in 0..calls {
            for k in 0..n {
                let s = (i + k) % n;
                let t = Instant::now();
                sides[s]().await;
                times[s].push(t.elapsed().as_nanos() as f64);
            }
        }
    });
    for v in &mut times {
        v.sort_by(|x, y| x.partial_cmp(y).unwrap());
    }
    times
}

/// The number of iterations a `PROFILE=..` run makes: `PROFILE_N`, else `default`.
pub fn profile_n(default: usize) -> usize {
    std::env::var("PROFILE_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Whether the binary runs as a benchmark (`cargo bench`), not as a smoke test
/// (`cargo test --benches`): the paired rounds only run in the former.
pub fn benchmarking() -> bool {
    std::env::args().any(|a| a == "--bench")
}
