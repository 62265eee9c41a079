//! Interceptors on the wire (wiremock on loopback, the CoopFin contract's JSON shapes): the
//! HMAC signer signs every attempt (token exchange, retries and the 401 replay, each
//! verified here with an independent HMAC), the metrics interceptor counts attempts and
//! statuses, hooks run in order with the final request, and a failing or panicking
//! interceptor is a typed error that names it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::{Arc, Mutex};

use auth_sdk::interceptors::{CallMetrics, HmacSigner};
use auth_sdk::{
    AttemptContext, BoxError, Error, Interceptor, PreparedRequest, ResponseHead, bytes, coopfin,
    http,
};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::json;
use sha2::Sha256;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

mod common;
use common::endpoints::whoami;
use common::fast_retry;

const SIGNING_KEY: &str = "sk_test_signing_key";

fn client_with(
    server: &MockServer,
    interceptors: Vec<Box<dyn FnOnce(ClientBuilder) -> ClientBuilder>>,
) -> coopfin::Client {
    let mut b = coopfin::Client::builder()
        .credentials(
            coopfin::Credentials::new()
                .with_api_key("pk_test_coop")
                .with_secret_key("sk_test_coop"),
        )
        .base_url(format!("{}/v1", server.uri()))
        .allow_http_loopback(true)
        .retry(fast_retry());
    for add in interceptors {
        b = add(b);
    }
    b.build().unwrap()
}

type ClientBuilder = auth_sdk::ClientBuilder<coopfin::Client>;

fn with(i: impl Interceptor) -> Box<dyn FnOnce(ClientBuilder) -> ClientBuilder> {
    Box::new(move |b: ClientBuilder| b.interceptor(i))
}

fn token_body(token: &str) -> serde_json::Value {
    json!({"token_type": "Bearer", "token": token, "expires_in": 86400})
}

