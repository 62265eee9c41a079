//! Coolset against a loopback wiremock server: `user_config` and `list_workspaces` with the
//! static bearer token, `content-type` on GETs, rate-limit headers, and every documented error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use auth_sdk::coolset::{self, ErrorBody, WorkspaceType};
use auth_sdk::{Error, RetryPolicy};
use serde_json::json;
use wiremock::matchers::header;
use wiremock::{MockBuilder, MockServer, ResponseTemplate};

mod common;
use common::{
    NoQuery, QueryIs, bearer, fast_retry, json_reply, loopback, missing_credential,
    missing_credential_of, mount, on, provider_error, received, unix_secs,
};

const TOKEN: &str = "sk_test_coolset_0001";
const USER_CONFIG: &str = "/api/accounts/user-config/";
const WORKSPACES: &str = "/api/accounts/workspaces/";

fn client_with(
    server: &MockServer,
    creds: coolset::Credentials,
    retry: RetryPolicy,
) -> coolset::Client {
    loopback(format!("{}/api", server.uri()), creds)
        .retry(retry)
        .build()
        .unwrap()
}

fn client(server: &MockServer) -> coolset::Client {
    client_with(
        server,
        coolset::Credentials::new().with_api_token(TOKEN),
        fast_retry(),
    )
}

/// A client holding [`TOKEN`] with retries disabled.
fn no_retry_client(server: &MockServer) -> coolset::Client {
    let creds = coolset::Credentials::new().with_api_token(TOKEN);
    client_with(server, creds, RetryPolicy::disabled())
}

/// `GET route` with no query, the bearer [`TOKEN`] and `content-type: application/json`.
fn authenticated_get(route: &str) -> MockBuilder {
    on("GET", route)
        .and(NoQuery)
        .and(bearer(TOKEN))
        .and(header("content-type", "application/json"))
}

/// `answer` with the three `X-RateLimit-*` headers: a limit of 1000, `remaining`, `reset`.
fn rate_limited(answer: ResponseTemplate, remaining: &str, reset: &str) -> ResponseTemplate {
    answer
        .insert_header("X-RateLimit-Limit", "1000")
        .insert_header("X-RateLimit-Remaining", remaining)
        .insert_header("X-RateLimit-Reset", reset)
}

fn workspaces_body() -> serde_json::Value {
    json!({
        "count": 2,
        "results": [
            {
                "workspace_id": 11,
                "workspace_name": "Acme BV",
                "id": 11,
                "name": "Acme BV",
                "type": "active",
                "country": "NL",
                "member_count": 7,
                "is_mfa_enabled": true,
                "created_at": "2024-01-15T10:00:00Z",
                "updated_at": "2024-06-01T08:30:00.123456Z"
            },
            {
                "workspace_id": 12,
                "workspace_name": "Acme Sandbox",
                "id": 12,
                "name": "Acme Sandbox",
                "type": "sandboxed",
                "country": "DE",
                "member_count": 1,
                "is_mfa_enabled": false,
                "created_at": "2024-02-01T00:00:00Z",
                "updated_at": "2024-02-01T00:00:00Z"
            }
        ]
    })
}

fn unix_in(secs: u64) -> u64 {
    unix_secs(SystemTime::now()) + secs
}

#[tokio::test]
async fn user_config_sends_bearer_and_content_type_and_reads_rate_limit_headers() {
    let server = MockServer::start().await;
    let config = json!({"user": {"email": "dev@example.invalid"}, "features": ["esg"]});
    let answer = rate_limited(json_reply(200, config.clone()), "998", "1767225600");
    mount(&server, authenticated_get(USER_CONFIG), answer, 1).await;

    let resp = client(&server).user_config().await.unwrap();
    assert_eq!(resp.config, config);
    assert_eq!(resp.rate_limit, Some(1000));
    assert_eq!(resp.rate_limit_remaining, Some(998));
    assert_eq!(resp.rate_limit_reset, Some(1_767_225_600));

    let reqs = received(&server).await;
    assert!(reqs[0].body.is_empty(), "a GET carries no body");
}

