//! An endpoint using every field role and key of `#[endpoint]`, with `client_method` on a
//! provider declared in the same crate. Checked under `deny(missing_docs, warnings)`.
#![deny(missing_docs, warnings)]

use auth_sdk::{Endpoint, Secret, model, provider};

/// Client for the Example API.
#[provider(
    name = "Example",
    base_url = "https://api.example.com",
    error = ErrorBody,
    scheme(key = header("x-api-key", api_key)),
    scheme(merchant = authorization(merchant_key)),
)]
pub struct Client {
    /// API key.
    api_key: Secret,
    /// Merchant key.
    merchant_key: Secret,
}

/// The Example API's error body.
#[model]
pub struct ErrorBody {
    /// Message.
    pub message: String,
}

/// An error body of one call that differs from the provider's.
#[model]
pub struct UpdateError {
    /// Field errors.
    pub errors: Vec<String>,
}

/// `PATCH /keys/{key}`.
pub mod update_key {
    use auth_sdk::{Secret, endpoint, response};

    /// Updates a key.
    ///
    /// Second paragraph of the docs, carried to the client method.
    #[endpoint(
        name = update_key,
        provider = super::Client,
        PATCH "/keys/{key}/{version}",
        auth = key,
        idempotent = false,
        client_method,
        error = super::UpdateError,
        rename_all = "camelCase",
    )]
    pub struct Request {
        /// The key's handle: one path segment, checked against a charset.
        #[path(charset = "a-z0-9-")]
        pub key: String,
        /// Version, a second path segment.
        #[path]
        pub version: u32,
        /// Dry run, in the query under another name.
        #[query(rename = "dry-run")]
        pub dry_run: Option<bool>,
        /// Request id header.
        #[header("x-request-id")]
        pub request_id: String,
        /// An optional header.
        #[header("x-trace")]
        pub trace: Option<String>,
        /// New display name (`displayName` on the wire, by `rename_all`).
        pub display_name: Option<String>,
        /// A body member with its own wire name.
        #[body(rename = "TTL")]
        pub ttl_seconds: u64,
        /// A secret body member.
        #[secret]
        pub signing_secret: Option<Secret>,
    }

    /// The updated key.
    #[response(200)]
    pub struct Response {
        /// Handle.
        pub handle: String,
    }
}

/// `GET /keys` without options: the client method returns the response directly.
pub mod count_keys {
    use auth_sdk::{endpoint, response};

    /// Counts keys.
    #[endpoint(name = count_keys, provider = super::Client, GET "/keys/count", auth = merchant, client_method)]
    pub struct Request {}

    /// The count.
    #[response(200)]
    pub struct Response {
        /// Number of keys.
        pub count: u64,
    }
}

async fn calls(client: &Client) -> Result<(), update_key::Error> {
    let updated = client
        .update_key("my-key", 2u32, "req-1", 60)
        .dry_run(true)
        .display_name("Mine")
        .send()
        .await?;
    let _ = updated.handle;
    let again = client.update_key("my-key", 3u32, "req-2", 60).await?;
    let _ = again;
    Ok(())
}

fn main() {
    let _ = calls;
    let base = auth_sdk::BaseUrl::parse("https://api.example.com/base").expect("a base URL");
    let request = update_key::Request::new("my-key", 2u32, "req-1", 60)
        .dry_run(true)
        .trace("t-1")
        .display_name("Mine")
        .signing_secret("s3cr3t");
    assert!(!format!("{request:?}").is_empty());
    let http = request.to_http_request(&base).expect("a valid request");
    assert_eq!(http.method(), "PATCH");
    assert_eq!(
        http.uri(),
        "https://api.example.com/base/keys/my-key/2?dry-run=true"
    );
    assert_eq!(http.headers()["x-request-id"], "req-1");
    assert_eq!(http.headers()["x-trace"], "t-1");
    assert_eq!(
        http.body().as_ref(),
        br#"{"displayName":"Mine","TTL":60,"signingSecret":"s3cr3t"}"#
    );
    let bad = update_key::Request::new("My Key", 2u32, "req-1", 60).to_http_request(&base);
    assert!(bad.is_err(), "the charset rejects upper case and spaces");
    assert!(!<update_key::Request as Endpoint>::METADATA.idempotent);
    assert!(<count_keys::Request as Endpoint>::METADATA.idempotent);
    let _error: Option<update_key::Error> = None;
}