async fn mount_token(server: &MockServer, token: &str, times: u64) {
    Mock::given(method("POST"))
        .and(path("/v1/sandbox/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body(token)))
        .up_to_n_times(times)
        .mount(server)
        .await;
}

/// Checks a received request's signature with an HMAC computed here, from the wire bytes.
fn assert_signed(req: &Request) {
    let ts = req
        .headers
        .get("x-timestamp")
        .unwrap_or_else(|| panic!("{} {} has no timestamp", req.method, req.url.path()))
        .to_str()
        .unwrap();
    let sig = req.headers.get("x-signature").unwrap().to_str().unwrap();
    let path_and_query = match req.url.query() {
        Some(q) => format!("{}?{q}", req.url.path()),
        None => req.url.path().to_owned(),
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(SIGNING_KEY.as_bytes()).unwrap();
    mac.update(format!("{ts}\n{}\n{path_and_query}\n", req.method).as_bytes());
    mac.update(&req.body);
    let want: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(sig, want, "signature of {} {}", req.method, path_and_query);
}

#[tokio::test]
async fn hmac_signer_signs_the_exchange_every_retry_and_the_replay() {
    let server = MockServer::start().await;
    // Token A is rejected once (401 → replay with token B); B first meets a 503 (retried).
    mount_token(&server, "tok-a", 1).await;
    mount_token(&server, "tok-b", 1).await;
    Mock::given(method("GET"))
        .and(path("/v1/me"))
        .and(header("authorization", "Bearer tok-a"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_token"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/me"))
        .and(header("authorization", "Bearer tok-b"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/me"))
        .and(header("authorization", "Bearer tok-b"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user_id": "u-1"})))
        .mount(&server)
        .await;

    let metrics = CallMetrics::new();
    let client = client_with(
        &server,
        vec![with(HmacSigner::new(SIGNING_KEY)), with(metrics.clone())],
    );
    let me = client.send(whoami::Request::new()).await.unwrap();
    assert_eq!(me.user_id, "u-1");

    let reqs = server.received_requests().await.unwrap();
    let paths: Vec<&str> = reqs.iter().map(|r| r.url.path()).collect();
    assert_eq!(
        paths,
        [
            "/v1/sandbox/token",
            "/v1/me",
            "/v1/sandbox/token",
            "/v1/me",
            "/v1/me"
        ],
        "exchange, 401, exchange, 503, 200"
    );
    for r in &reqs {
        assert_signed(r);
    }
    // The token exchange's body is part of what is signed.
    assert!(!reqs[0].body.is_empty());

    let m = metrics.snapshot();
    assert_eq!(m.attempts, 5);
    assert_eq!(m.endpoints.get("whoami"), Some(&3));
    assert_eq!(m.endpoints.get("create_token"), Some(&2));
    assert_eq!(m.statuses.get(&200), Some(&3));
    assert_eq!(m.statuses.get(&401), Some(&1));
    assert_eq!(m.statuses.get(&503), Some(&1));
    // The 503 is a failed attempt; the 401 is replayed, not reported as a failure.
    assert_eq!(m.failures, 1);
}

#[tokio::test]
async fn a_wrong_key_is_caught_by_the_independent_check() {
    // The check above can fail: a signature made with another key does not verify.
    let server = MockServer::start().await;
    mount_token(&server, "tok-a", 1).await;
    let client = client_with(&server, vec![with(HmacSigner::new("sk_test_other_key"))]);
    client
        .create_token("pk_test_coop", "sk_test_coop")
        .await
        .unwrap();
    let reqs = server.received_requests().await.unwrap();
    let caught = std::panic::catch_unwind(|| assert_signed(&reqs[0]));
    assert!(
        caught.is_err(),
        "a signature under another key must not verify"
    );
}

/// Records each hook it sees, with what it saw.
#[derive(Debug)]
struct Recorder {
    name: &'static str,
    log: Arc<Mutex<Vec<String>>>,
}

impl Interceptor for Recorder {
    fn name(&self) -> &'static str {
        self.name
    }
    fn modify_before_transmit(
        &self,
        request: &mut PreparedRequest,
        ctx: &AttemptContext,
    ) -> Result<(), BoxError> {
        let auth = request
            .headers()
            .get("authorization")
            .map(|v| v.to_str().unwrap_or("?").to_owned())
            .unwrap_or_default();
        self.log.lock().unwrap().push(format!(
            "{} before {} #{} replay={} auth={auth}",
            self.name, ctx.endpoint, ctx.attempt, ctx.replay
        ));
        request
            .headers_mut()
            .insert("x-order", format!("{}-{}", self.name, ctx.attempt).parse()?);
        Ok(())
    }
    fn read_after_transmit(
        &self,
        response: &ResponseHead<'_>,
        ctx: &AttemptContext,
    ) -> Result<(), BoxError> {
        self.log.lock().unwrap().push(format!(
            "{} after {} {}",
            self.name,
            ctx.endpoint,
            response.status.as_u16()
        ));
        Ok(())
    }
    fn modify_before_decode(
        &self,
        response: &mut http::Response<bytes::Bytes>,
        ctx: &AttemptContext,
    ) -> Result<(), BoxError> {
        self.log
            .lock()
            .unwrap()
            .push(format!("{} decode {}", self.name, ctx.endpoint));
        if ctx.endpoint == "whoami" && response.status() == 200 {
            *response.body_mut() = bytes::Bytes::from_static(br#"{"user_id":"rewritten"}"#);
        }
        Ok(())
    }
}

#[tokio::test]
async fn hooks_run_in_order_with_the_authorized_request_and_may_rewrite_the_answer() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-a", 1).await;
    Mock::given(method("GET"))
        .and(path("/v1/me"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user_id": "u-1"})))
        .mount(&server)
        .await;
    let log = Arc::new(Mutex::new(Vec::new()));
    let client = client_with(
        &server,
        vec![
            with(Recorder {
                name: "first",
                log: Arc::clone(&log),
            }),
            with(Recorder {
                name: "second",
                log: Arc::clone(&log),
            }),
        ],
    );
    let me = client.send(whoami::Request::new()).await.unwrap();
    assert_eq!(
        me.user_id, "rewritten",
        "modify_before_decode changed the body"
    );
    let log = log.lock().unwrap().clone();
    assert_eq!(
        log,
        [
            "first before create_token #1 replay=false auth=",
            "second before create_token #1 replay=false auth=",
            "first after create_token 200",
            "second after create_token 200",
            "first decode create_token",
            "second decode create_token",
            "first before whoami #1 replay=false auth=Bearer tok-a",
            "second before whoami #1 replay=false auth=Bearer tok-a",
            "first after whoami 200",
            "second after whoami 200",
            "first decode whoami",
            "second decode whoami",
        ]
    );
    // The second interceptor's header replaced the first's: both ran, in order.
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs[1].headers.get("x-order").unwrap(), "second-1");
}

/// Fails (or panics) in one hook.
#[derive(Debug)]
struct Failing {
    hook: &'static str,
    panic: bool,
}

impl Failing {
    fn fail(&self, hook: &'static str) -> Result<(), BoxError> {
        if self.hook != hook {
            return Ok(());
        }
        if self.panic {
            panic!("the interceptor broke");
        }
        Err("refused by policy".into())
    }
}

impl Interceptor for Failing {
    fn name(&self) -> &'static str {
        "failing"
    }
    fn modify_before_transmit(
        &self,
        _: &mut PreparedRequest,
        _: &AttemptContext,
    ) -> Result<(), BoxError> {
        self.fail("modify_before_transmit")
    }
    fn read_after_transmit(
        &self,
        _: &ResponseHead<'_>,
        _: &AttemptContext,
    ) -> Result<(), BoxError> {
        self.fail("read_after_transmit")
    }
}

#[tokio::test]
async fn a_failing_or_panicking_interceptor_is_a_typed_error_naming_it() {
    for (hook, panic, sent) in [
        ("modify_before_transmit", false, false),
        ("modify_before_transmit", true, false),
        ("read_after_transmit", false, true),
        ("read_after_transmit", true, true),
    ] {
        let server = MockServer::start().await;
        mount_token(&server, "tok-a", 10).await;
        let metrics = CallMetrics::new();
        let client = client_with(
            &server,
            vec![with(metrics.clone()), with(Failing { hook, panic })],
        );
        let err = client
            .create_token("pk_test_coop", "sk_test_coop")
            .await
            .unwrap_err();
        let Error::Interceptor(e) = &err else {
            panic!("{hook}: expected an interceptor error, got {err:?}");
        };
        assert_eq!((e.interceptor, e.hook, e.sent), ("failing", hook, sent));
        assert_eq!(err.may_have_been_processed(), sent);
        let text = err.to_string();
        assert!(text.contains("interceptor `failing` failed in"), "{text}");
        if panic {
            assert!(text.contains("panicked"), "{text}");
        } else {
            let source = std::error::Error::source(e).map(ToString::to_string);
            assert_eq!(source.as_deref(), Some("refused by policy"));
        }
        assert!(
            !err.is_transient(),
            "an interceptor's failure is not retried"
        );
        let received = server.received_requests().await.unwrap().len();
        assert_eq!(
            received,
            usize::from(sent),
            "{hook}: sent once or not at all"
        );
        assert_eq!(metrics.snapshot().failures, 1, "on_error heard of it");
    }
}
