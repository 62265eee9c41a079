//! Property tests: request construction (headers, path parameters), token lifetimes and
//! response decoding never panic, and either reject the input with a typed error or
//! round-trip it exactly. Sans-IO (no network), small case counts: runs in seconds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::{Duration, Instant, SystemTime};

use auth_sdk::__private::bytes::Bytes;
use auth_sdk::{
    BaseUrl, Clock, Endpoint, Error, IssuedToken, Lifetime, ManualClock, Secret, http, jwt_exp,
    loccus, parse_response,
};
use proptest::prelude::*;

mod common;
use common::endpoints::note;

#[allow(dead_code)] // the response is never decoded successfully here
mod thing {
    use auth_sdk::{endpoint, response};
    /// A GET with a path parameter without a charset.
    #[endpoint(name = thing, provider = auth_sdk::coolset::Client, GET "/things/{id}", auth = token)]
    pub struct Request {
        /// Any id.
        #[path]
        pub id: String,
    }
    /// Answer.
    #[response(200)]
    pub struct Response {
        /// Whether it worked.
        pub ok: bool,
    }
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn base() -> BaseUrl {
    BaseUrl::parse("https://api.example.invalid/v1").unwrap()
}

/// Arbitrary text, biased toward the characters that matter in headers and paths.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~\t\r\n\0\u{7f}]{0,12}",
        "[a-z0-9./%?#-]{0,8}",
        prop::sample::select(vec![
            "", ".", "..", "a/b", "../x", "%2e%2e", "?x", "#f", "a\r\nb", "\u{0}", "é", " x ",
            "\t",
        ])
        .prop_map(str::to_owned),
    ]
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// Checks a built request's path: `/v1/<literal...>/<segment>`, one segment per parameter.
fn check_path(req: &http::Request<Bytes>, literal: &[&str], value: &str) {
    let uri = req.uri();
    assert_eq!(uri.host(), Some("api.example.invalid"));
    assert_eq!(uri.query(), None, "a path parameter never adds a query");
    let segments: Vec<&str> = uri.path().trim_start_matches('/').split('/').collect();
    assert_eq!(segments.len(), 1 + literal.len() + 1, "{:?}", uri.path());
    assert_eq!(segments[0], "v1");
    assert_eq!(&segments[1..=literal.len()], literal);
    let last = segments[literal.len() + 1];
    assert_eq!(
        percent_decode(last).as_deref(),
        Some(value.as_bytes()),
        "{last}"
    );
}

proptest! {
    #![proptest_config(config(256))]

    /// N3: a user header either fails with InvalidInput (control characters) or carries
    /// exactly the given value, once.
    #[test]
    fn n3_header_values_are_rejected_or_exact(value in text()) {
        let has_control = value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f);
        match note::Request::new(value.clone()).to_http_request(&base()) {
            Err(e) => {
                prop_assert!(has_control, "{value:?} rejected: {e}");
                prop_assert_eq!(e.field, "note");
                if !value.trim().is_empty() && value.len() > 3 {
                    prop_assert!(!e.reason.contains(value.as_str()));
                }
            }
            Ok(req) => {
                prop_assert!(!has_control, "{value:?} accepted");
                let all: Vec<_> = req.headers().get_all("x-note").iter().collect();
                prop_assert_eq!(all.len(), 1);
                prop_assert_eq!(all[0].as_bytes(), value.as_bytes());
            }
        }
    }

    /// N4: Loccus key handles outside [a-z0-9-] (and "", ".", "..") are rejected; the others
    /// are exactly one segment that decodes back to the input.
    #[test]
    fn n4_loccus_key_handles(value in text()) {
        let valid = !value.is_empty()
            && value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        match loccus::get_key::Request::new(value.clone()).to_http_request(&base()) {
            Err(e) => {
                prop_assert!(!valid, "{value:?} rejected: {e}");
                prop_assert_eq!(e.field, "key");
            }
            Ok(req) => {
                prop_assert!(valid, "{value:?} accepted");
                check_path(&req, &["user", "keys"], &value);
            }
        }
    }

    /// N4 without a charset: every value but "", "." and ".." is one segment that decodes
    /// back to the input.
    #[test]
    fn generic_path_parameters(value in text()) {
        let special = value.is_empty() || value == "." || value == "..";
        match thing::Request::new(value.clone()).to_http_request(&base()) {
            Err(e) => {
                prop_assert!(special, "{value:?} rejected: {e}");
                prop_assert_eq!(e.field, "id");
            }
            Ok(req) => {
                prop_assert!(!special, "{value:?} accepted");
                check_path(&req, &["things"], &value);
            }
        }
    }
}

