//! Loccus: credential sign-in, `GET /user`, the API-key lifecycle with paging
//! headers, Hiya error bodies, session expiry, per-user scoping.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use auth_sandbox::{Sandbox, SandboxConfig};
use common::{client, header, start, start_with, status_json};
use reqwest::Method;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

struct Api<'a> {
    sandbox: &'a Sandbox,
    token: String,
}

impl Api<'_> {
    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        client()
            .request(method, format!("{}{path}", self.sandbox.base_urls().loccus))
            .bearer_auth(&self.token)
    }

    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> reqwest::Response {
        let mut request = self.request(method, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        status_json(self.send(method, path, body).await).await
    }
}

async fn sign_in_raw(sandbox: &Sandbox, body: &Value) -> (u16, Value) {
    let url = format!("{}/auth/credentials", sandbox.base_urls().loccus);
    status_json(client().post(url).json(body).send().await.unwrap()).await
}

async fn sign_in(sandbox: &Sandbox) -> Value {
    let creds = sandbox.credentials().loccus.clone();
    let (status, body) = sign_in_raw(
        sandbox,
        &json!({ "handle": creds.handle, "password": creds.password }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

fn assert_hiya_error(status: u16, body: &Value, expected: u16) {
    assert_eq!(status, expected, "{body}");
    let error = &body["error"];
    assert!(
        error["id"].as_str().is_some_and(|id| id.len() == 36),
        "{body}"
    );
    assert_eq!(error["code"], expected, "{body}");
    assert!(error["errors"][0]["message"].is_string(), "{body}");
}

fn parse_time(value: &Value) -> OffsetDateTime {
    let text = value.as_str().unwrap();
    // e.g. 2026-01-01T00:00:00.000000Z: six fractional digits, UTC.
    assert_eq!(text.len(), 27, "{text}");
    assert!(text.ends_with('Z') && &text[19..20] == ".", "{text}");
    OffsetDateTime::parse(text, &Rfc3339).unwrap()
}

#[tokio::test]
async fn sign_in_returns_session_and_user_works() {
    let sandbox = start().await;
    let session = sign_in(&sandbox).await;
    let issued = parse_time(&session["issuedAt"]);
    let expires = parse_time(&session["expiresAt"]);
    assert_eq!(expires - issued, time::Duration::hours(1));
    let api = Api {
        sandbox: &sandbox,
        token: session["token"].as_str().unwrap().to_owned(),
    };
    let (status, user) = api.call(Method::GET, "/user", None).await;
    assert_eq!(status, 200, "{user}");
    let creds = sandbox.credentials().loccus.clone();
    assert_eq!(user["handle"], creds.handle.as_str());
    assert_eq!(user["email"], creds.email.as_str());
    assert_eq!(user["state"], "verified");
    assert_eq!(user["emailVerified"], true);
    assert_eq!(user["id"].as_str().unwrap().len(), 36);
    assert!(user["alias"].is_string() || user["alias"].is_null());
    assert!(user["orgs"].is_u64() && user["spaces"].is_u64());
    parse_time(&user["createdAt"]);
    assert_eq!(sandbox.stats().loccus.tokens_issued, 1);
}

#[tokio::test]
async fn sign_in_and_bearer_errors() {
    let sandbox = start().await;
    let creds = sandbox.credentials().loccus.clone();
    let (status, body) = sign_in_raw(
        &sandbox,
        &json!({ "handle": creds.handle, "password": "wrong-password" }),
    )
    .await;
    assert_hiya_error(status, &body, 401);
    for malformed in [
        json!({ "handle": creds.handle }),
        json!({ "password": creds.password }),
        json!({ "handle": creds.handle, "password": "short" }),
        json!({ "handle": 7, "password": creds.password }),
        json!("handle"),
    ] {
        let (status, body) = sign_in_raw(&sandbox, &malformed).await;
        assert_hiya_error(status, &body, 400);
    }
    let url = format!("{}/auth/credentials", sandbox.base_urls().loccus);
    let response = client()
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"handle\":")
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_hiya_error(status, &body, 400);
    let response = client().post(&url).body("handle=x").send().await.unwrap();
    let (status, body) = status_json(response).await;
    assert_hiya_error(status, &body, 415);

    let user_url = format!("{}/user", sandbox.base_urls().loccus);
    let (status, body) = status_json(client().get(&user_url).send().await.unwrap()).await;
    assert_hiya_error(status, &body, 401);
    let response = client()
        .get(&user_url)
        .bearer_auth("bm90LWEtdG9rZW4=")
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_hiya_error(status, &body, 401);
    assert_eq!(sandbox.stats().loccus.tokens_issued, 0);
}

#[tokio::test]
async fn api_key_lifecycle() {
    let sandbox = start().await;
    let session = sign_in(&sandbox).await;
    let api = Api {
        sandbox: &sandbox,
        token: session["token"].as_str().unwrap().to_owned(),
    };

    // Create.
    let (status, ci) = api
        .call(
            Method::POST,
            "/user/keys",
            Some(json!({ "handle": "ci-key", "alias": "CI runner" })),
        )
        .await;
    assert_eq!(status, 201, "{ci}");
    assert_eq!(ci["handle"], "ci-key");
    assert_eq!(ci["alias"], "CI runner");
    assert_eq!(ci["id"].as_str().unwrap().len(), 36);
    assert!(!ci["token"].as_str().unwrap().is_empty());
    let ci_created = parse_time(&ci["createdAt"]);
    let (status, backup) = api
        .call(
            Method::POST,
            "/user/keys",
            Some(json!({ "handle": "backup-2" })),
        )
        .await;
    assert_eq!(status, 201, "{backup}");
    assert!(backup["alias"].is_null());

    let (status, body) = api
        .call(
            Method::POST,
            "/user/keys",
            Some(json!({ "handle": "ci-key" })),
        )
        .await;
    assert_hiya_error(status, &body, 409);
    for bad in ["CI", "a--b", "-a", "", "with space", &"x".repeat(51)] {
        let (status, body) = api
            .call(Method::POST, "/user/keys", Some(json!({ "handle": bad })))
            .await;
        assert_hiya_error(status, &body, 400);
    }

    // List with paging headers (default sort: handle).
    let response = api.send(Method::GET, "/user/keys?page-size=1", None).await;
    assert_eq!(header(&response, "page-total"), "2");
    assert_eq!(header(&response, "page-size"), "1");
    assert_eq!(header(&response, "page-current"), "1");
    assert_eq!(header(&response, "item-total"), "2");
    let (status, page) = status_json(response).await;
    assert_eq!(status, 200);
    assert_eq!(page.as_array().unwrap().len(), 1);
    assert_eq!(page[0]["handle"], "backup-2");
    assert_eq!(page[0]["token"], backup["token"]);
    let response = api
        .send(Method::GET, "/user/keys?page-size=1&page=2", None)
        .await;
    assert_eq!(header(&response, "page-current"), "2");
    let (_, page) = status_json(response).await;
    assert_eq!(page[0]["handle"], "ci-key");
    let (_, page) = api
        .call(Method::GET, "/user/keys?sort=createdAt", None)
        .await;
    assert_eq!(page[0]["handle"], "ci-key");
    let (_, page) = api
        .call(Method::GET, "/user/keys?search=runner", None)
        .await;
    assert_eq!(page.as_array().unwrap().len(), 1);
    let after = (ci_created + time::Duration::hours(1))
        .format(&Rfc3339)
        .unwrap();
    let (_, page) = api
        .call(Method::GET, &format!("/user/keys?after={after}"), None)
        .await;
    assert!(page.as_array().unwrap().is_empty());
    let before = ci_created.format(&Rfc3339).unwrap();
    let (_, page) = api
        .call(Method::GET, &format!("/user/keys?before={before}"), None)
        .await;
    assert!(
        page.as_array()
            .unwrap()
            .iter()
            .any(|k| k["handle"] == "ci-key")
    );
    for bad in [
        "page=0",
        "page=x",
        "page-size=0",
        "page-size=51",
        "sort=alias",
        "after=yesterday",
    ] {
        let (status, body) = api
            .call(Method::GET, &format!("/user/keys?{bad}"), None)
            .await;
        assert_hiya_error(status, &body, 400);
    }

    // Get; the key's own token authenticates too.
    let (status, got) = api.call(Method::GET, "/user/keys/ci-key", None).await;
    assert_eq!(status, 200);
    assert_eq!(got, ci);
    let (status, body) = api.call(Method::GET, "/user/keys/nope", None).await;
    assert_hiya_error(status, &body, 404);
    let key_api = Api {
        sandbox: &sandbox,
        token: ci["token"].as_str().unwrap().to_owned(),
    };
    assert_eq!(key_api.call(Method::GET, "/user", None).await.0, 200);

    // Update.
    let (status, updated) = api
        .call(
            Method::PATCH,
            "/user/keys/ci-key",
            Some(json!({ "handle": "ci-main", "alias": "Main CI" })),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        (updated["handle"].as_str(), updated["alias"].as_str()),
        (Some("ci-main"), Some("Main CI"))
    );
    assert_eq!(updated["token"], ci["token"]);
    let (status, cleared) = api
        .call(
            Method::PATCH,
            "/user/keys/ci-main",
            Some(json!({ "alias": null })),
        )
        .await;
    assert_eq!(status, 200);
    assert!(cleared["alias"].is_null());
    assert_eq!(cleared["handle"], "ci-main");
    let (status, body) = api
        .call(
            Method::PATCH,
            "/user/keys/ci-main",
            Some(json!({ "handle": "backup-2" })),
        )
        .await;
    assert_hiya_error(status, &body, 409);
    let (status, body) = api
        .call(
            Method::PATCH,
            "/user/keys/ci-main",
            Some(json!({ "handle": "Bad_Handle" })),
        )
        .await;
    assert_hiya_error(status, &body, 400);
    let (status, body) = api
        .call(
            Method::PATCH,
            "/user/keys/ci-key",
            Some(json!({ "alias": "x" })),
        )
        .await;
    assert_hiya_error(status, &body, 404);

    // Delete: 204 without a body, then the key and its token are gone.
    let response = api.send(Method::DELETE, "/user/keys/ci-main", None).await;
    assert_eq!(response.status().as_u16(), 204);
    assert!(response.bytes().await.unwrap().is_empty());
    let (status, body) = api.call(Method::DELETE, "/user/keys/ci-main", None).await;
    assert_hiya_error(status, &body, 404);
    let (status, body) = key_api.call(Method::GET, "/user", None).await;
    assert_hiya_error(status, &body, 401);
    let response = api.send(Method::GET, "/user/keys", None).await;
    assert_eq!(header(&response, "item-total"), "1");
}

#[tokio::test]
async fn keys_belong_to_their_user() {
    let sandbox = start().await;
    let main = Api {
        sandbox: &sandbox,
        token: sign_in(&sandbox).await["token"]
            .as_str()
            .unwrap()
            .to_owned(),
    };
    assert_eq!(
        main.call(
            Method::POST,
            "/user/keys",
            Some(json!({ "handle": "mine" }))
        )
        .await
        .0,
        201
    );
    let creds = sandbox.credentials().loccus.clone();
    let (_, session) = sign_in_raw(
        &sandbox,
        &json!({ "handle": creds.second_handle, "password": creds.second_password }),
    )
    .await;
    let other = Api {
        sandbox: &sandbox,
        token: session["token"].as_str().unwrap().to_owned(),
    };
    let (_, user) = other.call(Method::GET, "/user", None).await;
    assert_eq!(user["handle"], creds.second_handle.as_str());
    let (status, list) = other.call(Method::GET, "/user/keys", None).await;
    assert_eq!(status, 200);
    assert_eq!(list, json!([]));
    assert_eq!(
        other.call(Method::GET, "/user/keys/mine", None).await.0,
        404
    );
    // Handles are unique per user, so the second user may reuse it.
    assert_eq!(
        other
            .call(
                Method::POST,
                "/user/keys",
                Some(json!({ "handle": "mine" }))
            )
            .await
            .0,
        201
    );
}

#[tokio::test]
async fn session_expires_with_sub_second_precision() {
    let config = SandboxConfig::default().with_loccus_session_ttl(Duration::from_millis(150));
    let sandbox = start_with(config).await;
    let session = sign_in(&sandbox).await;
    let issued = parse_time(&session["issuedAt"]);
    let expires = parse_time(&session["expiresAt"]);
    assert_eq!(expires - issued, time::Duration::milliseconds(150));
    let api = Api {
        sandbox: &sandbox,
        token: session["token"].as_str().unwrap().to_owned(),
    };
    assert_eq!(api.call(Method::GET, "/user", None).await.0, 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, body) = api.call(Method::GET, "/user", None).await;
    assert_hiya_error(status, &body, 401);
}
