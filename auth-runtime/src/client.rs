//! The client core every generated provider client wraps: configuration, credentials, token
//! caches, and the call loop (auth, send, replay after an auth failure, retries).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use http::HeaderMap;
use tracing::Instrument as _;

use crate::budget::BudgetState;
use crate::cache::{CachedToken, TokenCache, place_once};
use crate::clock::Clock;
use crate::config::{Config, RetryPolicy};
use crate::endpoint::{BaseUrl, Endpoint, PreparedRequest, parse_parts};
use crate::error::{
    Error, InvalidInput, MissingCredential, Timeout, TimeoutKind, TokenExchangeError,
    TransportErrorKind,
};
use crate::provider::{Placement, Provider, SchemeId, SchemeKind, place};
use crate::retry::{Decision, Facts, decide, rate_limited};
use crate::transport::Sender;

pub use crate::builder::ClientBuilder;

/// Configured state of one provider client. Generated clients hold it in an `Arc`, so
/// cloning a client is cheap and clones share the token cache.
pub struct ClientCore<P: Provider> {
    shared: Shared,
    credentials: P::Credentials,
}

/// The provider-independent part of a client: everything the call loop needs. The loop
/// ([`run`]) is written against this and a type-erased endpoint ([`CallOps`]), so it is
/// compiled once in this crate instead of once per endpoint in every crate of specs.
pub(crate) struct Shared {
    base: BaseUrl,
    transport: Sender,
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
            .field("base_url", &self.shared.base.as_str())
            .field("credentials", &self.credentials)
            .field("config", &self.shared.config)
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

/// How a request gets its auth: at once, or after a token fetch.
enum AuthStep<'a> {
    /// Applied (with the cached token used, if any).
    Ready(Option<UsedToken>),
    /// A token must be fetched first; then it goes where `placement` says.
    Fetch {
        fetch: Pin<Box<dyn Future<Output = Result<Arc<CachedToken>, AuthFailure>> + Send + 'a>>,
        slot: usize,
        placement: Placement,
        issuer: &'static str,
    },
}

/// What the call loop does after an answer.
enum Answer {
    /// The call is over: its result (success or error) is kept by the [`CallOps`].
    Done,
    /// The credentials were rejected: drop the token used and replay the call once.
    Replay,
    /// A transient failure, kept by the [`CallOps`] as the result if no retry happens.
    Retry(std::time::Duration, Brief),
}

/// What a failed attempt's retry decision needs.
struct RetryCtx<'c> {
    attempt: u32,
    policy: &'c RetryPolicy,
    clock: &'c dyn Clock,
}

/// One call as the loop sees it, with the endpoint and provider types erased: building the
/// request, authorizing it, and judging an answer (decoding it and keeping the result).
trait CallOps<'a> {
    /// The provider's name.
    fn provider(&self) -> &'static str;
    /// Whether the call may be retried after it reached the server.
    fn idempotent(&self) -> bool;
    /// Builds the request (without auth).
    fn build(&self, base: &BaseUrl) -> Result<PreparedRequest, InvalidInput>;
    /// Applies the call's auth scheme to `headers`, or says which token to fetch first.
    fn authorize(&self, headers: &mut HeaderMap) -> Result<AuthStep<'a>, AuthFailure>;
    /// The kept outcome's failure, if it is one (for the call's closing trace event).
    fn failure(&self) -> Option<Brief>;
    /// Decodes an answer, keeps the outcome, and says what to do next.
    fn answer(
        &mut self,
        status: http::StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        can_replay: bool,
        retry: &RetryCtx<'_>,
    ) -> Answer;
}

/// The [`CallOps`] of a call to endpoint `E`: the only per-endpoint code of a call.
struct Shell<'a, E: Endpoint> {
    core: &'a ClientCore<E::Provider>,
    request: &'a E,
    outcome: Option<Result<E::Response, Error<E::ErrorBody>>>,
}

