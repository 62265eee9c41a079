//! Server-level behaviour: base URLs, fallbacks, counters, loopback-only
//! binding, shutdown on Drop and via `shutdown().await`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use auth_sandbox::{Sandbox, SandboxConfig};
use common::{client, start, status_json};
use tokio::net::TcpStream;

#[tokio::test]
async fn base_urls_share_one_loopback_port() {
    let sandbox = start().await;
    let addr = sandbox.addr();
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0);
    let urls = sandbox.base_urls();
    let origin = format!("http://{addr}");
    assert_eq!(urls.coopfin, format!("{origin}/coopfin/v1"));
    assert_eq!(urls.coinflow, format!("{origin}/coinflow/api"));
    assert_eq!(urls.coolset, format!("{origin}/coolset/api"));
    assert_eq!(urls.akool, format!("{origin}/akool"));
    assert_eq!(urls.loccus, format!("{origin}/loccus/v1"));
}

#[tokio::test]
async fn fallbacks_name_method_and_path() {
    let sandbox = start().await;
    let origin = format!("http://{}", sandbox.addr());
    let (status, body) = status_json(
        client()
            .delete(format!("{origin}/nowhere"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    assert!(
        body["error"].as_str().unwrap().contains("DELETE /nowhere"),
        "{body}"
    );

    // Unknown paths under a prefix answer in that provider's error shape.
    let urls = sandbox.base_urls();
    let (status, body) = status_json(
        client()
            .get(format!("{}/token", urls.coopfin))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("GET /coopfin/v1/token"),
        "{body}"
    );
    let (status, body) = status_json(
        client()
            .get(format!("{}/nope", urls.loccus))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], 404);
    let (status, body) = status_json(
        client()
            .get(format!("{}/auth/x", urls.coinflow))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    assert!(body["name"].is_string() && body["message"].is_string());

    // Known path, wrong method.
    let (status, body) = status_json(
        client()
            .get(format!("{}/sandbox/token", urls.coopfin))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 405);
    assert!(body["error"].as_str().unwrap().contains("GET"), "{body}");
    let response = client()
        .post(format!("{}/accounts/workspaces/", urls.coolset))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    assert!(response.headers().contains_key("x-ratelimit-limit"));
}

#[tokio::test]
async fn stats_count_requests_per_provider() {
    let sandbox = start().await;
    let urls = sandbox.base_urls();
    for url in [
        format!("{}/anything", urls.coopfin),
        format!("{}/auth", urls.coinflow),
        format!("{}/auth", urls.coinflow),
        format!("{}/accounts/user-config/", urls.coolset),
        format!("{}/api/open/v3/faceswap/quota/info", urls.akool),
        format!("{}/user", urls.loccus),
        format!("http://{}/elsewhere", sandbox.addr()),
    ] {
        client().get(url).send().await.unwrap();
    }
    let stats = sandbox.stats();
    assert_eq!(stats.coopfin.requests, 1);
    assert_eq!(stats.coinflow.requests, 2);
    assert_eq!(stats.coolset.requests, 1);
    assert_eq!(stats.akool.requests, 1);
    assert_eq!(stats.loccus.requests, 1);
    assert_eq!(stats.total_requests(), 6);
    assert_eq!(stats.coinflow.tokens_issued, 0);
}

#[tokio::test]
async fn bind_refuses_non_loopback_addresses() {
    for addr in ["0.0.0.0:0", "192.0.2.1:0", "[::]:0"] {
        let addr: SocketAddr = addr.parse().unwrap();
        let error = Sandbox::bind(addr, SandboxConfig::default())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{addr}");
    }
    let sandbox = Sandbox::bind(
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        SandboxConfig::default(),
    )
    .await
    .unwrap();
    assert!(sandbox.addr().ip().is_loopback());
}

async fn refused(addr: SocketAddr) -> bool {
    matches!(
        TcpStream::connect(addr).await,
        Err(e) if e.kind() == ErrorKind::ConnectionRefused
    )
}

#[tokio::test]
async fn drop_shuts_the_server_down() {
    let sandbox = start().await;
    let addr = sandbox.addr();
    let url = format!("{}/auth", sandbox.base_urls().coinflow);
    assert_eq!(
        client().get(&url).send().await.unwrap().status().as_u16(),
        400
    );
    drop(sandbox);
    // Drop only signals; the listener closes as soon as the server task runs.
    let mut closed = false;
    for _ in 0..100 {
        if refused(addr).await {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(closed, "port {addr} still accepts connections after Drop");
}

#[tokio::test]
async fn shutdown_closes_the_listener_before_returning() {
    let sandbox = start().await;
    let addr = sandbox.addr();
    // A pooled keep-alive connection must not hold the shutdown up.
    let http = client();
    let url = format!("{}/auth", sandbox.base_urls().coinflow);
    assert_eq!(http.get(&url).send().await.unwrap().status().as_u16(), 400);
    tokio::time::timeout(Duration::from_secs(1), sandbox.shutdown())
        .await
        .expect("shutdown finishes promptly");
    assert!(refused(addr).await);
}

#[tokio::test]
async fn advance_clock_expires_loccus_sessions() {
    let sandbox = start().await;
    let creds = sandbox.credentials().loccus.clone();
    let url = format!("{}/auth/credentials", sandbox.base_urls().loccus);
    let (_, session) = status_json(
        client()
            .post(url)
            .json(&serde_json::json!({ "handle": creds.handle, "password": creds.password }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let token = session["token"].as_str().unwrap();
    let user = format!("{}/user", sandbox.base_urls().loccus);
    let status = |r: reqwest::Response| r.status().as_u16();
    assert_eq!(
        status(client().get(&user).bearer_auth(token).send().await.unwrap()),
        200
    );
    sandbox.advance_clock(Duration::from_secs(3601));
    assert_eq!(
        status(client().get(&user).bearer_auth(token).send().await.unwrap()),
        401
    );
}
