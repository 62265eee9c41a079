//! The client core every generated provider client wraps: configuration, credentials, token
//! caches, and the call loop (auth, send, replay after an auth failure, retries).

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::HeaderMap;
use http::header::{AUTHORIZATION, HeaderName};
use tracing::Instrument as _;

use crate::cache::{CachedToken, TokenCache};
use crate::clock::{Clock, SystemClock};
use crate::config::{Config, RetryPolicy, Timeouts};
use crate::endpoint::{BaseUrl, Endpoint, parse_parts};
use crate::error::{
    BuildError, Error, InvalidInput, MissingCredential, RateLimited, Timeout, TimeoutKind,
    TokenExchangeError, TransportErrorKind,
};
use crate::params::header_value;
use crate::provider::{Placement, Provider, SchemeId, SchemeKind};
use crate::retry::{backoff, requested_wait};
use crate::transport::{ReqwestTransport, Transport};

/// Configured state of one provider client. Generated clients hold it in an `Arc`, so
/// cloning a client is cheap and clones share the token cache.
pub struct ClientCore<P: Provider> {
    base: BaseUrl,
    transport: Arc<dyn Transport>,
    credentials: P::Credentials,
    caches: Box<[TokenCache]>,
    config: Config,
    clock: Arc<dyn Clock>,
}

impl<P: Provider> fmt::Debug for ClientCore<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("provider", &P::NAME)
            .field("base_url", &self.base.as_str())
            .field("credentials", &self.credentials)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// A token attached to a request, remembered so it can be dropped if the provider rejects it.
type UsedToken = (usize, Arc<CachedToken>);

enum AuthFailure {
    Missing(MissingCredential),
    Exchange(TokenExchangeError),
    Timeout(Timeout),
    Input(InvalidInput),
}

impl<B> From<AuthFailure> for Error<B> {
    fn from(f: AuthFailure) -> Self {
        match f {
            AuthFailure::Missing(e) => Error::MissingCredential(e),
            AuthFailure::Exchange(e) => Error::TokenExchange(e),
            AuthFailure::Timeout(e) => Error::Timeout(e),
            AuthFailure::Input(e) => Error::InvalidInput(e),
        }
    }
}

impl<P: Provider> ClientCore<P> {
    /// The client's credentials.
    pub fn credentials(&self) -> &P::Credentials {
        &self.credentials
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base
    }

    /// Timeouts, retries and the body cap.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Drops every cached token (the next authenticated call fetches new ones).
    pub fn clear_tokens(&self) {
        for c in self.caches.iter() {
            c.clear();
        }
    }

    /// Sends `request`: builds it, authenticates it, sends it with retries, decodes the answer.
    pub async fn send<E: Endpoint<Provider = P>>(
        &self,
        request: &E,
    ) -> Result<E::Response, Error<E::ErrorBody>> {
        let meta = E::METADATA;
        let span = tracing::debug_span!(
            "auth_sdk.call",
            provider = P::NAME,
            endpoint = meta.name,
            method = %meta.method,
            path = meta.path,
        );
        let call = self.execute(request);
        async move {
            let result = match self.config.timeouts.total {
                Some(limit) => match tokio::time::timeout(limit, call).await {
                    Ok(r) => r,
                    Err(_) => Err(Error::Timeout(Timeout::new(
                        TimeoutKind::Total,
                        limit,
                        true,
                    ))),
                },
                None => call.await,
            };
            match &result {
                Ok(_) => tracing::debug!("call succeeded"),
                Err(e) => tracing::debug!(error = %ErrorSummary(e), "call failed"),
            }
            result
        }
        .instrument(span)
        .await
    }

