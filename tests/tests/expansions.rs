//! The committed expansion snapshots of `auth-macros` (`auth-macros/snapshots/out/*.rs`),
//! compiled as ordinary code against `auth-sdk`: each file is included in a module of its own.
//! The snapshots are produced and compared by `cargo test -p auth-macros` (bless with
//! `SNAPSHOTS=overwrite cargo test -p auth-macros`); this file proves that they compile, and
//! that the generated items behave as the specs say.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
// The included modules are private here: most generated items are unused.
#![allow(dead_code)]

mod endpoint {
    include!("../../auth-macros/snapshots/out/endpoint.rs");
}
mod header_group {
    include!("../../auth-macros/snapshots/out/header_group.rs");
}
mod model {
    include!("../../auth-macros/snapshots/out/model.rs");
}
mod provider {
    include!("../../auth-macros/snapshots/out/provider.rs");
}
mod response {
    include!("../../auth-macros/snapshots/out/response.rs");
}
mod string_enum {
    include!("../../auth-macros/snapshots/out/string_enum.rs");
}
mod user_endpoint {
    include!("../../auth-macros/snapshots/out/user_endpoint.rs");
}

use auth_sdk::{BaseUrl, Endpoint};

fn base() -> BaseUrl {
    BaseUrl::parse("https://api.example.com/v1").unwrap()
}

#[test]
fn every_snapshot_is_compiled() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../auth-macros/snapshots/out");
    let this = include_str!("expansions.rs");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            this.contains(&format!("snapshots/out/{name}\")")),
            "snapshots/out/{name} is not included here"
        );
    }
}

#[test]
fn endpoint_expansion_builds_its_request() {
    let req = endpoint::update_key::Request::new("my-key", "req-1", 30)
        .dry_run(true)
        .display_name("Mine");
    let http = req.to_http_request(&base()).unwrap();
    assert_eq!(http.method(), "PATCH");
    assert_eq!(
        http.uri(),
        "https://api.example.com/v1/keys/my-key?dry-run=true"
    );
    assert_eq!(http.headers()["x-request-id"], "req-1");
    assert_eq!(http.body().as_ref(), br#"{"displayName":"Mine","TTL":30}"#);
    assert_eq!(req.auth(), Some(endpoint::Client::key));
    let metadata = <endpoint::update_key::Request as Endpoint>::METADATA;
    assert!(!metadata.idempotent);
}

#[test]
fn provider_expansion_has_its_schemes_and_urls() {
    use auth_sdk::Provider;
    assert_eq!(
        provider::Client::BASE_URL_EU,
        "https://eu.api.example.com/v1"
    );
    let names: Vec<&str> = <provider::Client as Provider>::SCHEMES
        .iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(
        names,
        ["key", "merchant", "token", "session", "key_or_token"]
    );
    assert_eq!(<provider::Client as Provider>::TOKEN_SLOTS, 2);
    let http = provider::login::Request::new("ada", "pw_test")
        .to_http_request(&base())
        .unwrap();
    assert_eq!(http.headers()["content-type"], "application/json");
}

#[test]
fn header_group_and_string_enum_expansions_work() {
    let req = header_group::session::Request::new(header_group::session::Identity::User {
        user_id: "u1".into(),
    });
    assert_eq!(req.auth(), Some(header_group::Client::merchant));
    assert_eq!(
        req.to_http_request(&base()).unwrap().headers()["x-user-id"],
        "u1"
    );
    assert_eq!(string_enum::Chain::PolygonPos.as_str(), "polygon-pos");
    assert_eq!(
        string_enum::Chain::from("solana"),
        string_enum::Chain::Solana
    );
}

#[test]
fn model_and_response_expansions_decode() {
    let m: model::ErrorBody =
        auth_sdk::serde_json::from_str(r#"{"error":{"errorCode":"E1"}}"#).unwrap();
    assert!(matches!(m, model::ErrorBody::Nested { .. }));
    let _ = user_endpoint::account::Request::new("acc-1").details(true);
    let answer = auth_sdk::http::Response::builder()
        .status(206)
        .header("page-total", "2")
        .body(br#"["a","b"]"#.to_vec().into())
        .unwrap();
    let page = auth_sdk::parse_response::<response::list_items::Request>(answer).unwrap();
    assert_eq!((page.items.len(), page.page_total), (2, Some(2)));
}
