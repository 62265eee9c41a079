//! The client core every generated provider client wraps: configuration, credentials, token
//! caches, and the call loop (auth, send, replay after an auth failure, retries).

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::HeaderMap;
use tracing::Instrument as _;

use crate::budget::BudgetState;
use crate::cache::{CachedToken, TokenCache, place_once};
use crate::clock::Clock;
use crate::config::{Config, RetryPolicy};
use crate::endpoint::{BaseUrl, Endpoint, parse_parts};
use crate::error::{
    Error, InvalidInput, MissingCredential, Timeout, TimeoutKind, TokenExchangeError,
    TransportErrorKind,
};
use crate::provider::{Provider, SchemeId, SchemeKind, place};
use crate::retry::{Decision, decide, rate_limited};
use crate::transport::Transport;

pub use crate::builder::ClientBuilder;

/// Configured state of one provider client. Generated clients hold it in an `Arc`, so
/// cloning a client is cheap and clones share the token cache.
pub struct ClientCore<P: Provider> {
    base: BaseUrl,
    transport: Arc<dyn Transport>,
    credentials: P::Credentials,
    caches: Box<[TokenCache]>,
    config: Config,
    clock: Arc<dyn Clock>,
    /// The client-wide retry budget, shared by clones (they share this core).
    budget: BudgetState,
    /// The header of each credential scheme (by scheme index), built at its first use.
    credential_headers: Box<[CredentialHeader]>,
}