impl<'a, E: Endpoint> CallOps<'a> for Shell<'a, E> {
    fn provider(&self) -> &'static str {
        <E::Provider as Provider>::NAME
    }

    fn idempotent(&self) -> bool {
        E::METADATA.idempotent
    }

    fn build(&self, base: &BaseUrl) -> Result<PreparedRequest, InvalidInput> {
        self.request.prepare_request(base)
    }

    fn authorize(&self, headers: &mut HeaderMap) -> Result<AuthStep<'a>, AuthFailure> {
        let core: &'a ClientCore<E::Provider> = self.core;
        core.authorize(self.request.auth(), headers)
    }

    fn failure(&self) -> Option<Brief> {
        match &self.outcome {
            Some(Err(e)) => Some(Brief::of(e)),
            _ => None,
        }
    }

    fn answer(
        &mut self,
        status: http::StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        can_replay: bool,
        retry: &RetryCtx<'_>,
    ) -> Answer {
        match parse_parts::<E>(status, headers, body) {
            Ok(r) => {
                self.outcome = Some(Ok(r));
                Answer::Done
            }
            Err(e) => self.failed(e, can_replay, retry),
        }
    }
}

impl<E: Endpoint> Shell<'_, E> {
    /// The call's result: the loop's own failure, or the outcome `answer` kept.
    fn finish(
        self,
        ended: Result<(), Error<std::convert::Infallible>>,
    ) -> Result<E::Response, Error<E::ErrorBody>> {
        match ended {
            Err(e) => Err(e.widen()),
            Ok(()) => self.outcome.unwrap_or_else(|| {
                // `run` ends with `Ok` only after `answer` kept an outcome.
                Err(Error::InvalidInput(InvalidInput::new(
                    "call",
                    "the call ended without an answer",
                )))
            }),
        }
    }

    /// An answer that is not a success: replay, retry, or keep it as the call's error.
    fn failed(
        &mut self,
        err: Error<E::ErrorBody>,
        can_replay: bool,
        retry: &RetryCtx<'_>,
    ) -> Answer {
        let (kept, next) = judge(
            err,
            <E::Provider as Provider>::NAME,
            E::METADATA.idempotent,
            can_replay,
            retry,
        );
        if let Some(err) = kept {
            self.outcome = Some(Err(err));
        }
        next
    }
}

/// What to do after an answer that is not a success, and the error to keep (none when the
/// call is replayed). Generic over the error body only (not the endpoint), and out of line:
/// a call that succeeds never runs it.
#[cold]
#[inline(never)]
fn judge<B>(
    err: Error<B>,
    provider: &'static str,
    idempotent: bool,
    can_replay: bool,
    retry: &RetryCtx<'_>,
) -> (Option<Error<B>>, Answer) {
    if let Error::Provider(pe) = &err
        && pe.auth_failure
        && can_replay
    {
        tracing::debug!(status = %pe.status, "credentials rejected; fetching a new token and replaying once");
        return (None, Answer::Replay);
    }
    let (err, next) = retry_decision(err, provider, idempotent, retry);
    let next = next.map_or(Answer::Done, |(delay, brief)| Answer::Retry(delay, brief));
    (Some(err), next)
}

/// Whether a failure is retried: the error to keep (a throttled one becomes
/// [`Error::RateLimited`]) and, when it is retried, the backoff and the failure's summary.
fn retry_decision<B>(
    err: Error<B>,
    provider: &'static str,
    idempotent: bool,
    retry: &RetryCtx<'_>,
) -> (Error<B>, Option<(std::time::Duration, Brief)>) {
    let decision = decide(
        Facts::of(&err),
        idempotent,
        retry.attempt,
        retry.policy,
        retry.clock.system_now(),
        fastrand::f64(),
    );
    match decision {
        Decision::Fail => (err, None),
        Decision::Throttled(wait) => (rate_limited(provider, &err, wait), None),
        Decision::Retry(delay) => {
            let brief = Brief::of(&err);
            (err, Some((delay, brief)))
        }
    }
}