#[tokio::test]
async fn user_config_without_rate_limit_headers_leaves_them_none() {
    let server = MockServer::start().await;
    mount(
        &server,
        on("GET", USER_CONFIG),
        json_reply(200, json!({})),
        1,
    )
    .await;
    let resp = client(&server).user_config().await.unwrap();
    assert_eq!(resp.config, json!({}));
    assert_eq!(resp.rate_limit, None);
    assert_eq!(resp.rate_limit_remaining, None);
    assert_eq!(resp.rate_limit_reset, None);
}

#[tokio::test]
async fn list_workspaces_without_filters_sends_no_query_and_parses_documented_body() {
    let server = MockServer::start().await;
    let answer = rate_limited(json_reply(200, workspaces_body()), "997", "1767225600");
    mount(&server, authenticated_get(WORKSPACES), answer, 1).await;

    let page = client(&server).list_workspaces().await.unwrap();
    assert_eq!(page.count, 2);
    assert_eq!(page.next, None);
    assert_eq!(page.previous, None);
    assert_eq!(page.rate_limit, Some(1000));
    assert_eq!(page.rate_limit_remaining, Some(997));
    assert_eq!(page.rate_limit_reset, Some(1_767_225_600));
    assert_eq!(page.results.len(), 2);
    let w = &page.results[0];
    assert_eq!(w.workspace_id, 11);
    assert_eq!(w.workspace_name, "Acme BV");
    assert_eq!(w.id, 11);
    assert_eq!(w.name, "Acme BV");
    assert_eq!(w.kind, WorkspaceType::Active);
    assert_eq!(w.country, "NL");
    assert_eq!(w.member_count, 7);
    assert!(w.is_mfa_enabled);
    assert_eq!(w.created_at.as_str(), "2024-01-15T10:00:00Z");
    assert_eq!(w.updated_at.as_str(), "2024-06-01T08:30:00.123456Z");
    // An unknown workspace type is kept, not rejected.
    assert_eq!(
        page.results[1].kind,
        WorkspaceType::Other("sandboxed".into())
    );
}

#[tokio::test]
async fn r10_missing_field_is_named_with_its_path() {
    let server = MockServer::start().await;
    let mut body = workspaces_body();
    let results = body["results"].as_array_mut().unwrap();
    results.extend([results[0].clone(), results[1].clone()]);
    results[3].as_object_mut().unwrap().remove("id");
    mount(
        &server,
        authenticated_get(WORKSPACES),
        json_reply(200, body),
        1,
    )
    .await;

    let err = no_retry_client(&server)
        .list_workspaces()
        .await
        .unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(d.path, "results[3].id");
    assert_eq!(d.category, "data");
    assert!(err.to_string().contains("at `results[3].id`"), "{err}");
}

#[tokio::test]
async fn list_workspaces_sends_every_filter_under_its_wire_name() {
    let server = MockServer::start().await;
    let every_filter = QueryIs(vec![
        ("name", "Acme BV"),
        ("name__icontains", "acme"),
        ("name__istartswith", "ac"),
        ("name__iendswith", "bv"),
        ("type", "trial"),
        ("type__in", "active,trial"),
        ("type__exclude", "demo"),
        ("country", "NL"),
        ("country__icontains", "n"),
        ("country__istartswith", "N"),
        ("country__iendswith", "L"),
        ("country__in", "NL,DE"),
        ("ordering", "name,-created_at"),
        ("search", "acme & co"),
        ("limit", "25"),
        ("offset", "50"),
    ]);
    let empty_page = json_reply(
        200,
        json!({
            "count": 0,
            "next": "https://developers.coolset.com/api/accounts/workspaces/?limit=25&offset=75",
            "previous": "https://developers.coolset.com/api/accounts/workspaces/?limit=25&offset=25",
            "results": []
        }),
    );
    mount(
        &server,
        on("GET", WORKSPACES).and(every_filter),
        empty_page,
        1,
    )
    .await;

    let page = client(&server)
        .list_workspaces()
        .name("Acme BV")
        .name_icontains("acme")
        .name_istartswith("ac")
        .name_iendswith("bv")
        .kind(WorkspaceType::Trial)
        .kind_in("active,trial")
        .kind_exclude("demo")
        .country("NL")
        .country_icontains("n")
        .country_istartswith("N")
        .country_iendswith("L")
        .country_in("NL,DE")
        .ordering("name,-created_at")
        .search("acme & co")
        .limit(25u32)
        .offset(50u32)
        .send()
        .await
        .unwrap();
    assert_eq!(page.count, 0);
    assert!(page.results.is_empty());
    assert_eq!(
        page.next.as_deref(),
        Some("https://developers.coolset.com/api/accounts/workspaces/?limit=25&offset=75")
    );
    assert!(page.previous.is_some());
}

