//! Coolset: bearer tokens, DRF error bodies, workspaces paging/filters,
//! rate-limit headers and throttling.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use auth_sandbox::{Sandbox, SandboxConfig};
use common::{client, header, start, start_with, status_json};
use serde_json::Value;

async fn get(url: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = client().get(url);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    request.send().await.unwrap()
}

fn workspaces_url(sandbox: &Sandbox, query: &str) -> String {
    format!(
        "{}/accounts/workspaces/{query}",
        sandbox.base_urls().coolset
    )
}

async fn list(sandbox: &Sandbox, query: &str) -> (u16, Value) {
    let token = sandbox.credentials().coolset.token.clone();
    status_json(get(&workspaces_url(sandbox, query), Some(&token)).await).await
}

fn ids(page: &Value) -> Vec<u64> {
    page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_u64().unwrap())
        .collect()
}

fn assert_rate_headers(response: &reqwest::Response, limit: u64) -> u64 {
    assert_eq!(header(response, "x-ratelimit-limit"), limit.to_string());
    let remaining: u64 = header(response, "x-ratelimit-remaining").parse().unwrap();
    let reset: u64 = header(response, "x-ratelimit-reset").parse().unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        reset >= now && reset <= now + 3601,
        "reset {reset} vs now {now}"
    );
    remaining
}

#[tokio::test]
async fn user_config_returns_an_object_with_rate_headers() {
    let sandbox = start().await;
    let token = sandbox.credentials().coolset.token.clone();
    let url = format!("{}/accounts/user-config/", sandbox.base_urls().coolset);
    let response = get(&url, Some(&token)).await;
    assert_eq!(assert_rate_headers(&response, 1000), 999);
    let (status, body) = status_json(response).await;
    assert_eq!(status, 200);
    assert!(body.is_object());
    assert!(body["email"].is_string());

    // No trailing slash is a different (unknown) path.
    let response = get(url.trim_end_matches('/'), Some(&token)).await;
    assert_eq!(response.status().as_u16(), 404);
}

#[tokio::test]
async fn auth_errors_use_detail_bodies_and_carry_rate_headers() {
    let sandbox = start().await;
    let forbidden = sandbox.credentials().coolset.forbidden_token.clone();
    let url = format!("{}/accounts/user-config/", sandbox.base_urls().coolset);
    let cases = [
        (None, 401, "Authentication credentials were not provided."),
        (Some("sk_test_unknown"), 401, "Invalid token."),
        (
            Some(forbidden.as_str()),
            403,
            "You do not have permission to perform this action.",
        ),
    ];
    for (token, expected_status, detail) in cases {
        let response = get(&url, token).await;
        assert_rate_headers(&response, 1000);
        let (status, body) = status_json(response).await;
        assert_eq!(status, expected_status);
        assert_eq!(body, serde_json::json!({ "detail": detail }));
    }
    // A non-Bearer scheme is "not provided" (DRF ignores other schemes).
    let response = client()
        .get(&url)
        .header("authorization", "Token abc")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
}

#[tokio::test]
async fn workspaces_page_with_absolute_links() {
    let sandbox = start().await;
    let (status, page) = list(&sandbox, "").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["count"], 6);
    assert!(page["next"].is_null() && page["previous"].is_null());
    let first = &page["results"][0];
    for field in [
        "workspace_id",
        "workspace_name",
        "id",
        "name",
        "type",
        "country",
        "member_count",
        "is_mfa_enabled",
        "created_at",
        "updated_at",
    ] {
        assert!(first.get(field).is_some(), "missing {field}");
    }
    assert_eq!(first["workspace_id"], first["id"]);

    // Walk every page of two by following `next`.
    let token = sandbox.credentials().coolset.token.clone();
    let mut url = workspaces_url(&sandbox, "?limit=2");
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let (status, page) = status_json(get(&url, Some(&token)).await).await;
        assert_eq!(status, 200);
        pages += 1;
        if pages == 1 {
            assert!(page["previous"].is_null());
        } else {
            assert!(
                page["previous"]
                    .as_str()
                    .unwrap()
                    .starts_with("http://127.0.0.1:")
            );
        }
        seen.extend(ids(&page));
        match page["next"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, vec![101, 102, 103, 104, 105, 106]);

    let (_, page) = list(&sandbox, "?limit=2&offset=4&type__exclude=test").await;
    let previous = page["previous"].as_str().unwrap();
    assert!(
        previous.contains("offset=2") && previous.contains("type__exclude=test"),
        "{previous}"
    );
    let (_, page) = list(&sandbox, "?limit=2&offset=2").await;
    assert!(
        !page["previous"].as_str().unwrap().contains("offset"),
        "DRF drops offset=0"
    );
    let (_, page) = list(&sandbox, "?offset=50").await;
    assert_eq!(page["count"], 6);
    assert!(ids(&page).is_empty());
}