impl<P: Provider> ClientCore<P> {
    /// Assembles a core from a checked configuration (see [`ClientBuilder::build`]).
    pub(crate) fn from_parts(
        checked: crate::builder::Checked,
        credentials: P::Credentials,
    ) -> Self {
        ClientCore {
            shared: Shared::new(checked, P::TOKEN_SLOTS, P::SCHEMES.len()),
            credentials,
        }
    }

    /// The client's credentials.
    pub fn credentials(&self) -> &P::Credentials {
        &self.credentials
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &BaseUrl {
        &self.shared.base
    }

    /// Timeouts, retries and the body cap.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// Drops every cached token (the next authenticated call fetches new ones).
    pub fn clear_tokens(&self) {
        for c in self.shared.caches.iter() {
            c.clear();
        }
    }

    /// Sends `request`: builds it, authenticates it, sends it with retries, decodes the answer.
    pub async fn send<E: Endpoint<Provider = P>>(
        &self,
        request: &E,
    ) -> Result<E::Response, Error<E::ErrorBody>> {
        let meta = E::METADATA;
        let label = Label {
            provider: P::NAME,
            endpoint: meta.name,
            method: meta.method,
            path: meta.path,
        };
        let mut shell = Shell {
            core: self,
            request,
            outcome: None,
        };
        // Boxed (by `drive`): the call's state would otherwise be copied at each of the
        // wrappers around it (the generated method's future).
        let ended = drive(&self.shared, &mut shell, label).await;
        shell.finish(ended)
    }

    /// The call loop, without the total timeout (the token exchange runs under its own) and
    /// inside the span of the call that needed the token.
    pub(crate) async fn execute<E: Endpoint<Provider = P>>(
        &self,
        request: &E,
    ) -> Result<E::Response, Error<E::ErrorBody>> {
        let mut shell = Shell {
            core: self,
            request,
            outcome: None,
        };
        let ended = run_boxed(&self.shared, &mut shell).await;
        shell.finish(ended)
    }

    /// Applies `scheme` to `headers`: at once when the credential or a fresh cached token is
    /// at hand, else the token fetch to await first. Only the provider-specific lookups are
    /// generic here; the placing, the cache and the fetch are compiled once (`Shared`).
    fn authorize(
        &self,
        scheme: Option<SchemeId>,
        headers: &mut HeaderMap,
    ) -> Result<AuthStep<'_>, AuthFailure> {
        let Some(id) = scheme else {
            return Ok(AuthStep::Ready(None));
        };
        let (resolved, scheme) = self.resolve(id)?;
        let missing = |credential| {
            AuthFailure::Missing(MissingCredential {
                provider: P::NAME,
                scheme: scheme.name,
                credential,
            })
        };
        match &scheme.kind {
            SchemeKind::Credential {
                placement,
                credential,
                get,
            } => {
                let secret = get(&self.credentials).ok_or_else(|| missing(credential))?;
                self.shared
                    .place_credential(resolved, *placement, secret, credential, headers)
                    .map_err(AuthFailure::Input)?;
                Ok(AuthStep::Ready(None))
            }
            SchemeKind::Issued {
                placement,
                slot,
                issuer,
                needs,
                ready,
                issue,
            } => {
                if let Some(used) = self
                    .shared
                    .place_cached(*slot, *placement, issuer, headers)?
                {
                    return Ok(AuthStep::Ready(Some(used)));
                }
                // Checked only when a token must be fetched: `ready` builds the issuer
                // request (cloning secrets), and a cached token proves it (a client's
                // credentials never change).
                if !ready(&self.credentials) {
                    return Err(missing(needs));
                }
                Ok(self
                    .shared
                    .fetch_step(*slot, *placement, issuer, issue(self)))
            }
            SchemeKind::Any(_) => Err(nested_any()),
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
                    self.shared.caches[*slot]
                        .fresh(&*self.shared.clock)
                        .is_some()
                        || ready(&self.credentials)
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

/// What the call's span names.
struct Label {
    provider: &'static str,
    endpoint: &'static str,
    method: http::Method,
    path: &'static str,
}

/// The loop's own result: `Ok` when the [`CallOps`] kept the outcome.
type Ended = Result<(), Error<std::convert::Infallible>>;

/// A call loop's future, boxed here so that its code is generated in this crate (a future
/// created and polled in a crate of specs would be compiled there, in each of them).
type LoopFuture<'f> = Pin<Box<dyn Future<Output = Ended> + Send + 'f>>;

/// [`run`] without the total timeout or a span (a token exchange inside another call).
fn run_boxed<'f, 'a: 'f>(
    shared: &'a Shared,
    ops: &'f mut (dyn CallOps<'a> + Send + 'a),
) -> LoopFuture<'f> {
    Box::pin(run(shared, ops, None))
}

/// A call as [`ClientCore::send`] makes it: the call loop under the total timeout, inside
/// the call's span, with a closing trace event. Not generic: compiled once for every endpoint.
/// The span and the deadline are made before the future, so its state keeps them once.
fn drive<'f, 'a: 'f>(
    shared: &'a Shared,
    ops: &'f mut (dyn CallOps<'a> + Send + 'a),
    label: Label,
) -> LoopFuture<'f> {
    let span = tracing::debug_span!(
        "auth_sdk.call",
        provider = label.provider,
        endpoint = label.endpoint,
        method = %label.method,
        path = label.path,
    );
    // The total timeout is enforced inside the call loop, by the same timer as each
    // attempt's (the earlier deadline of the two): one timer per attempt, not two.
    let total = shared
        .config
        .timeouts
        .total
        .and_then(|t| Some((tokio::time::Instant::now().checked_add(t)?, t)));
    let call = async move {
        let ended = run(shared, &mut *ops, total).await;
        match (&ended, ops.failure()) {
            (Err(e), _) => tracing::debug!(error = %Brief::of(e), "call failed"),
            (Ok(()), Some(brief)) => tracing::debug!(error = %brief, "call failed"),
            (Ok(()), None) => tracing::debug!("call succeeded"),
        }
        ended
    };
    // A disabled span (no subscriber wants it) is not entered and left at every poll.
    if span.is_disabled() {
        Box::pin(call)
    } else {
        Box::pin(call.instrument(span))
    }
}

