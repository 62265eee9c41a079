#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! Token lifetimes through real CoopFin clients over loopback wiremock, on a `ManualClock`
//! (checklist T1, T4, T6; the rest of the token cache is in `token_cache.rs`):
//!
//! - T1: the refresh window is `min(5 min, half the lifetime)` plus up to 10 % jitter, for
//!   lifetimes from 1 s to a day; the jitter really spreads refreshes; lifetimes of 1 s and
//!   0 s cost at most one exchange per call and per half-lifetime, never a loop.
//! - T4: a `/token` that answers 500 once (`up_to_n_times(1)`) and then 200: the failure is
//!   not kept past the cache's 1 s backoff, and a failed proactive refresh leaves the still
//!   valid token in use.
//! - T6: any `expires_in` (integers of every size, floats, strings, null, booleans, absent)
//!   ends in a defined outcome: a token cached for exactly its lifetime, used once, kept
//!   without expiry, or a typed decode error naming the field.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use auth_sdk::{Error, ManualClock, RetryPolicy, coopfin};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use serde_json::json;
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

mod common;
use common::endpoints::whoami;
use common::{count, header_values, json_reply, loopback, mount_any, numbered, on};

const TOKEN_PATH: &str = "/v1/sandbox/token";
const ME_PATH: &str = "/v1/me";

/// A CoopFin token answer: `tok-<n>` living `expires_in` seconds.
fn token_reply(n: usize, expires_in: i64) -> ResponseTemplate {
    json_reply(
        200,
        json!({"token_type": "Bearer", "token": format!("tok-{n}"), "expires_in": expires_in}),
    )
}

/// A wiremock server whose issuer hands out `tok-1`, `tok-2`, ... living `expires_in`
/// seconds, and whose `/v1/me` answers `u1`; returns the server and the tokens issued.
async fn issuer_server(expires_in: i64) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let (issuer, issued) = numbered(move |n| token_reply(n, expires_in));
    mount_any(&server, on("POST", TOKEN_PATH), issuer).await;
    mount_any(
        &server,
        on("GET", ME_PATH),
        json_reply(200, json!({"user_id": "u1"})),
    )
    .await;
    (server, issued)
}

/// A CoopFin client at `server`'s `/v1` on `clock`, with `retry`.
fn client(server: &MockServer, clock: &ManualClock, retry: RetryPolicy) -> coopfin::Client {
    let creds = coopfin::Credentials::new()
        .with_api_key("pk_test_lifetimes")
        .with_secret_key("sk_test_lifetimes");
    loopback(format!("{}/v1", server.uri()), creds)
        .clock(clock.clone())
        .retry(retry)
        .build()
        .unwrap()
}

/// One `whoami` call, which must succeed.
async fn call(client: &coopfin::Client) {
    let me = client.send(whoami::Request::new()).await.unwrap();
    assert_eq!(me.user_id, "u1");
}

fn issued(n: &AtomicUsize) -> usize {
    n.load(Ordering::SeqCst)
}

// ---------------------------------------------------------------------------------------------
// T1: the refresh window, its jitter, and very short lifetimes
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn t1_refresh_window_is_min_of_5_min_and_half_the_lifetime_plus_jitter() {
    // For each lifetime L the window is W = min(300 s, L / 2) plus a jitter in [0, W / 10], so
    // the refresh instant is in [L - 1.1 W, L - W] after receipt: a call just before
    // L - 1.1 W reuses the token, a call just after L - W refreshes it.
    for lifetime in [1u64, 10, 60, 600, 3600, 86_400] {
        let (server, issued_so_far) = issuer_server(lifetime as i64).await;
        let life = Duration::from_secs(lifetime);
        let window = (life / 2).min(Duration::from_secs(300));
        let last_reuse = life - window.mul_f64(1.1) - Duration::from_millis(1);
        let first_refresh = life - window + Duration::from_millis(1);
        for round in 0..5 {
            let clock = ManualClock::new();
            let c = client(&server, &clock, RetryPolicy::disabled());
            let before = issued(&issued_so_far);
            call(&c).await;
            clock.advance(last_reuse);
            call(&c).await;
            assert_eq!(
                issued(&issued_so_far) - before,
                1,
                "L = {lifetime} s, round {round}: reused {last_reuse:?} after receipt"
            );
            clock.advance(first_refresh - last_reuse);
            call(&c).await;
            assert_eq!(
                issued(&issued_so_far) - before,
                2,
                "L = {lifetime} s, round {round}: refreshed {first_refresh:?} after receipt"
            );
            call(&c).await;
            assert_eq!(
                issued(&issued_so_far) - before,
                2,
                "the new token is reused"
            );
        }
    }
}

