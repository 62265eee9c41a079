#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! Traces as a user sees them (`tracing-subscriber`'s fmt layer at TRACE, spans printed
//! when they close): one `auth_sdk.call` span per call and one `auth_sdk.attempt` per
//! attempt, with OpenTelemetry's HTTP client fields under the `auth_sdk` target, and no
//! credential or token anywhere in them.

use std::io::Write;
use std::sync::{Arc, Mutex};

use auth_sandbox::Sandbox;
use auth_sdk::loccus;
use tracing_subscriber::fmt::format::FmtSpan;

mod common;
use common::client_at;

/// Everything the subscriber wrote.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn calls_and_attempts_carry_the_http_client_fields_and_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("auth_sdk=trace")
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let sb = Sandbox::start().await.unwrap();
    let seeded = sb.credentials().loccus.clone();
    let client: loccus::Client = client_at(
        &sb.base_urls().loccus,
        loccus::Credentials::new()
            .with_handle(seeded.handle.as_str())
            .with_password(seeded.password.as_str()),
    );
    // A token fetch, then the call with it; an explicit sign-in whose token we hold.
    client.get_user().await.unwrap();
    let session = client
        .sign_in(seeded.handle.as_str(), seeded.password.as_str())
        .await
        .unwrap();
    // A failed call: wrong password.
    let wrong: loccus::Client = client_at(
        &sb.base_urls().loccus,
        loccus::Credentials::new()
            .with_handle(seeded.handle.as_str())
            .with_password("pw_test_wrong_canary"),
    );
    assert!(wrong.get_user().await.is_err());

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let closes: Vec<&str> = text.lines().filter(|l| l.contains("close")).collect();
    let call = closes
        .iter()
        .find(|l| {
            l.contains("auth_sdk.call")
                && l.contains("endpoint=\"get_user\"")
                && l.contains("status_code=200")
        })
        .unwrap_or_else(|| panic!("no closed get_user call span in:\n{text}"));
    let port = sb.addr().port().to_string();
    for field in [
        "provider=",
        "http.request.method=GET",
        "url.template=\"/user\"",
        "server.address=\"127.0.0.1\"",
        &format!("server.port={port}"),
        "http.response.status_code=200",
        "http.request.resend_count=0",
        "auth.scheme=\"session_or_key\"",
    ] {
        assert!(call.contains(field), "{field} missing from {call}");
    }
    assert!(
        closes
            .iter()
            .any(|l| l.contains("auth_sdk.attempt") && l.contains("http.response.status_code=200")),
        "no attempt span in:\n{text}"
    );
    assert!(
        text.contains("obtaining a token"),
        "no token event in:\n{text}"
    );
    // The failed call names its error type: the sign-in's 401 ends it as a token exchange.
    assert!(
        closes
            .iter()
            .any(|l| l.contains("auth_sdk.call") && l.contains("error.type=token_exchange")),
        "no failed call span in:\n{text}"
    );
    for canary in [
        seeded.password.as_str(),
        "pw_test_wrong_canary",
        session.token.expose_secret(),
    ] {
        assert!(!text.contains(canary), "a secret is in the traces:\n{text}");
    }
}
