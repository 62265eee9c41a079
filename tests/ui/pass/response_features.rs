//! Responses using every part of `#[response]`: several success statuses, header fields, a
//! whole-body field, serde attributes, and the token keys of issuers (`token` with
//! `expires_in`, `expires_at`, `jwt_exp` and `max_lifetime`). Checked under
//! `deny(missing_docs, warnings)`; decoded with the sans-IO `parse_response`.
#![deny(missing_docs, warnings)]

use auth_sdk::{Secret, model, provider};

/// Client for the Example API.
#[provider(
    name = "Example",
    base_url = "https://api.example.com",
    error = ErrorBody,
    scheme(seconds = bearer(issued(token_in_seconds))),
    scheme(instant = bearer(issued(token_until))),
    scheme(jwt = header("x-session", issued(jwt_session))),
)]
pub struct Client {
    /// Client id.
    client_id: Secret,
}

/// Errors.
#[model]
pub struct ErrorBody {
    /// Message.
    pub message: String,
}

/// An item.
#[model]
pub struct Item {
    /// Id.
    pub id: u64,
}

/// `GET /items`: the body is a JSON array; paging comes in headers.
pub mod list_items {
    use auth_sdk::{endpoint, response};

    /// Lists items.
    #[endpoint(name = list_items, provider = super::Client, GET "/items", auth = seconds)]
    pub struct Request {}

    /// A page of items.
    #[response(200, 206)]
    pub struct Response {
        /// The items.
        #[body]
        pub items: Vec<super::Item>,
        /// Total number of pages.
        #[header("page-total")]
        pub page_total: Option<u32>,
        /// A required header.
        #[header("x-request-id")]
        pub request_id: String,
    }
}

/// `GET /items/{id}`: JSON members, renamed by serde attributes.
pub mod get_item {
    use auth_sdk::{endpoint, response};

    /// Reads an item.
    #[endpoint(name = get_item, provider = super::Client, GET "/items/{id}", auth = instant)]
    pub struct Request {
        /// Item id.
        #[path]
        pub id: u64,
    }

    /// The item.
    #[response(200)]
    pub struct Response {
        /// Id.
        pub id: u64,
        /// Name, `itemName` on the wire.
        #[serde(rename = "itemName")]
        pub name: String,
        /// Absent or null.
        pub note: Option<String>,
        /// Anything.
        #[serde(default)]
        pub extra: auth_sdk::serde_json::Value,
    }
}

/// `POST /token`: lifetime in seconds, capped.
pub mod token_in_seconds {
    use auth_sdk::{Secret, endpoint, response};

    /// Mints a token.
    #[endpoint(name = token_in_seconds, provider = super::Client, POST "/token", auth = none, issuer)]
    pub struct Request {
        /// Client id.
        pub client_id: Secret,
    }

    /// A token.
    #[response(200, 201, token = token, expires_in = expires_in, max_lifetime = 3600)]
    pub struct Response {
        /// The token.
        pub token: Secret,
        /// Seconds (may be absent).
        pub expires_in: Option<i64>,
    }
}

/// `POST /token/until`: lifetime as an instant.
pub mod token_until {
    use auth_sdk::{Secret, Timestamp, endpoint, response};

    /// Mints a token.
    #[endpoint(name = token_until, provider = super::Client, POST "/token/until", auth = none, issuer)]
    pub struct Request {
        /// Client id.
        pub client_id: Secret,
    }

    /// A token.
    #[response(200, token = token, expires_at = valid_until, rename_all = "camelCase")]
    pub struct Response {
        /// The token.
        pub token: Secret,
        /// RFC 3339 instant (`validUntil`).
        pub valid_until: Timestamp,
    }
}

/// `GET /session`: a JWT whose `exp` is its lifetime, with a header of its own.
pub mod jwt_session {
    use auth_sdk::{Secret, endpoint, response};

    /// Mints a session.
    #[endpoint(name = jwt_session, provider = super::Client, GET "/session", auth = none, issuer)]
    pub struct Request {
        /// Client id.
        #[header("x-client-id")]
        pub client_id: Secret,
    }

    /// A session JWT.
    #[response(200, token = jwt, jwt_exp, max_lifetime = 1800)]
    pub struct Response {
        /// The JWT.
        pub jwt: Secret,
        /// Rate limit from a header.
        #[header("x-ratelimit-remaining")]
        pub remaining: Option<u64>,
    }
}

fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> auth_sdk::http::Response<Vec<u8>> {
    let mut b = auth_sdk::http::Response::builder().status(status);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(body.as_bytes().to_vec()).expect("a valid response")
}

fn decode<E: auth_sdk::Endpoint>(r: auth_sdk::http::Response<Vec<u8>>) -> Result<E::Response, auth_sdk::Error<E::ErrorBody>> {
    let (parts, body) = r.into_parts();
    auth_sdk::parse_response::<E>(auth_sdk::http::Response::from_parts(parts, body.into()))
}

fn main() {
    let page = decode::<list_items::Request>(answer(
        206,
        &[("page-total", "3"), ("x-request-id", "r-1")],
        r#"[{"id":1},{"id":2}]"#,
    ))
    .expect("a page");
    assert_eq!((page.items.len(), page.page_total, page.request_id.as_str()), (2, Some(3), "r-1"));
    assert!(decode::<list_items::Request>(answer(200, &[], "[]")).is_err(), "x-request-id is required");

    let item = decode::<get_item::Request>(answer(200, &[], r#"{"id":7,"itemName":"seven"}"#)).expect("an item");
    assert_eq!((item.id, item.name.as_str(), item.note), (7, "seven", None));
    assert!(decode::<get_item::Request>(answer(200, &[], r#"{"id":"x","itemName":"s"}"#)).is_err());

    let t = decode::<token_in_seconds::Request>(answer(201, &[], r#"{"token":"tok_test_1"}"#)).expect("a token");
    assert_eq!((t.token.expose_secret(), t.expires_in), ("tok_test_1", None));
    let t = decode::<token_until::Request>(answer(200, &[], r#"{"token":"tok_test_2","validUntil":"2030-01-01T00:00:00Z"}"#))
        .expect("a token");
    assert_eq!(t.token.expose_secret(), "tok_test_2");
    let s = decode::<jwt_session::Request>(answer(200, &[("x-ratelimit-remaining", "9")], r#"{"jwt":"a.b.c"}"#)).expect("a session");
    assert_eq!(s.remaining, Some(9));
    let err = decode::<jwt_session::Request>(answer(401, &[], r#"{"message":"no"}"#)).expect_err("an error");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
}