/// The call loop, shared by every endpoint of every provider: build the request, authorize
/// it, send it under its timeouts, judge the answer; replay once after rejected credentials;
/// retry transient failures with backoff, within the retry budget and the total deadline.
///
/// `total` (deadline, limit) bounds all of it: authorization, and each attempt together
/// with its own timeout. Backoff never sleeps past it. `Ok(())` means `ops` kept the
/// outcome (a success or the provider's error); `Err` is a failure of the loop's own
/// (invalid input, auth, timeout, transport).
async fn run<'a>(
    shared: &'a Shared,
    ops: &mut (dyn CallOps<'a> + Send + 'a),
    total: Option<(tokio::time::Instant, std::time::Duration)>,
) -> Result<(), Error<std::convert::Infallible>> {
    let policy: &RetryPolicy = &shared.config.retry;
    // Retries that could not finish before the total timeout are not started.
    let deadline = match total {
        Some((at, _)) => Some(at),
        None => shared
            .config
            .timeouts
            .total
            .and_then(|t| tokio::time::Instant::now().checked_add(t)),
    };
    shared.budget.deposit();
    let mut attempt: u32 = 0;
    let mut replayed = false;
    loop {
        attempt += 1;
        // The request lives only in this block: once handed on it takes no room in the
        // loop's state while the attempt is awaited (a borrowed local keeps its room until
        // its scope ends).
        let (req, used) = {
            let prepared = {
                // Each attempt builds the request again: building is a pure function of the
                // call.
                let mut req = ops.build(&shared.base)?;
                match ops.authorize(req.headers_mut())? {
                    AuthStep::Ready(used) => Prepared::Ready(req, used),
                    AuthStep::Fetch {
                        fetch,
                        slot,
                        placement,
                        issuer,
                    } => Prepared::Fetch(with_token(req, fetch, slot, placement, issuer, total)),
                }
            };
            match prepared {
                Prepared::Ready(req, used) => (req, used),
                Prepared::Fetch(fetching) => fetching.await?,
            }
        };
        tracing::trace!(attempt, "sending attempt");
        let sending = shared.attempt(req, total);
        let delay = {
            let answer = sending.await;
            let retry = RetryCtx {
                attempt,
                policy,
                clock: &*shared.clock,
            };
            let failed = match answer {
                Ok(resp) => {
                    let (parts, body) = resp.into_parts();
                    let can_replay = !replayed && used.is_some();
                    match ops.answer(parts.status, &parts.headers, &body, can_replay, &retry) {
                        Answer::Done => return Ok(()),
                        Answer::Replay => {
                            if let Some((slot, token)) = &used {
                                shared.caches[*slot].invalidate(token);
                            }
                            replayed = true;
                            attempt -= 1;
                            continue;
                        }
                        Answer::Retry(delay, brief) => Failed::Kept(delay, brief),
                    }
                }
                Err(err) => Failed::Own(err),
            };
            match shared.retry_after(failed, &*ops, &retry, deadline) {
                Ok(delay) => delay,
                Err(end) => return end,
            }
        };
        tokio::time::sleep(delay).await;
    }
}