    /// The call loop, without the total timeout (the token exchange runs under its own).
    pub(crate) async fn execute<E: Endpoint<Provider = P>>(
        &self,
        request: &E,
    ) -> Result<E::Response, Error<E::ErrorBody>> {
        let meta = E::METADATA;
        let prepared = request.to_http_request(&self.base)?;
        let scheme = request.auth();
        let policy: RetryPolicy = self.config.retry;
        let mut attempt: u32 = 0;
        let mut replayed = false;
        loop {
            attempt += 1;
            let mut req = clone_request(&prepared);
            let used = self.authorize(scheme, req.headers_mut()).await?;
            tracing::trace!(attempt, "sending attempt");
            let err = match self.attempt(req).await {
                Ok(resp) => {
                    let (parts, body) = resp.into_parts();
                    match parse_parts::<E>(parts.status, &parts.headers, &body) {
                        Ok(r) => return Ok(r),
                        Err(Error::Provider(pe))
                            if pe.auth_failure && !replayed && used.is_some() =>
                        {
                            if let Some((slot, token)) = &used {
                                self.caches[*slot].invalidate(token);
                            }
                            replayed = true;
                            attempt -= 1;
                            tracing::debug!(status = %pe.status, "credentials rejected; fetching a new token and replaying once");
                            continue;
                        }
                        Err(e) => e,
                    }
                }
                Err(e) => e.map_body(|never| match never {}),
            };
            let retryable = err.is_transient() && (meta.idempotent || !reached_server(&err));
            if !retryable || attempt >= policy.max_attempts {
                return Err(err);
            }
            let delay = match &err {
                Error::Provider(pe) => {
                    match requested_wait(pe.status, &pe.headers, self.clock.system_now()) {
                        Some(wait) if wait > policy.max_retry_after => {
                            let rl = pe.rate_limit();
                            return Err(Error::RateLimited(RateLimited {
                                provider: P::NAME,
                                status: pe.status,
                                retry_after: Some(wait),
                                reset_at: rl.reset_at,
                            }));
                        }
                        Some(wait) => wait,
                        None => backoff(&policy, attempt, fastrand::f64()),
                    }
                }
                _ => backoff(&policy, attempt, fastrand::f64()),
            };
            tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, error = %ErrorSummary(&err), "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    async fn attempt(
        &self,
        req: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, Error<std::convert::Infallible>> {
        let send = self.transport.send(req, self.config.max_body_bytes);
        let res = match self.config.timeouts.attempt {
            Some(limit) => match tokio::time::timeout(limit, send).await {
                Ok(r) => r,
                Err(_) => {
                    return Err(Error::Timeout(Timeout::new(
                        TimeoutKind::Attempt,
                        limit,
                        true,
                    )));
                }
            },
            None => send.await,
        };
        res.map_err(|e| match e.kind {
            TransportErrorKind::ConnectTimeout => Error::Timeout(Timeout::new(
                TimeoutKind::Connect,
                self.config.timeouts.connect.unwrap_or_default(),
                false,
            )),
            _ => Error::Transport(e),
        })
    }

    /// Applies `scheme` to `headers`; returns the cached token used, if any.
    async fn authorize(
        &self,
        scheme: Option<SchemeId>,
        headers: &mut HeaderMap,
    ) -> Result<Option<UsedToken>, AuthFailure> {
        let Some(id) = scheme else { return Ok(None) };
        let scheme = self.resolve(id)?;
        match &scheme.kind {
            SchemeKind::Credential {
                placement,
                credential,
                get,
            } => {
                let secret =
                    get(&self.credentials).ok_or(AuthFailure::Missing(MissingCredential {
                        provider: P::NAME,
                        scheme: scheme.name,
                        credential,
                    }))?;
                place(headers, *placement, secret.expose_secret(), credential)
                    .map_err(AuthFailure::Input)?;
                Ok(None)
            }
            SchemeKind::Issued {
                placement,
                slot,
                issuer,
                needs,
                ready,
                issue,
            } => {
                if !ready(&self.credentials) {
                    return Err(AuthFailure::Missing(MissingCredential {
                        provider: P::NAME,
                        scheme: scheme.name,
                        credential: needs,
                    }));
                }
                let cache = &self.caches[*slot];
                let clock = &*self.clock;
                let token = match cache.fresh(clock) {
                    Some(t) => t,
                    None => {
                        tracing::debug!(issuer, "obtaining a token");
                        let get = cache.get(clock, || issue(self));
                        match self.config.timeouts.token_exchange {
                            Some(limit) => {
                                tokio::time::timeout(limit, get).await.map_err(|_| {
                                    AuthFailure::Timeout(Timeout::new(
                                        TimeoutKind::TokenExchange,
                                        limit,
                                        false,
                                    ))
                                })?
                            }
                            None => get.await,
                        }
                        .map_err(AuthFailure::Exchange)?
                    }
                };
                place(headers, *placement, token.token.expose_secret(), issuer)
                    .map_err(AuthFailure::Input)?;
                Ok(Some((*slot, token)))
            }
            SchemeKind::Any(_) => unreachable_any(),
        }
    }

    /// Resolves `Any` schemes to the first alternative whose credentials are configured.
    fn resolve(&self, id: SchemeId) -> Result<&'static crate::provider::Scheme<P>, AuthFailure> {
        let scheme = scheme_at::<P>(id)?;
        let SchemeKind::Any(alternatives) = &scheme.kind else {
            return Ok(scheme);
        };
        for alt in alternatives.iter() {
            let s = scheme_at::<P>(*alt)?;
            let ready = match &s.kind {
                SchemeKind::Credential { get, .. } => get(&self.credentials).is_some(),
                SchemeKind::Issued { ready, .. } => ready(&self.credentials),
                SchemeKind::Any(_) => false,
            };
            if ready {
                return Ok(s);
            }
        }
        Err(AuthFailure::Missing(MissingCredential {
            provider: P::NAME,
            scheme: scheme.name,
            credential: "any of its alternatives' credentials",
        }))
    }
}

fn scheme_at<P: Provider>(
    id: SchemeId,
) -> Result<&'static crate::provider::Scheme<P>, AuthFailure> {
    P::SCHEMES
        .get(usize::from(id.0))
        .ok_or(AuthFailure::Input(InvalidInput::new(
            "auth",
            "unknown auth scheme index",
        )))
}

