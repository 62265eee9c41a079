#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! Responses taken as text or bytes: `#[body(text)]` and `#[body(bytes)]` fields receive the
//! whole body as sent, the request's `Accept` follows (`text/plain`,
//! `application/octet-stream`; JSON otherwise), a body that is not UTF-8 is a typed decode
//! error, and a response without fields takes a 204. Endpoints declared here for the Coolset
//! client, against wiremock.

use auth_sdk::{Error, coolset};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::loopback;

/// `GET /exports/workspaces.csv` as text.
pub mod export_csv {
    use auth_sdk::{endpoint, response};

    /// Exports the workspaces as CSV.
    #[endpoint(name = export_csv, provider = auth_sdk::coolset::Client, GET "/exports/workspaces.csv", auth = token)]
    pub struct Request {}

    /// The CSV.
    #[response(200)]
    pub struct Response {
        /// The whole body.
        #[body(text)]
        pub csv: String,
    }
}

/// `GET /exports/logo.png` as bytes.
pub mod logo {
    use auth_sdk::{endpoint, response};

    /// Downloads the logo.
    #[endpoint(name = logo, provider = auth_sdk::coolset::Client, GET "/exports/logo.png", auth = token)]
    pub struct Request {}

    /// The image.
    #[response(200)]
    pub struct Response {
        /// The whole body.
        #[body(bytes)]
        pub png: Vec<u8>,
        /// Its type.
        #[header("content-type")]
        pub content_type: Option<String>,
    }
}

/// `DELETE /exports/{id}`: 204, nothing to read.
pub mod delete_export {
    use auth_sdk::{endpoint, response};

    /// Deletes an export.
    #[endpoint(name = delete_export, provider = auth_sdk::coolset::Client, DELETE "/exports/{id}", auth = token)]
    pub struct Request {
        /// The export.
        #[path]
        pub id: u32,
    }

    /// Nothing.
    #[response(204)]
    pub struct Response {}
}

fn client(server: &MockServer) -> coolset::Client {
    let creds = coolset::Credentials::new().with_api_token("cs_test_text");
    loopback(format!("{}/api", server.uri()), creds)
        .build()
        .unwrap()
}

#[tokio::test]
async fn text_and_bytes_bodies_arrive_as_sent_with_a_matching_accept() {
    let server = MockServer::start().await;
    let csv = "id,name\n1,Acme BV\n2,Acme GmbH\n";
    Mock::given(method("GET"))
        .and(path("/api/exports/workspaces.csv"))
        .and(header("accept", "text/plain"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(csv, "text/csv"))
        .expect(1)
        .mount(&server)
        .await;
    let png: Vec<u8> = vec![0x89, b'P', b'N', b'G', 0, 0xff, 0xfe];
    Mock::given(method("GET"))
        .and(path("/api/exports/logo.png"))
        .and(header("accept", "application/octet-stream"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(png.clone(), "image/png"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/exports/7"))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let export = client.send(export_csv::Request::new()).await.unwrap();
    assert_eq!(export.csv, csv);
    let logo = client.send(logo::Request::new()).await.unwrap();
    assert_eq!(logo.png, png);
    assert_eq!(logo.content_type.as_deref(), Some("image/png"));
    client.send(delete_export::Request::new(7)).await.unwrap();
    server.verify().await;
}

#[tokio::test]
async fn a_text_body_that_is_not_utf8_is_a_decode_error_keeping_the_bytes() {
    let server = MockServer::start().await;
    let latin1: Vec<u8> = b"caf\xe9".to_vec();
    Mock::given(path("/api/exports/workspaces.csv"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(latin1.clone(), "text/csv"))
        .mount(&server)
        .await;
    let err = client(&server)
        .send(export_csv::Request::new())
        .await
        .unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.category, "body is not UTF-8 text");
    assert_eq!(d.raw_body().expose_secret(), &latin1[..]);
}
