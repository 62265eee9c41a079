#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! The `basic(user, password)` scheme kind on the wire: an OAuth2 client-credentials issuer
//! that authenticates the client with HTTP Basic (RFC 6749 §2.3.1, `client_secret_basic`),
//! declared here with the public spec language; a Basic-authenticated call; the errors of
//! a missing credential and of a `:` in the user id; and a server's echo of the pair
//! scrubbed from errors.

use auth_sdk::{Error, Secret, model, provider};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer};

mod common;
use common::{assert_never_shows, json_reply, loopback};

/// An OAuth2 API whose token endpoint takes the client's credentials by HTTP Basic.
#[provider(
    name = "Basic OAuth",
    base_url = "https://auth.example.com",
    error = OAuthError,
    scheme(client = basic(client_id, client_secret)),
    scheme(token = bearer(issued(get_token))),
)]
pub struct Client {
    /// The client id (public).
    #[credential(public)]
    client_id: String,
    /// The client secret.
    client_secret: Secret,
}

/// RFC 6749 §5.2.
#[model]
pub struct OAuthError {
    /// `invalid_client`, ...
    pub error: String,
}

/// `POST /oauth/token`, the client authenticated by Basic.
pub mod get_token {
    use auth_sdk::{Secret, endpoint, response};

    /// Exchanges the client credentials for an access token.
    #[endpoint(name = get_token, provider = super::Client, POST "/oauth/token", auth = client,
               idempotent, issuer, body = form, fixed(grant_type = "client_credentials"))]
    pub struct Request {}

    /// RFC 6749 §5.1.
    #[response(200, token = access_token, expires_in = expires_in)]
    pub struct Response {
        /// The token.
        pub access_token: Secret,
        /// Seconds.
        pub expires_in: i64,
    }
}

/// `GET /v1/me` on the issued token.
pub mod me {
    use auth_sdk::{endpoint, response};

    /// Who am I.
    #[endpoint(name = me, provider = super::Client, GET "/v1/me", auth = token)]
    pub struct Request {}

    /// Me.
    #[response(200)]
    pub struct Response {
        /// The client.
        pub client: String,
    }
}

/// `GET /v1/introspect`, Basic-authenticated itself.
pub mod introspect {
    use auth_sdk::{endpoint, response};

    /// Reads the client's own record.
    #[endpoint(name = introspect, provider = super::Client, GET "/v1/introspect", auth = client)]
    pub struct Request {}

    /// The record.
    #[response(200)]
    pub struct Response {
        /// Active.
        pub active: bool,
    }
}

const ID: &str = "client_test_basic";
const SECRET: &str = "sk_test_CANARY:basic";

fn client(server: &MockServer, id: &str) -> Client {
    let creds = Credentials::new()
        .with_client_id(id)
        .with_client_secret(SECRET);
    loopback(server.uri(), creds).build().unwrap()
}

fn basic(id: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{SECRET}")))
}

#[tokio::test]
async fn client_secret_basic_token_request_then_bearer_calls() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("authorization", basic(ID).as_str()))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("grant_type=client_credentials"))
        .respond_with(json_reply(
            200,
            json!({"access_token": "at_test_basic", "expires_in": 3600}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/me"))
        .and(header("authorization", "Bearer at_test_basic"))
        .respond_with(json_reply(200, json!({"client": ID})))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/introspect"))
        .and(header("authorization", basic(ID).as_str()))
        .respond_with(json_reply(200, json!({"active": true})))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server, ID);
    for _ in 0..2 {
        assert_eq!(client.send(me::Request::new()).await.unwrap().client, ID);
    }
    assert!(
        client
            .send(introspect::Request::new())
            .await
            .unwrap()
            .active
    );
    server.verify().await;
}

#[tokio::test]
async fn a_missing_password_and_a_colon_in_the_user_id_are_typed_errors_before_sending() {
    let server = MockServer::start().await;
    let no_secret: Client = loopback(server.uri(), Credentials::new().with_client_id(ID))
        .build()
        .unwrap();
    let err = no_secret
        .send(introspect::Request::new())
        .await
        .unwrap_err();
    let Error::MissingCredential(m) = &err else {
        panic!("{err:?}")
    };
    assert_eq!((m.scheme, m.credential), ("client", "client_secret"));

    let err = client(&server, "client:one")
        .send(introspect::Request::new())
        .await
        .unwrap_err();
    let Error::InvalidInput(i) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(i.field, "client_id");
    assert!(i.reason.contains("RFC 7617"), "{}", i.reason);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_echoed_basic_header_is_scrubbed_from_errors() {
    let server = MockServer::start().await;
    let echo = json!({"error": format!("bad header: {}", basic(ID))});
    Mock::given(path("/v1/introspect"))
        .respond_with(json_reply(401, echo))
        .mount(&server)
        .await;
    let err = client(&server, ID)
        .send(introspect::Request::new())
        .await
        .unwrap_err();
    assert_never_shows(&err, "CANARY");
    assert_never_shows(&err, &STANDARD.encode(format!("{ID}:{SECRET}")));
    assert!(
        err.to_string().contains("bad header: Basic [REDACTED]"),
        "{err}"
    );
}