#[cold]
fn unreachable_any() -> Result<Option<UsedToken>, AuthFailure> {
    Err(AuthFailure::Input(InvalidInput::new(
        "auth",
        "nested `any` schemes are not supported",
    )))
}

fn place(
    headers: &mut HeaderMap,
    placement: Placement,
    value: &str,
    field: &'static str,
) -> Result<(), InvalidInput> {
    match placement {
        Placement::Bearer => {
            let mut v = String::with_capacity(7 + value.len());
            v.push_str("Bearer ");
            v.push_str(value);
            headers.insert(AUTHORIZATION, header_value(&v, field, true)?);
        }
        Placement::Authorization => {
            headers.insert(AUTHORIZATION, header_value(value, field, true)?);
        }
        Placement::Header(name) => {
            headers.insert(
                HeaderName::from_static(name),
                header_value(value, field, true)?,
            );
        }
    }
    Ok(())
}

/// Whether the request may have reached the provider (so a non-idempotent call must not be retried).
fn reached_server<B>(err: &Error<B>) -> bool {
    match err {
        Error::Transport(t) => t.sent,
        Error::Timeout(t) => t.sent,
        Error::Provider(_) | Error::Decode(_) | Error::RateLimited(_) => true,
        _ => false,
    }
}

fn clone_request(req: &http::Request<Bytes>) -> http::Request<Bytes> {
    let mut out = http::Request::new(req.body().clone());
    *out.method_mut() = req.method().clone();
    *out.uri_mut() = req.uri().clone();
    *out.headers_mut() = req.headers().clone();
    out
}

/// One-line error text for tracing events: the stage only, never bodies.
struct ErrorSummary<'a, B>(&'a Error<B>);
impl<B> fmt::Display for ErrorSummary<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Error::InvalidInput(e) => write!(f, "invalid input `{}`", e.field),
            Error::MissingCredential(e) => write!(f, "missing credential `{}`", e.credential),
            Error::TokenExchange(e) => write!(f, "token exchange via `{}` failed", e.issuer),
            Error::Timeout(t) => write!(f, "{t}"),
            Error::Transport(t) => write!(f, "transport: {:?}", t.kind),
            Error::Provider(p) => write!(f, "HTTP {}", p.status),
            Error::Decode(d) => write!(f, "undecodable HTTP {} body", d.status),
            Error::RateLimited(r) => write!(f, "rate limited (HTTP {})", r.status),
        }
    }
}

/// Builds a provider client. `Client::builder()` of each provider returns one.
pub struct ClientBuilder<P: Provider> {
    credentials: P::Credentials,
    base_url: Option<String>,
    transport: Option<Arc<dyn Transport>>,
    http_client: Option<reqwest::Client>,
    config: Config,
    clock: Option<Arc<dyn Clock>>,
    allow_http_loopback: bool,
}

impl<P: Provider> fmt::Debug for ClientBuilder<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("provider", &P::NAME)
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("config", &self.config)
            .field("allow_http_loopback", &self.allow_http_loopback)
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
            base_url: None,
            transport: None,
            http_client: None,
            config: Config::default(),
            clock: None,
            allow_http_loopback: false,
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
        self.base_url = Some(url.into());
        self
    }

    /// Allows plain `http://` for loopback hosts (127.0.0.0/8, `::1`, `localhost`): for the
    /// sandbox and tests. Other `http://` URLs are always refused.
    pub fn allow_http_loopback(mut self, allow: bool) -> Self {
        self.allow_http_loopback = allow;
        self
    }

    /// Uses the caller's `reqwest::Client` (see [`ReqwestTransport::from_client`]).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Uses a custom transport.
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Sets the timeouts.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.config.timeouts = timeouts;
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.config.retry = retry;
        self
    }

    /// Caps the response body size.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.config.max_body_bytes = bytes;
        self
    }

    /// Uses another clock (tests).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<P, BuildError> {
        self.config.validate()?;
        let base = BaseUrl::parse(self.base_url.as_deref().unwrap_or(P::DEFAULT_BASE_URL))?;
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
        let transport: Arc<dyn Transport> = match (self.transport, self.http_client) {
            (Some(t), _) => t,
            (None, Some(c)) => Arc::new(ReqwestTransport::from_client(c)),
            (None, None) => Arc::new(ReqwestTransport::new(self.config.timeouts.connect)?),
        };
        let caches = (0..P::TOKEN_SLOTS).map(|_| TokenCache::new()).collect();
        let core = ClientCore {
            base,
            transport,
            credentials: self.credentials,
            caches,
            config: self.config,
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
        };
        Ok(P::from_core(Arc::new(core)))
    }
}

/// Reads an environment variable as a credential; unset or empty gives `None`.
pub fn env_credential(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}