/// A request authorized, with the cached token it carries (if any).
type Authorized = (PreparedRequest, Option<UsedToken>);

/// An attempt's request: authorized, or waiting for a token.
enum Prepared<'a> {
    Ready(PreparedRequest, Option<UsedToken>),
    Fetch(
        Pin<
            Box<
                dyn Future<Output = Result<Authorized, Error<std::convert::Infallible>>>
                    + Send
                    + 'a,
            >,
        >,
    ),
}

/// Waits for a token (within the total deadline) and places it into `req`. The cold part of
/// authorizing, boxed so that the call loop's state keeps no room for it.
fn with_token<'a>(
    mut req: PreparedRequest,
    fetch: Pin<Box<dyn Future<Output = Result<Arc<CachedToken>, AuthFailure>> + Send + 'a>>,
    slot: usize,
    placement: Placement,
    issuer: &'static str,
    total: Option<(tokio::time::Instant, std::time::Duration)>,
) -> Pin<Box<dyn Future<Output = Result<Authorized, Error<std::convert::Infallible>>> + Send + 'a>>
{
    Box::pin(async move {
        let token = match total {
            Some((at, limit)) => tokio::time::timeout_at(at, fetch)
                .await
                .map_err(|_| Timeout::new(TimeoutKind::Total, limit, true))??,
            None => fetch.await?,
        };
        token
            .place_into(req.headers_mut(), placement, issuer)
            .map_err(Error::InvalidInput)?;
        Ok((req, Some((slot, token))))
    })
}

/// A failed attempt: transient and kept by the [`CallOps`] (with its backoff), or the
/// loop's own.
enum Failed {
    Kept(std::time::Duration, Brief),
    Own(Error<std::convert::Infallible>),
}

impl Shared {
    /// Places a credential scheme's secret; its header is built once per client (its
    /// credentials never change), then cloned.
    fn place_credential(
        &self,
        resolved: SchemeId,
        placement: Placement,
        secret: &crate::secret::Secret,
        credential: &'static str,
        headers: &mut HeaderMap,
    ) -> Result<(), InvalidInput> {
        match self.credential_headers.get(usize::from(resolved.0)) {
            Some(cell) => place_once(cell, headers, placement, secret.expose_secret(), credential),
            None => place(headers, placement, secret.expose_secret(), credential),
        }
    }

