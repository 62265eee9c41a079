#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! The `query("name", credential)` scheme kind: an API key sent as a query parameter,
//! declared here with the public spec language. On the wire the key is one form-encoded
//! parameter after the call's own; it never shows in the request's `Debug`, nor in any
//! rendering of an error (a refused connection, a timeout, a redirect, a provider error
//! echoing it).

use std::time::Duration;

use auth_sdk::{
    AttemptContext, BoxError, Error, Interceptor, PreparedRequest, RetryPolicy, Secret, Timeouts,
    model, provider,
};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::{QueryIs, assert_never_shows, closed_port, json_reply, loopback};

/// An API that takes its key in the query string.
#[provider(
    name = "Query Key",
    base_url = "https://maps.example.com",
    error = ErrorBody,
    scheme(key = query("api_key", api_key)),
)]
pub struct Client {
    /// The API key.
    api_key: Secret,
}

/// Errors.
#[model]
pub struct ErrorBody {
    /// Message.
    pub message: String,
}

/// `GET /v1/geocode`.
pub mod geocode {
    use auth_sdk::{endpoint, response};

    /// Geocodes an address.
    #[endpoint(name = geocode, provider = super::Client, GET "/v1/geocode", auth = key)]
    pub struct Request {
        /// The address.
        #[query]
        pub address: String,
    }

    /// The place.
    #[response(200)]
    pub struct Response {
        /// Latitude.
        pub lat: f64,
    }
}

const KEY: &str = "sk_test_CANARY_query+key/=";

fn client(base: String) -> Client {
    loopback(base, Credentials::new().with_api_key(KEY))
        .retry(RetryPolicy::disabled())
        .timeouts(Timeouts {
            attempt: Some(Duration::from_millis(200)),
            ..Timeouts::default()
        })
        .build()
        .unwrap()
}

/// Records the `Debug` of every request as it is sent.
#[derive(Debug, Default)]
struct DebugOfRequests(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl Interceptor for DebugOfRequests {
    fn name(&self) -> &'static str {
        "debug-of-requests"
    }

    fn modify_before_transmit(
        &self,
        request: &mut PreparedRequest,
        _: &AttemptContext,
    ) -> Result<(), BoxError> {
        self.0.lock().unwrap().push(format!("{request:?}"));
        Ok(())
    }
}

#[tokio::test]
async fn the_key_is_one_encoded_query_parameter_after_the_calls_own() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/geocode"))
        .and(query_param("api_key", KEY))
        .and(QueryIs(vec![("address", "1 Main St"), ("api_key", KEY)]))
        .respond_with(json_reply(200, json!({"lat": 52.37})))
        .expect(1)
        .mount(&server)
        .await;
    let seen = DebugOfRequests::default();
    let log = std::sync::Arc::clone(&seen.0);
    let client: Client = loopback(server.uri(), Credentials::new().with_api_key(KEY))
        .interceptor(seen)
        .build()
        .unwrap();
    let place = client
        .send(geocode::Request::new("1 Main St"))
        .await
        .unwrap();
    assert_eq!(place.lat, 52.37);
    let raw = server.received_requests().await.unwrap();
    let query = raw[0].url.query().unwrap_or_default().to_owned();
    assert_eq!(
        query,
        "address=1+Main+St&api_key=sk_test_CANARY_query%2Bkey%2F%3D"
    );
    let debug = log.lock().unwrap().join("\n");
    assert!(
        debug.contains("/v1/geocode") && !debug.contains("CANARY"),
        "{debug}"
    );
}

#[tokio::test]
async fn no_error_shows_the_key() {
    // A refused connection.
    let err = client(format!("http://{}", closed_port()))
        .send(geocode::Request::new("x"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_never_shows(&err, "CANARY");

    // A timeout, a redirect (to a URL carrying the key), and a 400 that echoes the key.
    let server = MockServer::start().await;
    Mock::given(query_param("address", "slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let elsewhere = format!("{}/moved?api_key={KEY}", server.uri());
    Mock::given(query_param("address", "moved"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", elsewhere.as_str()))
        .mount(&server)
        .await;
    Mock::given(query_param("address", "echo"))
        .respond_with(json_reply(
            400,
            json!({"message": format!("bad key {KEY}")}),
        ))
        .mount(&server)
        .await;
    let client = client(server.uri());
    for (address, kind) in [
        ("slow", "Timeout"),
        ("moved", "Transport"),
        ("echo", "Provider"),
    ] {
        let err = client
            .send(geocode::Request::new(address))
            .await
            .unwrap_err();
        assert!(format!("{err:?}").starts_with(kind), "{address}: {err:?}");
        assert_never_shows(&err, "CANARY");
    }
}