#[tokio::test]
async fn workspaces_filters_and_ordering() {
    let sandbox = start().await;
    let cases: [(&str, Vec<u64>); 10] = [
        ("?type=active", vec![101, 102]),
        ("?type__in=demo,trial", vec![103, 104]),
        ("?country=NL", vec![101, 103]),
        ("?name__icontains=TEXTILES", vec![102]),
        ("?name=Acme%20Demo%20Workspace", vec![103]),
        ("?search=roasters", vec![101]),
        ("?ordering=-name&type=active", vec![102, 101]),
        ("?ordering=created_at&limit=3", vec![106, 101, 102]),
        ("?ordering=-created_at&limit=2", vec![105, 104]),
        ("?ordering=bogus", vec![101, 102, 103, 104, 105, 106]),
    ];
    for (query, expected) in cases {
        let (status, page) = list(&sandbox, query).await;
        assert_eq!(status, 200, "{query}: {page}");
        assert_eq!(ids(&page), expected, "{query}");
    }
}

#[tokio::test]
async fn bad_paging_params_give_400_or_422() {
    let sandbox = start().await;
    for query in [
        "?limit=abc",
        "?limit=-1",
        "?offset=x",
        "?offset=-5",
        "?limit=1.5",
    ] {
        let (status, body) = list(&sandbox, query).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(body["detail"].is_string(), "{query}: {body}");
    }
    for query in ["?limit=0", "?limit=101"] {
        let (status, body) = list(&sandbox, query).await;
        assert_eq!(status, 422, "{query}: {body}");
        let object = body.as_object().unwrap();
        assert_eq!(object.len(), 1);
        assert!(object["limit"][0].is_string(), "{body}");
    }
    let (status, body) = list(&sandbox, "?type=bogus").await;
    assert_eq!(status, 422);
    assert!(body["type"][0].is_string());
}

#[tokio::test]
async fn throttles_after_the_per_token_limit() {
    let config = SandboxConfig::default().with_coolset_rate_limit(3, Duration::from_secs(3600));
    let sandbox = start_with(config).await;
    let token = sandbox.credentials().coolset.token.clone();
    let url = workspaces_url(&sandbox, "");
    for expected_remaining in [2, 1, 0] {
        let response = get(&url, Some(&token)).await;
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(assert_rate_headers(&response, 3), expected_remaining);
    }
    let response = get(&url, Some(&token)).await;
    assert_eq!(assert_rate_headers(&response, 3), 0);
    let (status, body) = status_json(response).await;
    assert_eq!(status, 429);
    let detail = body["detail"].as_str().unwrap();
    let seconds: u64 = detail
        .strip_prefix("Request was throttled. Expected available in ")
        .and_then(|rest| rest.strip_suffix(" seconds."))
        .unwrap_or_else(|| panic!("{detail}"))
        .parse()
        .unwrap();
    assert!((3590..=3600).contains(&seconds), "{seconds}");

    // The budget is per token: the forbidden token is still judged on permissions.
    let forbidden = sandbox.credentials().coolset.forbidden_token.clone();
    assert_eq!(get(&url, Some(&forbidden)).await.status().as_u16(), 403);
}

#[tokio::test]
async fn rate_window_resets() {
    let config = SandboxConfig::default().with_coolset_rate_limit(1, Duration::from_millis(500));
    let sandbox = start_with(config).await;
    let token = sandbox.credentials().coolset.token.clone();
    let url = workspaces_url(&sandbox, "");
    assert_eq!(get(&url, Some(&token)).await.status().as_u16(), 200);
    let throttled = get(&url, Some(&token)).await;
    assert_eq!(throttled.status().as_u16(), 429);
    let (_, body) = status_json(throttled).await;
    assert_eq!(
        body["detail"],
        "Request was throttled. Expected available in 1 second."
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(get(&url, Some(&token)).await.status().as_u16(), 200);
}
