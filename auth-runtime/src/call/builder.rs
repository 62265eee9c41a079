//! [`ClientBuilder`]: configuration of a provider client, checked when it is built.

use std::fmt;
use std::sync::Arc;

use crate::call::client::{Checked, ClientCore, ProviderClient};
use crate::call::interceptor::{Interceptor, Interceptors};
use crate::config::clock::{Clock, SystemClock};
use crate::config::{Config, RetryPolicy, Timeouts};
use crate::error::BuildError;
use crate::spec::provider::Provider;
use crate::spec::request::BaseUrl;
use crate::store::fleet::FleetCache;
use crate::transport::{ReqwestTransport, Sender, Transport};

/// Builds a provider client. `Client::builder()` of each provider returns one.
pub struct ClientBuilder<P: Provider> {
    credentials: P::Credentials,
    settings: Settings,
}

/// Everything a builder holds apart from the credentials: checked by code compiled once,
/// not once per provider.
struct Settings {
    base_url: Option<String>,
    transport: Option<Arc<dyn Transport>>,
    http_client: Option<reqwest::ClientBuilder>,
    config: Config,
    clock: Option<Arc<dyn Clock>>,
    interceptors: Vec<Box<dyn Interceptor>>,
    allow_http_loopback: bool,
    fleet: Option<FleetCache>,
}

impl Settings {
    fn check(self, default_base_url: &str) -> Result<Checked, BuildError> {
        self.config.validate()?;
        let base = BaseUrl::parse(self.base_url.as_deref().unwrap_or(default_base_url))?;
        if !base.is_https() {
            if !base.is_loopback() {
                return Err(BuildError::new(
                    "base_url",
                    "plain http is refused: credentials would travel in clear; use https",
                ));
            }
            if !self.allow_http_loopback {
                return Err(BuildError::new(
                    "base_url",
                    "plain http to a loopback host needs `.allow_http_loopback(true)` (sandbox and tests only)",
                ));
            }
        }
        let transport = match (self.transport, self.http_client) {
            (Some(t), _) => Sender::Custom(t),
            (None, Some(b)) => Sender::Reqwest(ReqwestTransport::from_builder(
                b,
                self.config.timeouts.connect,
            )?),
            (None, None) => Sender::Reqwest(ReqwestTransport::new(self.config.timeouts.connect)?),
        };
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        Ok(Checked {
            base,
            transport,
            config: self.config,
            clock,
            interceptors: Interceptors::new(self.interceptors),
            fleet: self.fleet,
        })
    }
}

impl<P: Provider> fmt::Debug for ClientBuilder<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("provider", &P::NAME)
            .field("base_url", &self.settings.base_url)
            .field("credentials", &self.credentials)
            .field("config", &self.settings.config)
            .field("allow_http_loopback", &self.settings.allow_http_loopback)
            .field("fleet_cache", &self.settings.fleet)
            .finish_non_exhaustive()
    }
}

impl<P: Provider> Default for ClientBuilder<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<P: Provider> ClientBuilder<P> {
    /// A builder with no credentials, the provider's default base URL and default settings.
    pub fn new() -> Self {
        ClientBuilder {
            credentials: P::Credentials::default(),
            settings: Settings {
                base_url: None,
                transport: None,
                http_client: None,
                config: Config::default(),
                clock: None,
                interceptors: Vec::new(),
                allow_http_loopback: false,
                fleet: None,
            },
        }
    }

    /// Sets the credentials.
    pub fn credentials(mut self, credentials: P::Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// Sends calls to this base URL (a region, a sandbox, a mock). It must be https, unless
    /// it is a loopback address and [`allow_http_loopback`](Self::allow_http_loopback) is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.settings.base_url = Some(url.into());
        self
    }

    /// Allows plain `http://` for loopback hosts (127.0.0.0/8, `::1`, `localhost`): for the
    /// sandbox and tests. Other `http://` URLs are always refused.
    pub fn allow_http_loopback(mut self, allow: bool) -> Self {
        self.settings.allow_http_loopback = allow;
        self
    }

    /// Builds the HTTP client from the caller's `reqwest::ClientBuilder` (trusted roots,
    /// proxies, pool settings), with redirects off and no `Referer` whatever it says (see
    /// [`ReqwestTransport::from_builder`]).
    pub fn http_client(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.settings.http_client = Some(builder);
        self
    }

    /// Uses a custom transport.
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.settings.transport = Some(Arc::new(transport));
        self
    }

    /// Sets the timeouts.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.settings.config.timeouts = timeouts;
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.settings.config.retry = retry;
        self
    }

    /// Caps the response body size.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.settings.config.max_body_bytes = bytes;
        self
    }

    /// Uses another clock (tests).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.settings.clock = Some(Arc::new(clock));
        self
    }

    /// Adds a step to the pipeline of every call (see [`Interceptor`]). Interceptors run
    /// in the order they are added.
    pub fn interceptor(mut self, interceptor: impl Interceptor) -> Self {
        self.settings.interceptors.push(Box::new(interceptor));
        self
    }

    /// Shares issued tokens with the other processes of a fleet through `cache` (a Redis
    /// store, say): an in-process miss reads the store, and one process per credential
    /// exchanges while the others wait for its token. See [`FleetCache`].
    pub fn fleet_cache(mut self, cache: FleetCache) -> Self {
        self.settings.fleet = Some(cache);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<P, BuildError>
    where
        P: ProviderClient,
    {
        let checked = self.settings.check(P::DEFAULT_BASE_URL)?;
        let core = ClientCore::from_parts(checked, self.credentials);
        Ok(P::from_core(Arc::new(core)))
    }
}

/// Reads an environment variable as a credential; unset or empty gives `None`.
pub fn env_credential(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}