/// A clock at a fixed, arbitrary wall time.
#[derive(Debug)]
struct FixedClock {
    now: Instant,
    system: SystemTime,
}

impl Clock for FixedClock {
    fn now(&self) -> Instant {
        self.now
    }
    fn system_now(&self) -> SystemTime {
        self.system
    }
}

fn offset(secs: i64, nanos: u32) -> SystemTime {
    let d = Duration::new(secs.unsigned_abs(), nanos % 1_000_000_000);
    if secs >= 0 {
        SystemTime::UNIX_EPOCH.checked_add(d)
    } else {
        SystemTime::UNIX_EPOCH.checked_sub(d)
    }
    .unwrap_or(SystemTime::UNIX_EPOCH)
}

fn jwt(payload: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in payload.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    format!("eyJhbGciOiJIUzI1NiJ9.{out}.sig")
}

proptest! {
    #![proptest_config(config(512))]

    /// T6: deadlines never panic, whatever the lifetime, cap and wall clock.
    #[test]
    fn token_deadlines_never_panic(
        secs in any::<i64>(),
        at_secs in any::<i64>(),
        at_nanos in any::<u32>(),
        clock_secs in any::<i64>(),
        cap in proptest::option::of(any::<u64>()),
        exp in prop_oneof![
            any::<f64>().prop_map(|f| format!("{{\"exp\":{f}}}")),
            any::<i64>().prop_map(|i| format!("{{\"exp\":{i}}}")),
            "[ -~]{0,20}".prop_map(|s| format!("{{\"exp\":\"{s}\"}}")),
            any::<String>(),
        ],
    ) {
        let clock = FixedClock { now: Instant::now(), system: offset(clock_secs, 0) };
        let manual = ManualClock::new();
        let cap = cap.map(Duration::from_secs);
        for lifetime in [
            Lifetime::Seconds(secs),
            Lifetime::At(offset(at_secs, at_nanos)),
            Lifetime::Jwt,
            Lifetime::Unknown,
        ] {
            let token = IssuedToken::new(Secret::new(jwt(exp.as_bytes())), lifetime)
                .with_max_lifetime(cap);
            for c in [&clock as &dyn Clock, &manual] {
                if let Some(d) = token.deadline(c) {
                    prop_assert!(d >= c.now());
                    if let Some(cap) = cap {
                        prop_assert!(d.duration_since(c.now()) <= cap);
                    }
                }
            }
        }
        if secs <= 0 {
            let t = IssuedToken::new(Secret::new("t"), Lifetime::Seconds(secs));
            prop_assert_eq!(t.deadline(&clock), Some(clock.now), "non-positive means expired");
        }
    }

    /// jwt_exp never panics on arbitrary text.
    #[test]
    fn jwt_exp_never_panics(token in any::<String>(), payload in any::<Vec<u8>>()) {
        let _ = jwt_exp(&token);
        let _ = jwt_exp(&jwt(&payload));
        let _ = jwt_exp(&format!("{token}.{token}.{token}"));
    }
}

// ---------------------------------------------------------------------------------------
// N7: decoding arbitrary answers never panics, for every generated endpoint.

