//! Mounting wiremock answers in one line (and the issuer-call matcher), responders that
//! number what they hand out, and queries over the requests a mock server received.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockBuilder, MockServer, Request, Respond, ResponseTemplate};

use super::matchers::{NoHeader, NoQuery};

/// `Mock::given(method(verb)).and(path(route))`, to which more matchers can be added.
pub fn on(verb: &str, route: &str) -> MockBuilder {
    Mock::given(method(verb)).and(path(route))
}

/// An issuer call: `POST route` without a query or an `authorization` header, carrying
/// exactly `body` as JSON.
pub fn unauthenticated_json_post(route: &str, body: Value) -> MockBuilder {
    on("POST", route)
        .and(NoQuery)
        .and(header("content-type", "application/json"))
        .and(NoHeader("authorization"))
        .and(body_json(body))
}

/// Mounts `mock` answering with `responder`, expected to match exactly `times` requests
/// (verified when the server drops, or by `server.verify()`).
pub async fn mount(
    server: &MockServer,
    mock: MockBuilder,
    responder: impl Respond + 'static,
    times: u64,
) {
    mock.respond_with(responder)
        .expect(times)
        .mount(server)
        .await;
}

/// Mounts `mock` answering only the first matching request, expected exactly once.
pub async fn mount_once(server: &MockServer, mock: MockBuilder, responder: impl Respond + 'static) {
    mock.respond_with(responder)
        .up_to_n_times(1)
        .expect(1)
        .mount(server)
        .await;
}

/// Mounts `mock` answering with `responder`, however often it matches.
pub async fn mount_any(server: &MockServer, mock: MockBuilder, responder: impl Respond + 'static) {
    mock.respond_with(responder).mount(server).await;
}

/// `status` with `body` as JSON.
pub fn json_reply(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// A responder answering its n-th request (counting from 1) with `answer(n)`, and the
/// number of requests it has answered.
pub fn numbered(
    answer: impl Fn(usize) -> ResponseTemplate + Send + Sync + 'static,
) -> (impl Respond, Arc<AtomicUsize>) {
    let answered = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&answered);
    let responder = move |_: &Request| answer(counter.fetch_add(1, Ordering::SeqCst) + 1);
    (responder, answered)
}

/// Every request `server` received, in arrival order.
pub async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

/// Requests received on `path_`, in arrival order.
pub async fn requests_to(server: &MockServer, path_: &str) -> Vec<Request> {
    received(server)
        .await
        .into_iter()
        .filter(|r| r.url.path() == path_)
        .collect()
}

/// How many requests `server` received on `path_`.
pub async fn count(server: &MockServer, path_: &str) -> usize {
    requests_to(server, path_).await.len()
}

/// The value of header `name` on every request to `path_` ("" where it is absent).
pub async fn header_values(server: &MockServer, path_: &str, name: &str) -> Vec<String> {
    requests_to(server, path_)
        .await
        .iter()
        .map(|r| {
            r.headers
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        })
        .collect()
}