#[tokio::test]
async fn list_workspaces_sends_only_the_filters_that_are_set() {
    let server = MockServer::start().await;
    let two = QueryIs(vec![("limit", "10"), ("type", "active")]);
    mount(
        &server,
        on("GET", WORKSPACES).and(two),
        json_reply(200, workspaces_body()),
        1,
    )
    .await;
    client(&server)
        .list_workspaces()
        .kind(WorkspaceType::Active)
        .limit(10u32)
        .await
        .unwrap();
    let reqs = received(&server).await;
    assert_eq!(reqs[0].url.query(), Some("type=active&limit=10"));
}

async fn error_for(
    status: u16,
    body: serde_json::Value,
) -> (MockServer, coolset::user_config::Error) {
    let server = MockServer::start().await;
    let answer = rate_limited(json_reply(status, body), "990", "1767225600");
    mount(&server, on("GET", USER_CONFIG), answer, 1).await;
    let err = client(&server).user_config().await.unwrap_err();
    (server, err)
}

fn detail_of(err: &coolset::user_config::Error) -> (u16, String, Option<String>) {
    let pe = err.provider_error().expect("a provider error");
    match pe.body.as_ref().expect("a typed body") {
        ErrorBody::Detail {
            detail, error_code, ..
        } => (pe.status.as_u16(), detail.clone(), error_code.clone()),
        other => panic!("expected ErrorBody::Detail, got {other:?}"),
    }
}

#[tokio::test]
async fn error_401_is_detail_and_auth_failure_and_keeps_rate_limit_headers() {
    let detail = "Authentication credentials were not provided.";
    let (_server, err) = error_for(401, json!({ "detail": detail })).await;
    assert_eq!(detail_of(&err), (401, detail.to_owned(), None));
    let pe = err.provider_error().unwrap();
    assert!(pe.is_auth_failure());
    let rl = pe.rate_limit();
    assert_eq!(rl.limit, Some(1000));
    assert_eq!(rl.remaining, Some(990));
    assert_eq!(
        rl.reset_at,
        Some(UNIX_EPOCH + Duration::from_secs(1_767_225_600))
    );
}

#[tokio::test]
async fn error_403_is_detail_with_optional_code_and_field_errors() {
    let detail = "You do not have permission to perform this action.";
    let (_server, err) = error_for(
        403,
        json!({
            "detail": detail,
            "error_code": "permission_denied",
            "field_errors": {"workspace": ["not a member"]}
        }),
    )
    .await;
    let code = Some("permission_denied".to_owned());
    assert_eq!(detail_of(&err), (403, detail.to_owned(), code));
    let pe = err.provider_error().unwrap();
    assert!(!pe.is_auth_failure());
    match pe.body.as_ref().unwrap() {
        ErrorBody::Detail { field_errors, .. } => {
            let fe = field_errors.as_ref().unwrap();
            assert_eq!(fe["workspace"], vec!["not a member".to_owned()]);
        }
        other => panic!("expected Detail, got {other:?}"),
    }
}

#[tokio::test]
async fn error_404_is_detail() {
    let (_server, err) = error_for(404, json!({"detail": "Not found."})).await;
    assert_eq!(detail_of(&err), (404, "Not found.".to_owned(), None));
}

