//! Sandbox configuration: lifetimes, limits and seeded (fake) credentials.

use std::time::Duration;

/// Configuration of one sandbox instance.
///
/// All fields are public and [`Default`] gives the documented provider values;
/// the `with_*` methods are shorthands for tests:
///
/// ```
/// use std::time::Duration;
/// let config = auth_sandbox::SandboxConfig::default()
///     .with_loccus_session_ttl(Duration::from_millis(150))
///     .with_coolset_rate_limit(3, Duration::from_secs(3600));
/// assert_eq!(config.coolset_rate_limit.max_requests, 3);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SandboxConfig {
    /// Credentials the sandbox accepts (and prints).
    pub credentials: SeededCredentials,
    /// Lifetime of CoopFin access tokens (default 86 400 s). `expires_in` is
    /// this rounded up to whole seconds; the server enforces it exactly.
    pub coopfin_token_ttl: Duration,
    /// Lifetime of Coinflow session keys (default 30 min). The JWT `exp` is
    /// `iat` + this rounded up to whole seconds; the server enforces it exactly.
    pub coinflow_session_ttl: Duration,
    /// Lifetime of Akool `getToken` tokens; `None` (the default) = never expire.
    pub akool_token_ttl: Option<Duration>,
    /// Lifetime of Loccus session tokens (default 1 h), enforced exactly.
    pub loccus_session_ttl: Duration,
    /// Per-token Coolset request budget (default 1000 per hour).
    pub coolset_rate_limit: RateLimit,
    /// Credit balance reported by Akool's `quota/info` (default 1234.5).
    pub akool_credit: f64,
    /// Artificial latency added to every token-issuing call (CoopFin
    /// `POST /sandbox/token`, Coinflow `GET /auth/session-key`, Akool
    /// `getToken`, Loccus `POST /auth/credentials`), whatever its outcome.
    /// Default zero. Useful to make concurrent callers overlap when testing
    /// single-flight token refresh.
    pub token_endpoint_delay: Duration,
    /// Lifetime of the OAuth2 server's access tokens (default 1 h; `expires_in` rounded up).
    pub oauth2_token_ttl: Duration,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            credentials: SeededCredentials::default(),
            coopfin_token_ttl: Duration::from_secs(86_400),
            coinflow_session_ttl: Duration::from_secs(30 * 60),
            akool_token_ttl: None,
            loccus_session_ttl: Duration::from_secs(3600),
            coolset_rate_limit: RateLimit::default(),
            akool_credit: 1234.5,
            token_endpoint_delay: Duration::ZERO,
            oauth2_token_ttl: Duration::from_secs(3600),
        }
    }
}

impl SandboxConfig {
    /// Sets [`SandboxConfig::coopfin_token_ttl`].
    #[must_use]
    pub fn with_coopfin_token_ttl(mut self, ttl: Duration) -> Self {
        self.coopfin_token_ttl = ttl;
        self
    }

    /// Sets [`SandboxConfig::coinflow_session_ttl`].
    #[must_use]
    pub fn with_coinflow_session_ttl(mut self, ttl: Duration) -> Self {
        self.coinflow_session_ttl = ttl;
        self
    }

    /// Sets [`SandboxConfig::akool_token_ttl`].
    #[must_use]
    pub fn with_akool_token_ttl(mut self, ttl: Option<Duration>) -> Self {
        self.akool_token_ttl = ttl;
        self
    }

    /// Sets [`SandboxConfig::loccus_session_ttl`].
    #[must_use]
    pub fn with_loccus_session_ttl(mut self, ttl: Duration) -> Self {
        self.loccus_session_ttl = ttl;
        self
    }

    /// Sets [`SandboxConfig::coolset_rate_limit`].
    #[must_use]
    pub fn with_coolset_rate_limit(mut self, max_requests: u32, window: Duration) -> Self {
        self.coolset_rate_limit = RateLimit {
            max_requests,
            window,
        };
        self
    }

    /// Sets [`SandboxConfig::token_endpoint_delay`].
    #[must_use]
    pub fn with_token_endpoint_delay(mut self, delay: Duration) -> Self {
        self.token_endpoint_delay = delay;
        self
    }

    /// Replaces the seeded credentials.
    #[must_use]
    pub fn with_credentials(mut self, credentials: SeededCredentials) -> Self {
        self.credentials = credentials;
        self
    }
}

/// A fixed-window request budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub max_requests: u32,
    /// Window length; the window starts at the first request.
    pub window: Duration,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            max_requests: 1000,
            window: Duration::from_secs(3600),
        }
    }
}