fn decode_all(status: http::StatusCode, headers: &http::HeaderMap, body: &Bytes) {
    fn one<E: Endpoint>(status: http::StatusCode, headers: &http::HeaderMap, body: &Bytes)
    where
        E::Response: std::fmt::Debug,
    {
        let mut resp = http::Response::new(body.clone());
        *resp.status_mut() = status;
        *resp.headers_mut() = headers.clone();
        match parse_response::<E>(resp) {
            Ok(r) => {
                let _ = format!("{r:?}");
            }
            Err(e) => {
                let _ = format!("{e} {e:?} {}", e.is_transient());
                if let Error::Provider(pe) = &e {
                    let _ = pe.rate_limit();
                }
                if status.is_success() && !matches!(e, Error::Provider(_)) {
                    assert!(
                        matches!(e, Error::Decode(_)),
                        "a 2xx that fails is a decode error: {e:?}"
                    );
                }
            }
        }
    }
    use auth_sdk::{akool, coinflow, coolset, coopfin};
    one::<coopfin::create_token::Request>(status, headers, body);
    one::<coinflow::get_message::Request>(status, headers, body);
    one::<coinflow::get_session_key::Request>(status, headers, body);
    one::<coinflow::verify_token::Request>(status, headers, body);
    one::<coolset::user_config::Request>(status, headers, body);
    one::<coolset::list_workspaces::Request>(status, headers, body);
    one::<akool::get_token::Request>(status, headers, body);
    one::<akool::quota_info::Request>(status, headers, body);
    one::<loccus::sign_in::Request>(status, headers, body);
    one::<loccus::get_user::Request>(status, headers, body);
    one::<loccus::create_key::Request>(status, headers, body);
    one::<loccus::get_key::Request>(status, headers, body);
    one::<loccus::list_keys::Request>(status, headers, body);
    one::<loccus::update_key::Request>(status, headers, body);
    one::<loccus::delete_key::Request>(status, headers, body);
}

fn json_like() -> impl Strategy<Value = Vec<u8>> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        prop::sample::select(vec![1000i64, 1101, 1102, 1200, 0, -1])
            .prop_map(serde_json::Value::from),
        "[a-zA-Z0-9:.\\-]{0,12}".prop_map(serde_json::Value::from),
        Just(serde_json::Value::from("2023-01-01T00:00:00Z")),
    ];
    let keys = prop::sample::select(vec![
        "token",
        "expires_in",
        "expiresAt",
        "code",
        "msg",
        "data",
        "credit",
        "key",
        "keys",
        "error",
        "message",
        "detail",
        "id",
        "handle",
        "alias",
        "createdAt",
        "count",
        "results",
        "name",
        "stack",
        "errors",
    ]);
    let value = leaf.prop_recursive(4, 32, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..6).prop_map(|kv| {
                serde_json::Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    });
    value.prop_map(|v| serde_json::to_vec(&v).unwrap_or_default())
}

fn headers() -> impl Strategy<Value = http::HeaderMap> {
    let name = prop::sample::select(vec![
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "retry-after",
        "page-total",
        "page-size",
        "page-current",
        "item-total",
        "content-type",
    ]);
    prop::collection::vec((name, prop::collection::vec(any::<u8>(), 0..24)), 0..5).prop_map(|hs| {
        let mut map = http::HeaderMap::new();
        for (n, v) in hs {
            if let Ok(v) = http::HeaderValue::from_bytes(&v) {
                map.append(n, v);
            }
        }
        map
    })
}

proptest! {
    #![proptest_config(config(256))]

    /// N7 / R10: arbitrary bytes, JSON-shaped bodies, statuses and headers never panic.
    #[test]
    fn n7_decoding_never_panics(
        status in 100u16..1000,
        headers in headers(),
        body in prop_oneof![any::<Vec<u8>>(), json_like()],
    ) {
        let status = http::StatusCode::from_u16(status).unwrap();
        decode_all(status, &headers, &Bytes::from(body));
    }
}

#[test]
fn deeply_nested_bodies_are_errors_not_stack_overflows() {
    for depth in [200usize, 100_000] {
        let mut body = "[".repeat(depth);
        body.push_str(&"]".repeat(depth));
        for status in [200u16, 400, 502] {
            let status = http::StatusCode::from_u16(status).unwrap();
            decode_all(status, &http::HeaderMap::new(), &Bytes::from(body.clone()));
        }
        let mut obj = "{\"a\":".repeat(depth);
        obj.push('1');
        obj.push_str(&"}".repeat(depth));
        decode_all(
            http::StatusCode::OK,
            &http::HeaderMap::new(),
            &Bytes::from(obj),
        );
    }
}