#[tokio::test]
async fn t1_the_jitter_spreads_refreshes_across_clients() {
    // L = 3600 s: W = 300 s, refresh at 3600 - 300 - jitter, jitter uniform in [0, 30 s]. At
    // 3285 s a client refreshes iff its jitter exceeds 15 s. Forty clients all agreeing would
    // mean no jitter (or a constant one); the chance of that with a uniform jitter is 2^-39.
    let (server, issued_so_far) = issuer_server(3600).await;
    let (mut refreshed, mut reused) = (0, 0);
    for _ in 0..40 {
        let clock = ManualClock::new();
        let c = client(&server, &clock, RetryPolicy::disabled());
        call(&c).await;
        let before = issued(&issued_so_far);
        clock.advance(Duration::from_secs(3285));
        call(&c).await;
        if issued(&issued_so_far) > before {
            refreshed += 1;
        } else {
            reused += 1;
        }
    }
    eprintln!("[lifetimes] at 3285 of 3600 s: {refreshed} refreshed, {reused} reused");
    assert!(
        refreshed > 0 && reused > 0,
        "{refreshed} refreshed, {reused} reused"
    );
}

#[tokio::test]
async fn t1_a_one_second_token_is_refreshed_about_every_half_second_not_per_call() {
    let (server, issued_so_far) = issuer_server(1).await;
    let clock = ManualClock::new();
    let c = client(&server, &clock, RetryPolicy::disabled());

    // A burst at one instant shares one token.
    for _ in 0..50 {
        call(&c).await;
    }
    assert_eq!(issued(&issued_so_far), 1, "50 calls at one instant");

    // 200 calls 10 ms apart (2 s of the client's time): the token is refreshed from
    // 0.45..0.5 s after receipt, so at most one exchange per 0.45 s, plus the first.
    for _ in 0..200 {
        clock.advance(Duration::from_millis(10));
        call(&c).await;
    }
    let exchanges = issued(&issued_so_far);
    eprintln!("[lifetimes] expires_in 1: 250 calls over 2 s -> {exchanges} exchanges");
    assert!(
        (4..=6).contains(&exchanges),
        "{exchanges} exchanges for 2 s of 1 s tokens"
    );
    let auths = header_values(&server, ME_PATH, "authorization").await;
    assert_eq!(auths.len(), 250);
    for n in 1..exchanges {
        let uses = auths
            .iter()
            .filter(|a| **a == format!("Bearer tok-{n}"))
            .count();
        assert!(uses >= 44, "tok-{n} served {uses} calls");
    }

    // Nothing refreshes in the background: no call, no exchange.
    clock.advance(Duration::from_secs(3600));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(count(&server, TOKEN_PATH).await, exchanges);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn t1_a_zero_second_token_costs_one_exchange_per_call_and_no_more() {
    // `expires_in: 0` is expired on arrival: each call exchanges once and uses its token
    // once; none exchanges twice, and nothing happens between calls.
    let (server, issued_so_far) = issuer_server(0).await;
    let clock = ManualClock::new();
    let c = client(&server, &clock, RetryPolicy::disabled());
    for _ in 0..20 {
        call(&c).await;
    }
    assert_eq!(issued(&issued_so_far), 20, "20 sequential calls");

    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.send(whoami::Request::new()).await.map(|m| m.user_id) })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), "u1");
    }
    assert_eq!(
        issued(&issued_so_far),
        40,
        "20 concurrent calls: one exchange each"
    );

    let mut auths = header_values(&server, ME_PATH, "authorization").await;
    assert_eq!(auths.len(), 40);
    auths.sort();
    auths.dedup();
    assert_eq!(auths.len(), 40, "each token was sent once");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(count(&server, TOKEN_PATH).await, 40);
}

// ---------------------------------------------------------------------------------------------
// T4: refresh failures are not cached; the old token survives a failed refresh
// ---------------------------------------------------------------------------------------------

