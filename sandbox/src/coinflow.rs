//! Coinflow: `GET /auth`, `GET /auth/session-key`, `GET /auth/verify`.
//!
//! Errors use Coinflow's `ApiError` shape `{"name": "...", "message": "..."}`:
//! `ValidationError` with 400, `UnauthorizedError` with 401.
//!
//! Owns its [`State`] (issued messages, session keys) and builds its router
//! with it.

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use axum::Router;
use axum::extract::{OriginalUri, State as AxState};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use crate::clock::{ceil_secs, deadline};
use crate::http_util::{header, json, no_route_message, wrong_method_message};
use crate::state::{Provider, ProviderState};
use crate::token::{fake_jwt, random_hex, sign_message};

const USER_ID: &str = "x-coinflow-auth-user-id";
const AUTHORIZATION: &str = "authorization";
const SIGNED_MESSAGE: &str = "x-coinflow-auth-signed-message";
const WALLET: &str = "x-coinflow-auth-wallet";
const BLOCKCHAIN: &str = "x-coinflow-auth-blockchain";
const MERCHANT_ID: &str = "x-coinflow-auth-merchant-id";
const SESSION_KEY: &str = "x-coinflow-auth-session-key";

/// Accepted values of `x-coinflow-auth-blockchain`.
const BLOCKCHAINS: [&str; 9] = [
    "solana", "eth", "polygon", "base", "arbitrum", "stellar", "monad", "tempo", "user",
];

/// How many issued messages are remembered per wallet (oldest dropped first).
const MESSAGES_PER_WALLET: usize = 32;

const SETS_HELP: &str = "send exactly one header set: \
    A = x-coinflow-auth-user-id + Authorization; \
    B = x-coinflow-auth-signed-message + x-coinflow-auth-wallet + x-coinflow-auth-blockchain + x-coinflow-auth-merchant-id; \
    C = Authorization + x-coinflow-auth-wallet + x-coinflow-auth-blockchain";

/// Issued sign-in messages and session keys.
#[derive(Debug, Default)]
pub(crate) struct State {
    messages: HashMap<String, VecDeque<String>>,
    session_keys: HashMap<String, Instant>,
}

/// What this provider's handlers get: the shared pieces plus [`State`].
pub(crate) type App = ProviderState<State>;

/// Routes relative to `/coinflow/api`.
pub(crate) fn router(app: App) -> Router {
    Router::new()
        .route("/auth", get(get_message))
        .route("/auth/session-key", get(session_key))
        .route("/auth/verify", get(verify))
        .fallback(not_found)
        .method_not_allowed_fallback(wrong_method)
        .with_state(app)
}

/// Coinflow's `ApiError`: `{"name": "...", "message": "..."}` with `status`.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    name: &'static str,
    message: String,
}

impl ApiError {
    fn validation(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            name: "ValidationError",
            message: message.into(),
        }
    }

    fn unauthorized(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            name: "UnauthorizedError",
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json(
            self.status,
            json!({ "name": self.name, "message": self.message }),
        )
    }
}

/// Reads a header that must be non-empty when present.
fn read<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<Option<&'a str>, ApiError> {
    match header(headers, name) {
        Ok(Some(v)) if v.trim().is_empty() => Err(ApiError::validation(format!(
            "header `{name}` must not be empty"
        ))),
        Ok(v) => Ok(v),
        Err(problem) => Err(ApiError::validation(problem.to_string())),
    }
}

async fn get_message(AxState(app): AxState<App>, headers: HeaderMap) -> Result<Response, ApiError> {
    let wallet = read(&headers, WALLET)?
        .ok_or_else(|| ApiError::validation(format!("header `{WALLET}` is required")))?
        .to_owned();
    let message = format!(
        "Sign this message to prove you own wallet {wallet} on Coinflow (sandbox).\nNonce: {}",
        random_hex(32)
    );
    {
        let mut state = app.lock();
        let queue = state.messages.entry(wallet).or_default();
        if queue.len() >= MESSAGES_PER_WALLET {
            queue.pop_front();
        }
        queue.push_back(message.clone());
    }
    Ok(json(StatusCode::OK, json!({ "message": message })))
}

/// The end-user identity a session key is minted for.
enum Subject {
    Customer(String),
    Wallet { wallet: String, blockchain: String },
}

async fn session_key(AxState(app): AxState<App>, headers: HeaderMap) -> Result<Response, ApiError> {
    app.token_endpoint_delay().await;
    let key = mint(&app, &headers)?;
    Ok(json(StatusCode::OK, json!({ "key": key })))
}

