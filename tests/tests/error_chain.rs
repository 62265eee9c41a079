#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! Error chains print each cause once (issue 15, item 5): for errors from
//! every stage that has a cause (a token exchange the provider refused, a refused
//! connection, a token body that does not decode, an interceptor's own error), no level of
//! the `source()` chain repeats the text of the level below it, and the whole chain (as
//! `anyhow`'s `{:#}` prints it) still names the cause.

use std::error::Error as StdError;

use auth_sdk::{AttemptContext, BoxError, Error, Interceptor, PreparedRequest, coopfin};
use serde_json::json;

mod common;
use common::endpoints::whoami;
use common::{chain, chain_levels, closed_port, json_reply, loopback, mount_any, on};

/// Asserts the chain of `err` has at least `levels` levels, that no level contains the text
/// of the next (or repeats an earlier one), and that the printed chain contains `cause`.
fn assert_each_cause_once(err: &(dyn StdError + 'static), levels: usize, cause: &str) {
    let texts = chain_levels(err);
    assert!(texts.len() >= levels, "{texts:#?}");
    for pair in texts.windows(2) {
        assert!(
            !pair[0].contains(&pair[1]),
            "a level repeats its cause:\n  {}\n  {}",
            pair[0],
            pair[1]
        );
    }
    for (i, t) in texts.iter().enumerate() {
        assert!(!t.is_empty(), "level {i} is empty: {texts:#?}");
        assert!(!texts[..i].contains(t), "level {i} repeats: {texts:#?}");
    }
    let line = chain(err);
    assert!(line.contains(cause), "`{cause}` missing from: {line}");
}

fn creds() -> coopfin::Credentials {
    coopfin::Credentials::new()
        .with_api_key("pk_test_chain")
        .with_secret_key("sk_test_chain")
}

#[tokio::test]
async fn refused_token_exchange_names_the_status_once() {
    let server = wiremock::MockServer::start().await;
    let refused = json_reply(401, json!({"error": "unknown api key"}));
    mount_any(&server, on("POST", "/v1/sandbox/token"), refused).await;
    let client: coopfin::Client = loopback(format!("{}/v1", server.uri()), creds())
        .build()
        .unwrap();
    let err = client.send(whoami::Request::new()).await.unwrap_err();
    assert!(matches!(err, Error::TokenExchange(_)), "{err:?}");
    assert_each_cause_once(&err, 2, "401");
    let top = err.to_string();
    assert!(top.contains("create_token"), "{top}");
    assert!(
        !top.contains("401"),
        "the status is the cause's part: {top}"
    );
}

#[tokio::test]
async fn refused_connection_names_the_os_error_once() {
    let client: coopfin::Client = loopback(format!("http://{}/v1", closed_port()), creds())
        .build()
        .unwrap();
    let err = client.send(whoami::Request::new()).await.unwrap_err();
    // The exchange's transport error under the token-exchange error.
    assert_each_cause_once(&err, 3, "refused");
}

#[tokio::test]
async fn undecodable_token_body_names_the_field_once() {
    let server = wiremock::MockServer::start().await;
    let body = json!({"token_type": "Bearer", "token": "tok_test_chain", "expires_in": "soon"});
    mount_any(
        &server,
        on("POST", "/v1/sandbox/token"),
        json_reply(200, body),
    )
    .await;
    let client: coopfin::Client = loopback(format!("{}/v1", server.uri()), creds())
        .build()
        .unwrap();
    let err = client.send(whoami::Request::new()).await.unwrap_err();
    assert_each_cause_once(&err, 2, "`expires_in`");
}

/// Fails every request with its own error.
#[derive(Debug)]
struct Refuses;

#[derive(Debug)]
struct PolicyError;

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("outbound policy forbids this host")
    }
}
impl StdError for PolicyError {}

impl Interceptor for Refuses {
    fn name(&self) -> &'static str {
        "refuses"
    }

    fn modify_before_transmit(
        &self,
        _request: &mut PreparedRequest,
        _ctx: &AttemptContext,
    ) -> Result<(), BoxError> {
        Err(Box::new(PolicyError))
    }
}

#[tokio::test]
async fn interceptor_error_names_its_own_error_once() {
    let client: coopfin::Client = loopback(format!("http://{}/v1", closed_port()), creds())
        .interceptor(Refuses)
        .build()
        .unwrap();
    let err = client.send(whoami::Request::new()).await.unwrap_err();
    assert_each_cause_once(&err, 2, "outbound policy forbids this host");
    // It fails the token exchange first (interceptors run on it too): the chain names it.
    assert!(
        chain(&err).contains("interceptor `refuses`"),
        "{}",
        chain(&err)
    );
}
