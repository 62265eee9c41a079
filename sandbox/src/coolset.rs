//! Coolset: bearer API tokens, `GET /accounts/user-config/`,
//! `GET /accounts/workspaces/`, DRF-style errors and per-token rate limits.
//!
//! Errors are `{"detail": "..."}` (400/401/403/404/429) or a bare field map
//! `{"<field>": ["..."]}` (422). Every response under the prefix carries
//! `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`.
//!
//! Owns its [`State`] (rate-limit windows) and builds its router with it;
//! [`workspaces`] is the stateless workspace catalogue.

mod workspaces;

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::extract::{OriginalUri, RawQuery, State as AxState};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use crate::clock::{ceil_secs, deadline, unix_secs_ceil};
use crate::http_util::{HeaderProblem, bearer_token, header, json, no_route_message, query_pairs};
use crate::state::ProviderState;

const NOT_PROVIDED: &str = "Authentication credentials were not provided.";
const INVALID_TOKEN: &str = "Invalid token.";
const FORBIDDEN: &str = "You do not have permission to perform this action.";

/// Rate-limit windows, keyed by the presented token ("" when none).
#[derive(Debug, Default)]
pub(crate) struct State {
    windows: HashMap<String, Window>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    started_wall: SystemTime,
    used: u32,
}

/// What the `X-RateLimit-*` headers report.
#[derive(Debug, Clone, Copy)]
struct RateInfo {
    limit: u32,
    remaining: u32,
    reset_unix: u64,
    /// Time until the window ends.
    wait: Duration,
}

/// What this provider's handlers get: the shared pieces plus [`State`].
pub(crate) type App = ProviderState<State>;

/// Routes relative to `/coolset/api`.
pub(crate) fn router(app: App) -> Router {
    Router::new()
        .route("/accounts/user-config/", get(user_config))
        .route("/accounts/workspaces/", get(list_workspaces))
        .fallback(not_found)
        .method_not_allowed_fallback(wrong_method)
        .with_state(app)
}

/// An error response of the Coolset shape, carrying the rate-limit headers.
#[derive(Debug)]
struct Reject {
    status: StatusCode,
    body: Value,
    rate: RateInfo,
}

impl Reject {
    fn detail(status: StatusCode, text: impl Into<String>, rate: RateInfo) -> Self {
        Self {
            status,
            body: json!({ "detail": text.into() }),
            rate,
        }
    }
}

impl IntoResponse for Reject {
    fn into_response(self) -> Response {
        with_rate(json(self.status, self.body), self.rate)
    }
}

fn with_rate(mut response: Response, info: RateInfo) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        ("x-ratelimit-limit", u64::from(info.limit)),
        ("x-ratelimit-remaining", u64::from(info.remaining)),
        ("x-ratelimit-reset", info.reset_unix),
    ] {
        headers.insert(name, HeaderValue::from(value));
    }
    response
}

/// Bucket key of a request: the raw bearer token, or "" when there is none.
fn bucket_key(headers: &HeaderMap) -> String {
    header(headers, "authorization")
        .ok()
        .flatten()
        .and_then(bearer_token)
        .unwrap_or_default()
        .to_owned()
}

/// Reads (and with `consume`, spends one request of) a token's window.
/// Returns the header values and whether the request is within budget.
fn rate_window(app: &App, key: &str, consume: bool) -> (RateInfo, bool) {
    let limit = app.config.coolset_rate_limit;
    let now = app.clock.now();
    let mut state = app.lock();
    let fresh = Window {
        started: now,
        started_wall: app.clock.wall(),
        used: 0,
    };
    let current = state
        .windows
        .get(key)
        .copied()
        .filter(|w| now.duration_since(w.started) < limit.window)
        .unwrap_or(fresh);
    let allowed = current.used < limit.max_requests;
    let window = Window {
        used: current.used + u32::from(consume && allowed),
        ..current
    };
    if consume {
        state.windows.insert(key.to_owned(), window);
    }
    let end_wall = window
        .started_wall
        .checked_add(limit.window)
        .unwrap_or(window.started_wall);
    let info = RateInfo {
        limit: limit.max_requests,
        remaining: limit.max_requests.saturating_sub(window.used),
        reset_unix: unix_secs_ceil(end_wall),
        wait: deadline(window.started, limit.window).saturating_duration_since(now),
    };
    (info, allowed)
}

