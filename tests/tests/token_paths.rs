#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! Tokens nested in an envelope: `#[response(token = data.token, expires_in = data.ttl)]`
//! and `expires_at = data.expires_at` (RFC 3339 or Unix seconds), on a provider declared
//! here with the public spec language, against wiremock with a manual clock.

use std::time::{Duration, SystemTime};

use auth_sdk::{ManualClock, Secret, model, provider};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer};

mod common;
use common::{count, json_reply, loopback};

/// An API whose token answers wrap the token in `data`.
#[provider(
    name = "Envelope",
    base_url = "https://api.example.com",
    error = ErrorBody,
    scheme(ttl = bearer(issued(login_ttl))),
    scheme(at = bearer(issued(login_at))),
    scheme(epoch = bearer(issued(login_epoch))),
)]
pub struct Client {
    /// Key.
    api_key: Secret,
}

/// Errors.
#[model]
pub struct ErrorBody {
    /// Message.
    pub message: String,
}

/// `{"token": .., "ttl": ..}`.
#[model]
pub struct TtlData {
    /// The token.
    pub token: Secret,
    /// Seconds.
    pub ttl: i64,
}

/// `{"token": .., "expires_at": "2100-01-01T00:00:00Z"}`.
#[model]
pub struct AtData {
    /// The token.
    pub token: Secret,
    /// When it expires.
    pub expires_at: auth_sdk::Timestamp,
}

/// `{"token": .., "expires_at": 4102444800}`.
#[model]
pub struct EpochData {
    /// The token.
    pub token: Secret,
    /// When it expires, in Unix seconds.
    pub expires_at: i64,
}

macro_rules! issuer {
    ($module:ident, $path:literal, $data:ty, $($life:tt)*) => {
        /// An issuer whose token is nested in `data`.
        pub mod $module {
            use auth_sdk::{Secret, endpoint, response};

            /// Signs in.
            #[endpoint(name = $module, provider = super::Client, POST $path, auth = none, issuer)]
            pub struct Request {
                /// Key.
                pub api_key: Secret,
            }

            /// `{"code": 0, "data": {..}}`.
            #[response(200, token = data.token, $($life)*)]
            pub struct Response {
                /// Status code.
                pub code: i64,
                /// The payload.
                pub data: $data,
            }
        }
    };
}
issuer!(
    login_ttl,
    "/login/ttl",
    super::TtlData,
    expires_in = data.ttl
);
issuer!(
    login_at,
    "/login/at",
    super::AtData,
    expires_at = data.expires_at
);
issuer!(
    login_epoch,
    "/login/epoch",
    super::EpochData,
    expires_at = data.expires_at
);

macro_rules! call {
    ($module:ident, $scheme:ident) => {
        /// A call on the scheme's token.
        pub mod $module {
            use auth_sdk::{endpoint, response};

            /// Reads.
            #[endpoint(name = $module, provider = super::Client, GET "/v1/me", auth = $scheme)]
            pub struct Request {}

            /// Me.
            #[response(200)]
            pub struct Response {
                /// Id.
                pub id: String,
            }
        }
    };
}
call!(me_ttl, ttl);
call!(me_at, at);
call!(me_epoch, epoch);

fn client(server: &MockServer, clock: &ManualClock) -> Client {
    loopback(
        server.uri(),
        Credentials::new().with_api_key("sk_test_paths"),
    )
    .clock(clock.clone())
    .build()
    .unwrap()
}

async fn mount_me(server: &MockServer, token: &str) {
    Mock::given(method("GET"))
        .and(path("/v1/me"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(json_reply(200, json!({"id": "u1"})))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_nested_token_and_ttl_are_read_and_the_ttl_drives_the_refresh() {
    let server = MockServer::start().await;
    let issued = json!({"code": 0, "data": {"token": "tok_test_nested", "ttl": 600}});
    Mock::given(path("/login/ttl"))
        .respond_with(json_reply(200, issued))
        .mount(&server)
        .await;
    mount_me(&server, "tok_test_nested").await;
    let clock = ManualClock::new();
    let client = client(&server, &clock);
    client.send(me_ttl::Request::new()).await.unwrap();
    clock.advance(Duration::from_secs(200)); // outside the refresh window of 300 s
    client.send(me_ttl::Request::new()).await.unwrap();
    assert_eq!(
        count(&server, "/login/ttl").await,
        1,
        "reused within its ttl"
    );
    clock.advance(Duration::from_secs(200)); // 400 s of 600: inside the window
    client.send(me_ttl::Request::new()).await.unwrap();
    assert_eq!(
        count(&server, "/login/ttl").await,
        2,
        "refreshed by data.ttl"
    );
}

#[tokio::test]
async fn a_nested_expiry_as_rfc3339_or_unix_seconds_is_read() {
    let server = MockServer::start().await;
    let at =
        json!({"code": 0, "data": {"token": "tok_test_at", "expires_at": "2100-01-01T00:00:00Z"}});
    let in_an_hour = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    let epoch = json!({"code": 0, "data": {"token": "tok_test_epoch", "expires_at": in_an_hour}});
    Mock::given(path("/login/at"))
        .respond_with(json_reply(200, at))
        .mount(&server)
        .await;
    Mock::given(path("/login/epoch"))
        .respond_with(json_reply(200, epoch))
        .mount(&server)
        .await;
    mount_me(&server, "tok_test_at").await;
    mount_me(&server, "tok_test_epoch").await;
    let clock = ManualClock::new();
    let client = client(&server, &clock);
    for _ in 0..3 {
        client.send(me_at::Request::new()).await.unwrap();
        client.send(me_epoch::Request::new()).await.unwrap();
    }
    assert_eq!(count(&server, "/login/at").await, 1);
    assert_eq!(count(&server, "/login/epoch").await, 1);
    // An hour of life: the refresh starts 300 s (plus up to 30 s of jitter) before the end;
    // 290 s before it, the refresh is due whatever the jitter.
    clock.advance(Duration::from_secs(3600 - 290));
    client.send(me_epoch::Request::new()).await.unwrap();
    assert_eq!(
        count(&server, "/login/epoch").await,
        2,
        "refreshed by data.expires_at"
    );
}