    /// Places the fresh cached token of `slot`, if there is one.
    fn place_cached(
        &self,
        slot: usize,
        placement: Placement,
        issuer: &'static str,
        headers: &mut HeaderMap,
    ) -> Result<Option<UsedToken>, AuthFailure> {
        match self.caches[slot].fresh(&*self.clock) {
            Some(token) => {
                token
                    .place_into(headers, placement, issuer)
                    .map_err(AuthFailure::Input)?;
                Ok(Some((slot, token)))
            }
            None => Ok(None),
        }
    }

    /// The fetch of a token for `slot` through `issue`, which runs only if no other caller's
    /// fetch serves this one.
    fn fetch_step<'a>(
        &'a self,
        slot: usize,
        placement: Placement,
        issuer: &'static str,
        issue: crate::provider::IssueFuture<'a>,
    ) -> AuthStep<'a> {
        tracing::debug!(issuer, "obtaining a token");
        AuthStep::Fetch {
            fetch: fetch_token(
                &self.caches[slot],
                &*self.clock,
                self.config.timeouts.token_exchange,
                issue,
            ),
            slot,
            placement,
            issuer,
        }
    }

    fn new(checked: crate::builder::Checked, token_slots: usize, schemes: usize) -> Self {
        let crate::builder::Checked {
            base,
            transport,
            config,
            clock,
        } = checked;
        Shared {
            base,
            transport,
            caches: (0..token_slots).map(|_| TokenCache::new()).collect(),
            budget: BudgetState::new(config.retry.budget),
            credential_headers: (0..schemes).map(|_| CredentialHeader::new()).collect(),
            config,
            clock,
        }
    }

    /// Whether and when a failed attempt is retried: the delay, or how the call ends
    /// (`Ok(())`: with the failure the [`CallOps`] kept). Out of line: a call that
    /// succeeds never runs it.
    #[cold]
    #[inline(never)]
    fn retry_after(
        &self,
        failed: Failed,
        ops: &dyn CallOps<'_>,
        retry: &RetryCtx<'_>,
        deadline: Option<tokio::time::Instant>,
    ) -> Result<std::time::Duration, Result<(), Error<std::convert::Infallible>>> {
        let (delay, brief, own) = match failed {
            Failed::Kept(delay, brief) => (delay, brief, None),
            Failed::Own(err) => {
                match retry_decision(err, ops.provider(), ops.idempotent(), retry) {
                    (err, None) => return Err(Err(err)),
                    (err, Some((delay, brief))) => (delay, brief, Some(err)),
                }
            }
        };
        // Giving up returns the failure of this attempt: the loop's own, or the one `ops` kept.
        let give_up = |own: Option<Error<std::convert::Infallible>>| Err(own.map_or(Ok(()), Err));
        if let Some(d) = deadline
            && tokio::time::Instant::now()
                .checked_add(delay)
                .is_none_or(|at| at >= d)
        {
            tracing::debug!(delay_ms = delay.as_millis() as u64, error = %brief, "no retry: it could not finish before the total timeout");
            return give_up(own);
        }
        if !self.budget.try_withdraw() {
            tracing::debug!(error = %brief, "no retry: the client's retry budget is exhausted");
            return give_up(own);
        }
        tracing::debug!(attempt = retry.attempt, delay_ms = delay.as_millis() as u64, error = %brief, "retrying");
        Ok(delay)
    }
}