#[tokio::test]
async fn error_422_bare_field_map_is_validation() {
    let (_server, err) = error_for(
        422,
        json!({"name": ["This field is required."], "country": ["Unknown country.", "Too long."]}),
    )
    .await;
    match provider_error(&err, 422).body.as_ref().unwrap() {
        ErrorBody::Validation(map) => {
            assert_eq!(map.len(), 2);
            assert_eq!(map["name"], vec!["This field is required.".to_owned()]);
            assert_eq!(
                map["country"],
                vec!["Unknown country.".to_owned(), "Too long.".to_owned()]
            );
        }
        other => panic!("expected ErrorBody::Validation, got {other:?}"),
    }
}

/// Mounts a 429 on `route`, expected once, whose window resets in `secs` seconds; returns
/// the reset time in Unix seconds.
async fn mount_throttled(server: &MockServer, route: &str, secs: u64) -> u64 {
    let reset = unix_in(secs);
    let detail = format!("Request was throttled. Expected available in {secs} seconds.");
    let throttled = json_reply(429, json!({ "detail": detail }));
    let answer = rate_limited(throttled, "0", reset.to_string().as_str());
    mount(server, on("GET", route), answer, 1).await;
    reset
}

#[tokio::test]
async fn error_429_with_reset_an_hour_away_is_rate_limited_without_sleeping() {
    let server = MockServer::start().await;
    let reset = mount_throttled(&server, USER_CONFIG, 3600).await;

    let started = std::time::Instant::now();
    let err = client(&server).user_config().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "did not sleep");
    assert!(err.is_transient());
    match err {
        Error::RateLimited(rl) => {
            assert_eq!(rl.provider, "Coolset");
            assert_eq!(rl.status.as_u16(), 429);
            assert_eq!(rl.reset_at, Some(UNIX_EPOCH + Duration::from_secs(reset)));
            let wait = rl.retry_after.expect("the wait until the reset");
            assert!(
                wait > Duration::from_secs(3500) && wait <= Duration::from_secs(3600),
                "{wait:?}"
            );
        }
        other => panic!("expected Error::RateLimited, got {other:?}"),
    }
}

#[tokio::test]
async fn error_429_with_reset_an_hour_away_is_rate_limited_even_without_retries() {
    let server = MockServer::start().await;
    let reset = mount_throttled(&server, WORKSPACES, 3600).await;

    match no_retry_client(&server)
        .list_workspaces()
        .await
        .unwrap_err()
    {
        Error::RateLimited(rl) => {
            assert_eq!(rl.status.as_u16(), 429);
            assert_eq!(rl.reset_at, Some(UNIX_EPOCH + Duration::from_secs(reset)));
        }
        other => panic!("expected Error::RateLimited, got {other:?}"),
    }
}

#[tokio::test]
async fn error_429_with_near_reset_is_a_provider_error_exposing_rate_limit() {
    let server = MockServer::start().await;
    let reset = mount_throttled(&server, WORKSPACES, 2).await;

    // Retries off: the short wait is not slept on, and the 429 comes back as it was.
    let err = no_retry_client(&server)
        .list_workspaces()
        .await
        .unwrap_err();
    let pe = provider_error(&err, 429);
    assert!(err.is_transient());
    match pe.body.as_ref().unwrap() {
        ErrorBody::Detail { detail, .. } => assert!(detail.starts_with("Request was throttled.")),
        other => panic!("expected Detail, got {other:?}"),
    }
    let rl = pe.rate_limit();
    assert_eq!(rl.limit, Some(1000));
    assert_eq!(rl.remaining, Some(0));
    assert_eq!(rl.reset_at, Some(UNIX_EPOCH + Duration::from_secs(reset)));
}

#[tokio::test]
async fn missing_token_fails_before_sending() {
    let server = MockServer::start().await;
    let c = client_with(&server, coolset::Credentials::new(), fast_retry());
    let err = c.user_config().await.unwrap_err();
    let mc = missing_credential_of(err, "Coolset", "token");
    assert_eq!(mc.credential, "api_token");
    missing_credential(c.list_workspaces().limit(1u32).await.unwrap_err());
    assert!(received(&server).await.is_empty());
}