fn mint(app: &App, headers: &HeaderMap) -> Result<String, ApiError> {
    let user_id = read(headers, USER_ID)?;
    let auth = read(headers, AUTHORIZATION)?;
    let signed = read(headers, SIGNED_MESSAGE)?;
    let wallet = read(headers, WALLET)?;
    let chain = read(headers, BLOCKCHAIN)?;
    let merchant_id = read(headers, MERCHANT_ID)?;
    let creds = &app.config.credentials.coinflow;

    let subject = match (user_id, auth, signed, wallet, chain, merchant_id) {
        // Set A: user id + merchant key.
        (Some(user), Some(key), None, None, None, None) => {
            check_merchant_key(key, &creds.merchant_key)?;
            Subject::Customer(user.to_owned())
        }
        // Set B: signed message + wallet + blockchain + merchant id.
        (None, None, Some(signature), Some(wallet), Some(chain), Some(merchant)) => {
            check_blockchain(chain)?;
            if merchant != creds.merchant_id {
                return Err(ApiError::unauthorized(format!(
                    "unknown merchant id `{merchant}`"
                )));
            }
            let state = app.lock();
            let mut issued = state.messages.get(wallet).into_iter().flatten();
            if !issued.any(|m| sign_message(wallet, m) == signature) {
                return Err(ApiError::unauthorized(
                    "signed message does not match any message issued by GET /auth for this wallet",
                ));
            }
            Subject::Wallet {
                wallet: wallet.to_owned(),
                blockchain: chain.to_owned(),
            }
        }
        // Set C: merchant key + wallet + blockchain.
        (None, Some(key), None, Some(wallet), Some(chain), None) => {
            check_blockchain(chain)?;
            check_merchant_key(key, &creds.merchant_key)?;
            Subject::Wallet {
                wallet: wallet.to_owned(),
                blockchain: chain.to_owned(),
            }
        }
        (None, None, None, None, None, None) => {
            return Err(ApiError::unauthorized(format!(
                "no credentials; {SETS_HELP}"
            )));
        }
        (u, a, s, w, c, m) => {
            let sent: Vec<&str> = [
                (u, USER_ID),
                (a, "Authorization"),
                (s, SIGNED_MESSAGE),
                (w, WALLET),
                (c, BLOCKCHAIN),
                (m, MERCHANT_ID),
            ]
            .into_iter()
            .filter_map(|(v, name)| v.map(|_| name))
            .collect();
            return Err(ApiError::validation(format!(
                "invalid header combination [{}]; {SETS_HELP}",
                sent.join(", ")
            )));
        }
    };

    let ttl = app.config.coinflow_session_ttl;
    let now = app.clock.now();
    let iat = app.clock.unix_secs();
    let exp = iat.saturating_add(ceil_secs(ttl));
    let mut payload = match subject {
        Subject::Customer(id) => json!({ "customerId": id }),
        Subject::Wallet { wallet, blockchain } => {
            json!({ "wallet": wallet, "blockchain": blockchain })
        }
    };
    if let Value::Object(map) = &mut payload {
        map.insert("merchantId".into(), json!(creds.merchant_id));
        map.insert("iat".into(), json!(iat));
        map.insert("exp".into(), json!(exp));
        map.insert("jti".into(), json!(random_hex(16)));
    }
    let key = fake_jwt(&payload);
    {
        let mut state = app.lock();
        state.session_keys.retain(|_, expires_at| *expires_at > now);
        state.session_keys.insert(key.clone(), deadline(now, ttl));
    }
    app.counters.token_issued(Provider::Coinflow);
    Ok(key)
}

fn check_merchant_key(sent: &str, expected: &str) -> Result<(), ApiError> {
    if sent == expected {
        return Ok(());
    }
    let hint = if sent.to_ascii_lowercase().starts_with("bearer ") {
        " (send the merchant key raw, without a `Bearer ` prefix)"
    } else {
        ""
    };
    Err(ApiError::unauthorized(format!(
        "invalid merchant API key{hint}"
    )))
}

fn check_blockchain(chain: &str) -> Result<(), ApiError> {
    if BLOCKCHAINS.contains(&chain) {
        Ok(())
    } else {
        Err(ApiError::validation(format!(
            "`{BLOCKCHAIN}` must be one of {}; got `{chain}`",
            BLOCKCHAINS.join(", ")
        )))
    }
}

async fn verify(AxState(app): AxState<App>, headers: HeaderMap) -> Result<Response, ApiError> {
    let key = read(&headers, SESSION_KEY)?
        .ok_or_else(|| ApiError::validation(format!("header `{SESSION_KEY}` is required")))?;
    let now = app.clock.now();
    let state = app.lock();
    match state.session_keys.get(key) {
        Some(expires_at) if *expires_at > now => Ok(StatusCode::OK.into_response()),
        Some(_) => Err(ApiError::unauthorized("session key expired")),
        None => Err(ApiError::unauthorized("invalid session key")),
    }
}

async fn not_found(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError {
        status: StatusCode::NOT_FOUND,
        name: "NotFoundError",
        message: no_route_message(&method, uri.path()),
    }
}

async fn wrong_method(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        name: "MethodNotAllowedError",
        message: wrong_method_message(&method, uri.path()),
    }
}
