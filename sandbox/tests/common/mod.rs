//! Helpers shared by the integration tests (each test binary uses a subset).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use auth_sandbox::{Sandbox, SandboxConfig};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

thread_local! {
    /// Building a client costs tens of milliseconds (TLS roots), which would
    /// eat into the short TTLs of the expiry tests. libtest runs every test
    /// on its own thread, so this is one client (and pool) per test.
    static CLIENT: reqwest::Client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("build reqwest client");
}

/// A plain HTTP client (no proxy) for loopback calls, shared within a test.
pub fn client() -> reqwest::Client {
    CLIENT.with(Clone::clone)
}

/// Starts a sandbox with the default configuration.
pub async fn start() -> Sandbox {
    Sandbox::start().await.expect("start sandbox")
}

/// Starts a sandbox with `config`.
pub async fn start_with(config: SandboxConfig) -> Sandbox {
    Sandbox::start_with(config).await.expect("start sandbox")
}

/// Status and JSON body of a response.
pub async fn status_json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("read body");
    let body =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("body is not JSON ({e}): {text:?}"));
    (status, body)
}

/// Decodes the payload (middle part) of a JWT-shaped string.
pub fn jwt_payload(jwt: &str) -> Value {
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "not JWT-shaped: {jwt}");
    assert_eq!(
        URL_SAFE_NO_PAD.decode(parts[2]).unwrap(),
        b"sandbox-signature",
        "signature part"
    );
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap()
}

/// A header value as text.
pub fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("missing header {name}"))
        .to_str()
        .unwrap()
}
