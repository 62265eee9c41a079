#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! Form bodies and fixed values on the wire: a provider declared here with the public spec
//! language, whose issuer is an OAuth2 client-credentials token request (RFC 6749 §4.4 with
//! `client_secret_post`: a form body, `grant_type` fixed by the spec), and whose API calls
//! carry the issued bearer token. wiremock asserts the exact bytes and content type.

use auth_sdk::{Secret, model, provider};
use serde_json::json;
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer};

mod common;
use common::{json_reply, loopback};

/// An OAuth2 API: client credentials sent in the token request's form body.
#[provider(
    name = "Example OAuth",
    base_url = "https://auth.example.com",
    error = OAuthError,
    scheme(token = bearer(issued(get_token))),
)]
pub struct Client {
    /// The client id (not a secret).
    #[credential(public)]
    client_id: String,
    /// The client secret.
    client_secret: Secret,
}

/// RFC 6749 §5.2.
#[model]
pub struct OAuthError {
    /// `invalid_client`, `invalid_scope`, ...
    pub error: String,
    /// Human-readable detail.
    pub error_description: Option<String>,
}

/// `POST /oauth/token`.
pub mod get_token {
    use auth_sdk::{Secret, endpoint, response};

    /// Exchanges the client credentials for an access token.
    #[endpoint(
        name = get_token,
        provider = super::Client,
        POST "/oauth/token",
        auth = none,
        idempotent,
        issuer,
        body = form,
        fixed(grant_type = "client_credentials"),
    )]
    pub struct Request {
        /// The client id.
        pub client_id: String,
        /// The client secret.
        pub client_secret: Secret,
    }

    /// RFC 6749 §5.1.
    #[response(200, token = access_token, expires_in = expires_in)]
    pub struct Response {
        /// The token.
        pub access_token: Secret,
        /// `Bearer`.
        pub token_type: String,
        /// Seconds.
        pub expires_in: i64,
    }
}

/// `GET /v1/things`.
pub mod list_things {
    use auth_sdk::{endpoint, response};

    /// Lists things.
    #[endpoint(name = list_things, provider = super::Client, GET "/v1/things", auth = token)]
    pub struct Request {}

    /// Things.
    #[response(200)]
    pub struct Response {
        /// Their names.
        pub names: Vec<String>,
    }
}

/// `POST /v1/notes`: a form body of the caller's fields after a fixed one.
pub mod post_note {
    use auth_sdk::{endpoint, response};

    /// Posts a note.
    #[endpoint(name = post_note, provider = super::Client, POST "/v1/notes", auth = token, body = form, fixed(kind = "note"))]
    pub struct Request {
        /// The text (spaces and `&` are encoded).
        pub text: String,
        /// Optional priority.
        pub priority: Option<u8>,
    }

    /// The note.
    #[response(201)]
    pub struct Response {
        /// Its id.
        pub id: String,
    }
}

fn client(server: &MockServer) -> Client {
    let creds = Credentials::new()
        .with_client_id("client_test_1")
        .with_client_secret("sk_test_form&secret=1");
    loopback(server.uri(), creds).build().unwrap()
}

const FORM: &str = "application/x-www-form-urlencoded";

#[tokio::test]
async fn client_credentials_token_request_is_a_form_with_the_fixed_grant_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("content-type", FORM))
        .and(body_string(
            "grant_type=client_credentials&client_id=client_test_1&client_secret=sk_test_form%26secret%3D1",
        ))
        .respond_with(json_reply(
            200,
            json!({"access_token": "at_test_1", "token_type": "Bearer", "expires_in": 3600}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/things"))
        .and(header("authorization", "Bearer at_test_1"))
        .respond_with(json_reply(200, json!({"names": ["a", "b"]})))
        .expect(2)
        .mount(&server)
        .await;

    let client = client(&server);
    for _ in 0..2 {
        let things = client.send(list_things::Request::new()).await.unwrap();
        assert_eq!(things.names, ["a", "b"]);
    }
    server.verify().await;
}

#[tokio::test]
async fn a_form_body_encodes_the_callers_fields_after_the_fixed_ones() {
    let server = MockServer::start().await;
    let token = json!({"access_token": "at_test_2", "token_type": "Bearer", "expires_in": 3600});
    Mock::given(path("/oauth/token"))
        .respond_with(json_reply(200, token))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/notes"))
        .and(header("content-type", FORM))
        .and(header("authorization", "Bearer at_test_2"))
        .and(body_string("kind=note&text=buy+milk+%26+eggs"))
        .respond_with(json_reply(201, json!({"id": "n1"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/notes"))
        .and(body_string("kind=note&text=call&priority=2"))
        .respond_with(json_reply(201, json!({"id": "n2"})))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let note = client
        .send(post_note::Request::new("buy milk & eggs"))
        .await
        .unwrap();
    assert_eq!(note.id, "n1");
    let note = client
        .send(post_note::Request::new("call").priority(2))
        .await
        .unwrap();
    assert_eq!(note.id, "n2");
    server.verify().await;
}

#[tokio::test]
async fn an_rfc6749_error_is_typed() {
    let server = MockServer::start().await;
    let refused = json!({"error": "invalid_client", "error_description": "unknown client"});
    Mock::given(path("/oauth/token"))
        .respond_with(json_reply(401, refused))
        .mount(&server)
        .await;
    let err = client(&server)
        .send(list_things::Request::new())
        .await
        .unwrap_err();
    let auth_sdk::Error::TokenExchange(te) = &err else {
        panic!("{err:?}")
    };
    let inner = te
        .inner()
        .downcast_ref::<auth_sdk::Error<OAuthError>>()
        .unwrap();
    let body = inner.provider_error().unwrap().body.as_ref().unwrap();
    assert_eq!(body.error, "invalid_client");
    assert_eq!(body.error_description.as_deref(), Some("unknown client"));
}