impl Shared {
    /// One attempt: the transport's send under the attempt's timeout and the total deadline.
    /// Not an `async fn`: the deadline is worked out before the future is made, so its state
    /// keeps only the bound (measured: a larger call state made every call slower in malloc).
    fn attempt(
        &self,
        req: PreparedRequest,
        total: Option<(tokio::time::Instant, std::time::Duration)>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, Error<std::convert::Infallible>>> + Send + '_
    {
        // One deadline for both bounds, the earlier; on a tie the attempt's, as when two
        // timers raced (the inner one was polled first). A total timeout then ends the call:
        // the retry loop starts no retry past the total deadline. One tokio timer.
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
        let connect = self.config.timeouts.connect;
        let max_body = self.config.max_body_bytes;
        // Handed to the transport now: the state below keeps the request in flight, not the
        // request to convert.
        let started = self.transport.start(req, max_body);
        async move {
            // The answer's future is created here, not captured: a captured future would
            // take room in this state twice (as captured and as pinned).
            let send = std::pin::pin!(started?.finish(max_body));
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
                    connect.unwrap_or_default(),
                    false,
                )),
                _ => Error::Transport(e),
            })
        }
    }
}

/// A token fetch through `cache`, for any provider: `issue` runs only if this caller does
/// the fetch. The exchange's own timeout is inside the fetch, so a timed-out refresh is a
/// failed refresh (the cache falls back to a still-valid token); waiting for another
/// caller's refresh is bounded by twice it. Not generic, so it is compiled once here rather
/// than once per provider in every crate of specs.
fn fetch_token<'a>(
    cache: &'a TokenCache,
    clock: &'a dyn Clock,
    limit: Option<std::time::Duration>,
    issue: crate::provider::IssueFuture<'a>,
) -> Pin<Box<dyn Future<Output = Result<Arc<CachedToken>, AuthFailure>> + Send + 'a>> {
    Box::pin(async move {
        let get = cache.get(clock, move || async move {
            match limit {
                Some(limit) => tokio::time::timeout(limit, issue)
                    .await
                    .map_err(|_| exchange_timeout(limit))?
                    .map_err(AuthFailure::Exchange),
                None => issue.await.map_err(AuthFailure::Exchange),
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
fn nested_any() -> AuthFailure {
    AuthFailure::Input(InvalidInput::new(
        "auth",
        "nested `any` schemes are not supported",
    ))
}

/// One-line error text for tracing events: the stage only, never bodies. Copied out of the
/// error so the call loop can log a failure that its [`CallOps`] keeps.
#[derive(Debug, Clone, Copy)]
enum Brief {
    Input(&'static str),
    Missing(&'static str),
    Exchange(&'static str),
    Timeout(TimeoutKind, std::time::Duration),
    Transport(TransportErrorKind),
    Provider(http::StatusCode),
    Decode(http::StatusCode),
    RateLimited(http::StatusCode),
}

impl Brief {
    fn of<B>(e: &Error<B>) -> Self {
        match e {
            Error::InvalidInput(e) => Brief::Input(e.field),
            Error::MissingCredential(e) => Brief::Missing(e.credential),
            Error::TokenExchange(e) => Brief::Exchange(e.issuer),
            Error::Timeout(t) => Brief::Timeout(t.kind, t.after),
            Error::Transport(t) => Brief::Transport(t.kind),
            Error::Provider(p) => Brief::Provider(p.status),
            Error::Decode(d) => Brief::Decode(d.status),
            Error::RateLimited(r) => Brief::RateLimited(r.status),
        }
    }
}

impl fmt::Display for Brief {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Brief::Input(field) => write!(f, "invalid input `{field}`"),
            Brief::Missing(credential) => write!(f, "missing credential `{credential}`"),
            Brief::Exchange(issuer) => write!(f, "token exchange via `{issuer}` failed"),
            Brief::Timeout(kind, after) => write!(f, "{}", Timeout::new(kind, after, false)),
            Brief::Transport(kind) => write!(f, "transport: {kind:?}"),
            Brief::Provider(status) => write!(f, "HTTP {status}"),
            Brief::Decode(status) => write!(f, "undecodable HTTP {status} body"),
            Brief::RateLimited(status) => write!(f, "rate limited (HTTP {status})"),
        }
    }
}

/// Reads an environment variable as a credential; unset or empty gives `None`.
pub fn env_credential(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}