/// Authenticates, authorizes and throttles a request, like DRF does before a
/// view runs. On success returns the header values for the final response.
fn guard(app: &App, headers: &HeaderMap) -> Result<RateInfo, Reject> {
    let key = bucket_key(headers);
    let reject = |status: StatusCode, text: &str| {
        let (rate, _) = rate_window(app, &key, false);
        Reject::detail(status, text, rate)
    };
    let token = match header(headers, "authorization") {
        Ok(None) => return Err(reject(StatusCode::UNAUTHORIZED, NOT_PROVIDED)),
        Err(HeaderProblem::NotText(_)) => {
            return Err(reject(
                StatusCode::UNAUTHORIZED,
                "Invalid token header. Token string should not contain invalid characters.",
            ));
        }
        Err(HeaderProblem::Repeated(_)) => {
            return Err(reject(StatusCode::UNAUTHORIZED, "Invalid token header."));
        }
        Ok(Some(value)) => match bearer_token(value) {
            Some(token) => token,
            None if value.trim().eq_ignore_ascii_case("bearer") => {
                return Err(reject(
                    StatusCode::UNAUTHORIZED,
                    "Invalid token header. No credentials provided.",
                ));
            }
            None => return Err(reject(StatusCode::UNAUTHORIZED, NOT_PROVIDED)),
        },
    };
    let creds = &app.config.credentials.coolset;
    if token == creds.forbidden_token {
        return Err(reject(StatusCode::FORBIDDEN, FORBIDDEN));
    }
    if token != creds.token {
        return Err(reject(StatusCode::UNAUTHORIZED, INVALID_TOKEN));
    }
    let (rate, allowed) = rate_window(app, &key, true);
    if !allowed {
        let wait = ceil_secs(rate.wait).max(1);
        let unit = if wait == 1 { "second" } else { "seconds" };
        let text = format!("Request was throttled. Expected available in {wait} {unit}.");
        return Err(Reject::detail(StatusCode::TOO_MANY_REQUESTS, text, rate));
    }
    Ok(rate)
}

async fn user_config(AxState(app): AxState<App>, headers: HeaderMap) -> Result<Response, Reject> {
    let rate = guard(&app, &headers)?;
    let home = workspaces::seed().into_iter().next();
    let body = json!({
        "id": 4242,
        "email": "sandbox.user@example.invalid",
        "first_name": "Sandy",
        "last_name": "Box",
        "language": "en",
        "workspace_id": home.as_ref().map(|w| w.id),
        "workspace_name": home.as_ref().map(|w| w.name),
        "permissions": ["read", "write"],
        "is_mfa_enabled": false,
        "feature_flags": { "api_access": true, "pcf_module": true, "eudr_module": false },
    });
    Ok(with_rate(json(StatusCode::OK, body), rate))
}

async fn list_workspaces(
    AxState(app): AxState<App>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, Reject> {
    let rate = guard(&app, &headers)?;
    let pairs = query_pairs(query.as_deref());
    let page_url = format!("{}/coolset/api/accounts/workspaces/", app.origin);
    match workspaces::list(&pairs, &page_url) {
        Ok(body) => Ok(with_rate(json(StatusCode::OK, body), rate)),
        Err(workspaces::ListError::BadRequest(text)) => {
            Err(Reject::detail(StatusCode::BAD_REQUEST, text, rate))
        }
        Err(workspaces::ListError::Invalid(field, text)) => Err(Reject {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: json!({ field: [text] }),
            rate,
        }),
    }
}

/// Header values for responses that neither spend nor need a token.
fn peek(app: &App, headers: &HeaderMap) -> RateInfo {
    rate_window(app, &bucket_key(headers), false).0
}

async fn not_found(
    AxState(app): AxState<App>,
    headers: HeaderMap,
    method: Method,
    OriginalUri(uri): OriginalUri,
) -> Reject {
    Reject {
        status: StatusCode::NOT_FOUND,
        body: json!({
            "detail": "Not found.",
            "sandbox": no_route_message(&method, uri.path()),
        }),
        rate: peek(&app, &headers),
    }
}

async fn wrong_method(AxState(app): AxState<App>, headers: HeaderMap, method: Method) -> Reject {
    Reject::detail(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("Method \"{method}\" not allowed."),
        peek(&app, &headers),
    )
}