/// A credential's header, built once (see [`crate::cache::place_once`]).
type CredentialHeader = std::sync::OnceLock<(
    crate::provider::Placement,
    http::header::HeaderName,
    http::HeaderValue,
)>;

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
    /// Assembles a core from a checked configuration (see [`ClientBuilder::build`]).
    pub(crate) fn from_parts(
        base: BaseUrl,
        transport: Arc<dyn Transport>,
        credentials: P::Credentials,
        config: Config,
        clock: Arc<dyn Clock>,
    ) -> Self {
        ClientCore {
            base,
            transport,
            credentials,
            caches: (0..P::TOKEN_SLOTS).map(|_| TokenCache::new()).collect(),
            budget: BudgetState::new(config.retry.budget),
            credential_headers: (0..P::SCHEMES.len())
                .map(|_| CredentialHeader::new())
                .collect(),
            config,
            clock,
        }
    }

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
        // The total timeout is enforced inside the call loop, by the same timer as each
        // attempt's (the earlier deadline of the two): one timer per attempt, not two.
        let total = self
            .config
            .timeouts
            .total
            .and_then(|t| Some((tokio::time::Instant::now().checked_add(t)?, t)));
        // Boxed once: the call's state is large (~2.5 KB) and would otherwise be copied at
        // each of the wrappers below (span, the generated method's future).
        let call = Box::pin(self.execute_until(request, total));
        let call = async move {
            let result = call.await;
            match &result {
                Ok(_) => tracing::debug!("call succeeded"),
                Err(e) => tracing::debug!(error = %ErrorSummary(e), "call failed"),
            }
            result
        };
        // A disabled span (no subscriber wants it) is not entered and left at every poll.
        if span.is_disabled() {
            call.await
        } else {
            call.instrument(span).await
        }
    }

    /// The call loop, without the total timeout (the token exchange runs under its own).
    pub(crate) async fn execute<E: Endpoint<Provider = P>>(
        &self,
        request: &E,
    ) -> Result<E::Response, Error<E::ErrorBody>> {
        self.execute_until(request, None).await
    }

    /// The call loop; `total` (deadline, limit) bounds all of it: authorization, and each
    /// attempt together with its own timeout. Backoff never sleeps past it (see below).
    async fn execute_until<E: Endpoint<Provider = P>>(
        &self,
        request: &E,
        total: Option<(tokio::time::Instant, std::time::Duration)>,
    ) -> Result<E::Response, Error<E::ErrorBody>> {
        let meta = E::METADATA;
        // The first attempt sends this request; a retry or a replay builds it again (the same
        // request: building is a pure function of `request`) rather than every call cloning it.
        let mut prepared = Some(request.to_http_request(&self.base)?);
        let scheme = request.auth();
        let policy: RetryPolicy = self.config.retry;
        // Retries that could not finish before the total timeout are not started.
        let deadline = match total {
            Some((at, _)) => Some(at),
            None => self
                .config
                .timeouts
                .total
                .and_then(|t| tokio::time::Instant::now().checked_add(t)),
        };
        self.budget.deposit();
        let mut attempt: u32 = 0;
        let mut replayed = false;
        loop {
            attempt += 1;
            let mut req = match prepared.take() {
                Some(r) => r,
                None => request.to_http_request(&self.base)?,
            };
            let used = match total {
                // Ready at the first poll when a token is cached: the timer is never armed.
                Some((at, limit)) => {
                    tokio::time::timeout_at(at, self.authorize(scheme, req.headers_mut()))
                        .await
                        .map_err(|_| {
                            Error::Timeout(Timeout::new(TimeoutKind::Total, limit, true))
                        })??
                }
                None => self.authorize(scheme, req.headers_mut()).await?,
            };
            tracing::trace!(attempt, "sending attempt");
            let err = match self.attempt(req, total).await {
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
            let delay = match decide(
                &err,
                meta.idempotent,
                attempt,
                &policy,
                self.clock.system_now(),
                fastrand::f64(),
            ) {
                Decision::Fail => return Err(err),
                Decision::Throttled(wait) => return Err(rate_limited(P::NAME, &err, wait)),
                Decision::Retry(delay) => delay,
            };
            if let Some(d) = deadline
                && tokio::time::Instant::now()
                    .checked_add(delay)
                    .is_none_or(|at| at >= d)
            {
                tracing::debug!(delay_ms = delay.as_millis() as u64, error = %ErrorSummary(&err), "no retry: it could not finish before the total timeout");
                return Err(err);
            }
            if !self.budget.try_withdraw() {
                tracing::debug!(error = %ErrorSummary(&err), "no retry: the client's retry budget is exhausted");
                return Err(err);
            }
            tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, error = %ErrorSummary(&err), "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    async fn attempt(
        &self,
        req: http::Request<Bytes>,
        total: Option<(tokio::time::Instant, std::time::Duration)>,
    ) -> Result<http::Response<Bytes>, Error<std::convert::Infallible>> {
        let send = self.transport.send(req, self.config.max_body_bytes);
        // One timer for both bounds, at the earlier deadline; on a tie the attempt's, as when
        // two timers raced (the inner one was polled first). A total timeout then ends the
        // call: the retry loop starts no retry past the total deadline.
        let own = self
            .config
            .timeouts
            .attempt
            .and_then(|l| Some((tokio::time::Instant::now().checked_add(l)?, l)));
        let bound = match (own, total) {
            (Some((a, _)), Some((t, lt))) if t < a => Some((t, TimeoutKind::Total, lt)),
            (Some((a, la)), _) => Some((a, TimeoutKind::Attempt, la)),
            (None, Some((t, lt))) => Some((t, TimeoutKind::Total, lt)),
            (None, None) => None,
        };
        let res = match bound {
            Some((at, kind, limit)) => match tokio::time::timeout_at(at, send).await {
                Ok(r) => r,
                Err(_) => return Err(Error::Timeout(Timeout::new(kind, limit, true))),
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
        let (resolved, scheme) = self.resolve(id)?;
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
                // Built once per client (its credentials never change), then cloned.
                match self.credential_headers.get(usize::from(resolved.0)) {
                    Some(cell) => place_once(
                        cell,
                        headers,
                        *placement,
                        secret.expose_secret(),
                        credential,
                    ),
                    None => place(headers, *placement, secret.expose_secret(), credential),
                }
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
                let cache = &self.caches[*slot];
                let clock = &*self.clock;
                let token = match cache.fresh(clock) {
                    Some(t) => t,
                    None => {
                        // Checked only when a token must be fetched: `ready` builds the
                        // issuer request (cloning secrets), and a cached token proves it
                        // (a client's credentials never change).
                        if !ready(&self.credentials) {
                            return Err(AuthFailure::Missing(MissingCredential {
                                provider: P::NAME,
                                scheme: scheme.name,
                                credential: needs,
                            }));
                        }
                        tracing::debug!(issuer, "obtaining a token");
                        // The exchange's own timeout is inside the fetch, so a timed-out
                        // refresh is a failed refresh: the cache falls back to a still-valid
                        // token. Waiting for another caller's refresh is bounded by twice it.
                        let limit = self.config.timeouts.token_exchange;
                        // Boxed: inline, this cold path's state would enlarge every call's
                        // future, which is moved (copied) several times per call.
                        Box::pin(async move {
                            let get = cache.get(clock, || async move {
                                match limit {
                                    Some(limit) => tokio::time::timeout(limit, issue(self))
                                        .await
                                        .map_err(|_| exchange_timeout(limit))?
                                        .map_err(AuthFailure::Exchange),
                                    None => issue(self).await.map_err(AuthFailure::Exchange),
                                }
                            });
                            match limit {
                                Some(limit) => {
                                    let outer = limit.saturating_mul(2);
                                    tokio::time::timeout(outer, get)
                                        .await
                                        .map_err(|_| exchange_timeout(outer))?
                                }
                                None => get.await,
                            }
                        })
                        .await?
                    }
                };
                token
                    .place_into(headers, *placement, issuer)
                    .map_err(AuthFailure::Input)?;
                Ok(Some((*slot, token)))
            }
            SchemeKind::Any(_) => unreachable_any(),
        }
    }

    /// Resolves `Any` schemes to the first alternative whose credentials are configured.
    fn resolve(
        &self,
        id: SchemeId,
    ) -> Result<(SchemeId, &'static crate::provider::Scheme<P>), AuthFailure> {
        let scheme = scheme_at::<P>(id)?;
        let SchemeKind::Any(alternatives) = &scheme.kind else {
            return Ok((id, scheme));
        };
        for alt in alternatives.iter() {
            let s = scheme_at::<P>(*alt)?;
            let ready = match &s.kind {
                SchemeKind::Credential { get, .. } => get(&self.credentials).is_some(),
                // A fresh cached token proves the issuer's credentials (they never change)
                // without `ready` building the issuer request.
                SchemeKind::Issued { ready, slot, .. } => {
                    self.caches[*slot].fresh(&*self.clock).is_some() || ready(&self.credentials)
                }
                SchemeKind::Any(_) => false,
            };
            if ready {
                return Ok((*alt, s));
            }
        }
        Err(AuthFailure::Missing(MissingCredential {
            provider: P::NAME,
            scheme: scheme.name,
            credential: "any of its alternatives' credentials",
        }))
    }
}

fn exchange_timeout(after: std::time::Duration) -> AuthFailure {
    AuthFailure::Timeout(Timeout::new(TimeoutKind::TokenExchange, after, false))
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

/// Reads an environment variable as a credential; unset or empty gives `None`.
pub fn env_credential(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}