/// Every credential the sandbox accepts. All values are fake sandbox data.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SeededCredentials {
    /// CoopFin key pair.
    pub coopfin: CoopfinCredentials,
    /// Coinflow merchant and end-user identities.
    pub coinflow: CoinflowCredentials,
    /// Coolset API tokens.
    pub coolset: CoolsetCredentials,
    /// Akool API keys and legacy client pairs.
    pub akool: AkoolCredentials,
    /// Loccus users.
    pub loccus: LoccusCredentials,
    /// The OAuth2 server's registered client.
    pub oauth2: Oauth2Credentials,
}

/// The one client registered with the OAuth2 server (RFC 6749 §2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Oauth2Credentials {
    /// `client_id`.
    pub client_id: String,
    /// `client_secret`.
    pub client_secret: String,
    /// The scopes it may request (all of them when it requests none).
    pub scopes: Vec<String>,
}

impl Default for Oauth2Credentials {
    fn default() -> Self {
        Self {
            client_id: "sandbox-client".into(),
            client_secret: "cs_test_sandbox_oauth2_0001".into(),
            scopes: vec!["read".into(), "write".into()],
        }
    }
}

/// CoopFin key pair for `POST /sandbox/token`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoopfinCredentials {
    /// `api_key` (`pk_test_…`).
    pub api_key: String,
    /// `secret_key` (`sk_test_…`).
    pub secret_key: String,
}

impl Default for CoopfinCredentials {
    fn default() -> Self {
        Self {
            api_key: "pk_test_sandbox_coopfin_0001".into(),
            secret_key: "sk_test_sandbox_coopfin_0001".into(),
        }
    }
}

/// Coinflow merchant credentials and a sample end user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoinflowCredentials {
    /// Merchant API key, sent raw in `Authorization` (no `Bearer`).
    pub merchant_key: String,
    /// Merchant id for `x-coinflow-auth-merchant-id`.
    pub merchant_id: String,
    /// A sample `x-coinflow-auth-user-id` (any non-empty id is accepted).
    pub user_id: String,
    /// A sample wallet address (any non-empty wallet is accepted).
    pub wallet: String,
    /// The blockchain of [`CoinflowCredentials::wallet`].
    pub blockchain: String,
}

impl Default for CoinflowCredentials {
    fn default() -> Self {
        Self {
            merchant_key: "sk_test_sandbox_coinflow_merchant_0001".into(),
            merchant_id: "sandbox-merchant".into(),
            user_id: "sandboxuser0001".into(),
            wallet: "SandboxWa11et1111111111111111111111111111111".into(),
            blockchain: "solana".into(),
        }
    }
}

/// Coolset API tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoolsetCredentials {
    /// A token with read access.
    pub token: String,
    /// A valid token without read permission (every call gives 403).
    pub forbidden_token: String,
}

impl Default for CoolsetCredentials {
    fn default() -> Self {
        Self {
            token: "sk_test_sandbox_coolset_0001".into(),
            forbidden_token: "sk_test_sandbox_coolset_readless".into(),
        }
    }
}

/// Akool credentials. The API key equals the legacy `clientSecret`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AkoolCredentials {
    /// API key for `x-api-key` (same value as `client_secret`).
    pub api_key: String,
    /// Legacy `clientId`.
    pub client_id: String,
    /// Legacy `clientSecret` (same value as `api_key`).
    pub client_secret: String,
    /// `clientId` of a banned account (its secret is `banned_api_key`);
    /// `getToken` still mints tokens for it, but using them gives code 1200.
    pub banned_client_id: String,
    /// API key of a banned account: `quota/info` gives code 1200.
    pub banned_api_key: String,
}

impl Default for AkoolCredentials {
    fn default() -> Self {
        let secret = String::from("sk_test_sandbox_akool_0001");
        Self {
            api_key: secret.clone(),
            client_id: "5ad0b0c0ffee000000000001".into(),
            client_secret: secret,
            banned_client_id: "5ad0b0c0ffee0000000000ba".into(),
            banned_api_key: "sk_test_sandbox_akool_banned".into(),
        }
    }
}

/// Loccus users (handle + password sign-in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoccusCredentials {
    /// Handle of the main user.
    pub handle: String,
    /// Password of the main user.
    pub password: String,
    /// E-mail of the main user.
    pub email: String,
    /// Handle of a second, independent user (owns no keys initially).
    pub second_handle: String,
    /// Password of the second user.
    pub second_password: String,
    /// E-mail of the second user.
    pub second_email: String,
}

impl Default for LoccusCredentials {
    fn default() -> Self {
        Self {
            handle: "sandbox-user".into(),
            password: "sandbox-password-1".into(),
            email: "sandbox-user@example.invalid".into(),
            second_handle: "sandbox-other".into(),
            second_password: "sandbox-password-2".into(),
            second_email: "sandbox-other@example.invalid".into(),
        }
    }
}
