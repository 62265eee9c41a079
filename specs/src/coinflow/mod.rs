//! Coinflow: merchant key, end-user identity headers, and per-user session keys.
//!
//! Calls: [`get_message`] (the text a wallet signs), [`get_session_key`] (a session key for
//! one of three documented header sets, modelled as [`get_session_key::Identity`] so a wrong
//! mix cannot be built) and [`verify_token`] (is a session key live).
//!
//! Schemes for endpoints declared by users: `merchant` (the merchant key, raw in
//! `Authorization`) and `session` (a session key in `x-coinflow-auth-session-key`, minted
//! by `get_session_key` for the client's configured `identity` and cached).
//!
//! Assumptions:
//! - The merchant key goes raw in `Authorization`, never with `Bearer ` (every example).
//! - Session-key lifetime is contradictory (guides: 30 min; sample JWTs: 24 h): the client
//!   reads the key's JWT `exp` and refreshes after at most 30 minutes, or on a 401.
//! - Errors of the three calls are undocumented; bodies are decoded leniently as the
//!   general `{name, message}` shape and the raw body is always kept.
//! - The production base URL (`https://api.coinflow.cash/api`) comes from the vendor SDK;
//!   the sandbox is [`Client::BASE_URL_SANDBOX`].

use auth_macros::{model, provider, string_enum};
use auth_runtime::{InvalidInput, Secret, SecretUrl};

pub mod get_message;
pub mod get_session_key;
pub mod verify_token;

/// Client for the Coinflow API.
#[provider(
    name = "Coinflow",
    base_url = "https://api.coinflow.cash/api",
    base_urls(sandbox = "https://api-sandbox.coinflow.cash/api"),
    error = ErrorBody,
    env_prefix = "COINFLOW",
    scheme(merchant = authorization(merchant_key)),
    scheme(session = header("x-coinflow-auth-session-key", issued(get_session_key))),
)]
pub struct Client {
    /// Merchant API key (server side only), sent raw in `Authorization`.
    #[credential(env = "COINFLOW_MERCHANT_KEY")]
    merchant_key: Secret,
    /// The end user the `session` scheme mints session keys for.
    #[credential(public)]
    identity: get_session_key::Identity,
}

/// Base URL of Coinflow's hosted pages (production).
pub const UI_BASE_URL: &str = "https://coinflow.cash";
/// Base URL of Coinflow's hosted pages (sandbox).
pub const UI_BASE_URL_SANDBOX: &str = "https://sandbox.coinflow.cash";

/// A link to one of Coinflow's hosted pages (e.g. `/solana/withdraw/<merchant id>`) that
/// carries the session key as `?sessionKey=`, for the end user's browser.
///
/// The SDK never puts a secret in a URL it requests; this link is the one place a session
/// key goes into a query, so it comes back as a [`SecretUrl`]: its `Debug` and `Display`
/// hide the key, and [`SecretUrl::expose_secret`] gives the full link to hand to the browser.
///
/// ```
/// use auth_runtime::Secret;
/// let link = auth_specs::coinflow::hosted_ui_url(
///     auth_specs::coinflow::UI_BASE_URL_SANDBOX,
///     "/solana/withdraw/merchant-1",
///     &Secret::new("sk_test_session"),
/// )?;
/// assert!(!format!("{link} {link:?}").contains("sk_test_session"));
/// assert!(link.expose_secret().ends_with("?sessionKey=sk_test_session"));
/// # Ok::<(), auth_runtime::InvalidInput>(())
/// ```
pub fn hosted_ui_url(
    ui_base: &str,
    path: &str,
    session_key: &Secret,
) -> Result<SecretUrl, InvalidInput> {
    let base = format!(
        "{}/{}",
        ui_base.trim_end_matches('/'),
        path.trim_start_matches('/')
    );
    SecretUrl::with_query(&base, &[("sessionKey", session_key)])
}

/// The chain of a wallet (`x-coinflow-auth-blockchain`). Values the SDK does not know are
/// kept in `Other`.
#[string_enum(rename_all = "lowercase")]
pub enum Blockchain {
    /// Solana (also for Coinflow's in-app wallet).
    Solana,
    /// Ethereum.
    Eth,
    /// Polygon.
    Polygon,
    /// Base.
    Base,
    /// Arbitrum.
    Arbitrum,
    /// Stellar.
    Stellar,
    /// Monad.
    Monad,
    /// Tempo.
    Tempo,
    /// Pseudo-chain for users without a wallet (purpose undocumented).
    User,
}

/// Coinflow's error body, where one is declared: `{name, message, stack?}`.
#[model]
pub struct ErrorBody {
    /// Error class name.
    pub name: String,
    /// Human-readable message.
    pub message: String,
    /// Server stack trace, when the server includes one.
    pub stack: Option<String>,
}