/// A server whose issuer answers 200 (`tok-1`) `first_ok` times (0 or 1), then 500 once, then
/// 200 (`tok-2`) for ever, with 600 s tokens; `/v1/me` answers `u1`.
async fn flaky_issuer(first_ok: bool) -> MockServer {
    let server = MockServer::start().await;
    let token = |name: &str| {
        json_reply(
            200,
            json!({"token_type": "Bearer", "token": name, "expires_in": 600}),
        )
    };
    if first_ok {
        on("POST", TOKEN_PATH)
            .respond_with(token("tok-1"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    on("POST", TOKEN_PATH)
        .respond_with(json_reply(500, json!({"error": "token service down"})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount_any(&server, on("POST", TOKEN_PATH), token("tok-2")).await;
    mount_any(
        &server,
        on("GET", ME_PATH),
        json_reply(200, json!({"user_id": "u1"})),
    )
    .await;
    server
}

#[tokio::test]
async fn t4_failed_proactive_refresh_keeps_the_old_token_then_recovers() {
    let server = flaky_issuer(true).await;
    let clock = ManualClock::new();
    // Retries off, so the 500 is the refresh's outcome rather than a retried attempt.
    let c = client(&server, &clock, RetryPolicy::disabled());
    call(&c).await; // tok-1, valid 600 s
    clock.advance(Duration::from_secs(320)); // in the refresh window, 280 s of life left
    call(&c).await; // the refresh gets the 500; the call goes out with tok-1
    assert_eq!(
        count(&server, TOKEN_PATH).await,
        2,
        "a refresh was attempted"
    );
    call(&c).await; // inside the 1 s backoff: no new exchange, still tok-1
    assert_eq!(count(&server, TOKEN_PATH).await, 2, "inside the backoff");
    clock.advance(Duration::from_secs(1));
    call(&c).await; // the failure is not kept: a new exchange, tok-2
    call(&c).await;
    assert_eq!(
        count(&server, TOKEN_PATH).await,
        3,
        "one more exchange, then reuse"
    );
    assert_eq!(
        header_values(&server, ME_PATH, "authorization").await,
        vec![
            "Bearer tok-1",
            "Bearer tok-1",
            "Bearer tok-1",
            "Bearer tok-2",
            "Bearer tok-2"
        ]
    );
}

#[tokio::test]
async fn t4_a_500_then_200_exchange_recovers_after_the_backoff_or_a_clear() {
    for clear in [false, true] {
        let server = flaky_issuer(false).await;
        let clock = ManualClock::new();
        let c = client(&server, &clock, RetryPolicy::disabled());
        let err = c.send(whoami::Request::new()).await.unwrap_err();
        assert!(matches!(err, Error::TokenExchange(_)), "{err:?}");
        let again = c.send(whoami::Request::new()).await.unwrap_err();
        assert!(matches!(again, Error::TokenExchange(_)), "{again:?}");
        assert_eq!(count(&server, TOKEN_PATH).await, 1, "the backoff answered");
        if clear {
            c.core().clear_tokens();
        } else {
            clock.advance(Duration::from_secs(1));
        }
        call(&c).await;
        assert_eq!(count(&server, TOKEN_PATH).await, 2, "clear = {clear}");
        assert_eq!(
            header_values(&server, ME_PATH, "authorization").await,
            vec!["Bearer tok-2"]
        );
    }
}

// ---------------------------------------------------------------------------------------------
// T6: every `expires_in` has a defined outcome
// ---------------------------------------------------------------------------------------------

/// Ten years: lifetimes from here on are kept without expiry (the runtime's bound).
const UNBOUNDED_FROM: i64 = 10 * 365 * 24 * 3600;

/// Answers the token path with the JSON text in `body` (the current case), counting.
#[derive(Clone)]
struct RawIssuer {
    body: Arc<Mutex<String>>,
    answered: Arc<AtomicUsize>,
}

impl Respond for RawIssuer {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        self.answered.fetch_add(1, Ordering::SeqCst);
        let body = self.body.lock().unwrap().clone();
        ResponseTemplate::new(200).set_body_raw(body, "application/json")
    }
}

/// The JSON text of an `expires_in` value (`None`: the field is absent).
fn expires_in_text() -> impl Strategy<Value = Option<String>> {
    let int = prop_oneof![
        any::<i64>().prop_map(|i| i.to_string()),
        (-3i64..=3).prop_map(|i| i.to_string()),
        prop::sample::select(vec![
            i64::MIN,
            i64::MAX,
            86_400,
            UNBOUNDED_FROM - 1,
            UNBOUNDED_FROM
        ])
        .prop_map(|i| i.to_string()),
        any::<u64>().prop_map(|u| u.to_string()),
        any::<i128>().prop_map(|i| i.to_string()),
        "-?[1-9][0-9]{19,40}",
    ];
    let other = prop_oneof![
        any::<f64>().prop_map(|f| serde_json::to_string(&f).unwrap()),
        "-?(0|[1-9][0-9]{0,4})\\.[0-9]{1,3}(e[+-]?[0-9]{1,3})?",
        any::<String>().prop_map(|s| serde_json::to_string(&s).unwrap()),
        "-?[0-9]{1,20}".prop_map(|s| serde_json::to_string(&s).unwrap()),
        prop::sample::select(vec!["null", "true", "false", "[]", "{}", "[86400]"])
            .prop_map(str::to_owned),
    ];
    prop_oneof![
        3 => int.prop_map(Some),
        2 => other.prop_map(Some),
        1 => Just(None),
    ]
}

/// One case: a fresh client, its token answer carrying `expires_in`, and the outcome the
/// SDK promises for it.
async fn expires_in_case(
    server: &MockServer,
    issuer: &RawIssuer,
    text: Option<&str>,
) -> Result<(), TestCaseError> {
    let field = text.map_or(String::new(), |t| format!(r#","expires_in":{t}"#));
    *issuer.body.lock().unwrap() =
        format!(r#"{{"token_type":"Bearer","token":"tok_test_CANARY_t6"{field}}}"#);
    let clock = ManualClock::new();
    let c = client(server, &clock, RetryPolicy::disabled());
    let exchanges = || issuer.answered.load(Ordering::SeqCst);
    let before = exchanges();
    let calls_before = count(server, ME_PATH).await;
    let first = c.send(whoami::Request::new()).await;

    let Some(secs) = text.and_then(|t| t.parse::<i64>().ok()) else {
        // Not an i64 (too large, fractional, a string, another type, absent): a typed
        // decode error of the token exchange naming the field, the API never called, and
        // not transient (never retried).
        let err = first.err().ok_or_else(|| TestCaseError::fail("accepted"))?;
        let Error::TokenExchange(te) = &err else {
            return Err(TestCaseError::fail(format!("{err:?}")));
        };
        let inner = te
            .inner()
            .downcast_ref::<Error<coopfin::ErrorBody>>()
            .ok_or_else(|| TestCaseError::fail("inner type"))?;
        let Error::Decode(d) = inner else {
            return Err(TestCaseError::fail(format!("{inner:?}")));
        };
        let chain = common::chain(&err);
        // serde_json refuses a number beyond f64 (`1e400`) while parsing, before any field
        // is known: that decode error names the body's root.
        let beyond_f64 = text.is_some_and(|t| t.parse::<f64>().is_ok_and(f64::is_infinite));
        if beyond_f64 {
            prop_assert!(d.path == "expires_in" || d.path == ".", "{}", chain);
        } else {
            prop_assert_eq!(d.path.as_str(), "expires_in");
            prop_assert!(chain.contains("expires_in"), "{}", chain);
        }
        prop_assert!(!chain.contains("CANARY"), "{}", chain);
        prop_assert!(!err.is_transient());
        prop_assert_eq!(exchanges() - before, 1);
        prop_assert_eq!(
            count(server, ME_PATH).await,
            calls_before,
            "the API got nothing"
        );
        return Ok(());
    };
    prop_assert!(first.is_ok(), "{:?}", first.err());
    c.send(whoami::Request::new()).await.unwrap();
    let after_two = exchanges() - before;
    if secs <= 0 {
        // Expired on arrival: used once, never cached.
        prop_assert_eq!(after_two, 2);
    } else if secs >= UNBOUNDED_FROM {
        // Beyond ten years: kept without expiry (no Instant overflow twenty years on).
        prop_assert_eq!(after_two, 1);
        clock.advance(Duration::from_secs(20 * 365 * 24 * 3600));
        c.send(whoami::Request::new()).await.unwrap();
        prop_assert_eq!(exchanges() - before, 1);
    } else {
        // Cached for exactly its lifetime: at `secs` after receipt it is gone.
        prop_assert_eq!(after_two, 1);
        clock.advance(Duration::from_secs(secs.unsigned_abs()));
        c.send(whoami::Request::new()).await.unwrap();
        prop_assert_eq!(exchanges() - before, 2);
    }
    Ok(())
}

#[test]
fn t6_any_expires_in_has_a_defined_outcome() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let issuer = RawIssuer {
        body: Arc::new(Mutex::new(String::new())),
        answered: Arc::new(AtomicUsize::new(0)),
    };
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        mount_any(&server, on("POST", TOKEN_PATH), issuer.clone()).await;
        mount_any(
            &server,
            on("GET", ME_PATH),
            json_reply(200, json!({"user_id": "u1"})),
        )
        .await;
        server
    });
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    runner
        .run(&expires_in_text(), |text| {
            rt.block_on(expires_in_case(&server, &issuer, text.as_deref()))
        })
        .unwrap();
}
