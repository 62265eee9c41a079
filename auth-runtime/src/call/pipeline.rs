//! The call pipeline: the stages every attempt of every call goes through, the retry and
//! replay loop around them, the call's span and its total deadline.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;
use tracing::Instrument as _;

use crate::call::authorize::{AuthStep, Authorized, UsedToken, with_token};
use crate::call::brief::{Brief, ErrorType};
use crate::call::client::Shared;
use crate::call::interceptor::AttemptContext;
use crate::call::ops::{Answer, CallOps, RetryCtx, retry_decision};
use crate::config::RetryPolicy;
use crate::error::Error;
use crate::spec::request::PreparedRequest;

/// What the call's span names.
pub(crate) struct Label {
    pub(crate) provider: &'static str,
    pub(crate) endpoint: &'static str,
    pub(crate) method: http::Method,
    pub(crate) path: &'static str,
    /// The auth scheme the endpoint declares (`None`: no auth).
    pub(crate) scheme: Option<&'static str>,
}

/// The loop's own result: `Ok` when the [`CallOps`] kept the outcome.
pub(crate) type Ended = Result<(), Error<std::convert::Infallible>>;

/// A call loop's future, boxed here so that its code is generated in this crate (a future
/// created and polled in a crate of specs would be compiled there, in each of them).
pub(crate) type LoopFuture<'f> = Pin<Box<dyn Future<Output = Ended> + Send + 'f>>;

/// [`run`] without the total timeout or a span (a token exchange inside another call).
pub(crate) fn run_boxed<'f, 'a: 'f>(
    shared: &'a Shared,
    ops: &'f mut (dyn CallOps<'a> + Send + 'a),
) -> LoopFuture<'f> {
    Box::pin(run(shared, ops, None, tracing::Span::none()))
}

/// A call as [`ClientCore::send`] makes it: the call loop under the total timeout, inside
/// the call's span, with a closing trace event. Not generic: compiled once for every endpoint.
/// The span and the deadline are made before the future, so its state keeps them once.
pub(crate) fn drive<'f, 'a: 'f>(
    shared: &'a Shared,
    ops: &'f mut (dyn CallOps<'a> + Send + 'a),
    label: Label,
) -> LoopFuture<'f> {
    // Fields after OpenTelemetry's HTTP client conventions; the path template, never a URL
    // (a query can carry a credential).
    let span = tracing::debug_span!(target: "auth_sdk",
        "auth_sdk.call",
        provider = label.provider,
        endpoint = label.endpoint,
        "http.request.method" = %label.method,
        "url.template" = label.path,
        "server.address" = shared.base.host(),
        "server.port" = shared.base.port(),
        "auth.scheme" = label.scheme.unwrap_or("none"),
        "http.response.status_code" = tracing::field::Empty,
        "http.request.resend_count" = tracing::field::Empty,
        "error.type" = tracing::field::Empty,
    );
    // The total timeout is enforced inside the call loop, by the same timer as each
    // attempt's (the earlier deadline of the two): one timer per attempt, not two.
    let total = shared
        .config
        .timeouts
        .total
        .and_then(|t| Some((Instant::now().checked_add(t)?, t)));
    let inner = span.clone();
    let call = async move {
        let ended = run(shared, &mut *ops, total, inner.clone()).await;
        let failure = match (&ended, ops.failure()) {
            (Err(e), _) => Some(Brief::of(e)),
            (Ok(()), brief) => brief,
        };
        match failure {
            Some(brief) => {
                inner.record("error.type", tracing::field::display(ErrorType(brief)));
                tracing::debug!(target: "auth_sdk", error = %brief, "call failed");
            }
            None => tracing::debug!(target: "auth_sdk", "call succeeded"),
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

/// The call pipeline, shared by every endpoint of every provider. Each attempt goes through
/// the same stages:
///
/// 1. **prepare**: the endpoint builds its request (a pure function of the call);
/// 2. **authorize**: the scheme's credential or cached token is placed, or a token fetched;
/// 3. **intercept the request**: each interceptor's `modify_before_transmit`;
/// 4. **transmit**: the transport's send, under the attempt and total deadlines;
/// 5. **intercept the answer**: `read_after_transmit`, then `modify_before_decode`;
/// 6. **judge**: decode; replay once after rejected credentials; retry transient failures
///    with backoff, within the retry budget and the total deadline.
///
/// `total` (deadline, limit) bounds all of it. `Ok(())` means `ops` kept the outcome (a
/// success or the provider's error); `Err` is a failure of the pipeline's own (invalid
/// input, auth, an interceptor, a timeout, the transport).
async fn run<'a>(
    shared: &'a Shared,
    ops: &mut (dyn CallOps<'a> + Send + 'a),
    total: Option<(Instant, Duration)>,
    span: tracing::Span,
) -> Ended {
    let policy: &RetryPolicy = &shared.config.retry;
    // Retries that could not finish before the total timeout are not started.
    let deadline = match total {
        Some((at, _)) => Some(at),
        None => shared
            .config
            .timeouts
            .total
            .and_then(|t| Instant::now().checked_add(t)),
    };
    shared.budget.deposit();
    // `attempt` counts toward `max_attempts` (a replay does not); `ctx.attempt` counts
    // every transmission.
    let mut attempt: u32 = 0;
    let mut ctx = AttemptContext {
        provider: ops.provider(),
        endpoint: ops.endpoint(),
        attempt: 0,
        replay: false,
    };
    loop {
        attempt += 1;
        ctx.attempt += 1;
        let (req, used) = match authorized(shared, &*ops, total) {
            Ok(Prepared::Ready(req, used)) => (req, used),
            Ok(Prepared::Fetch(fetching)) => match fetching.await {
                Ok(authorized) => authorized,
                Err(e) => return failed_before_sending(shared, &ctx, e),
            },
            Err(e) => return failed_before_sending(shared, &ctx, e),
        };
        let req = match intercept_request(shared, req, &ctx) {
            Ok(req) => req,
            Err(e) => return failed_before_sending(shared, &ctx, e),
        };
        let resends = ctx.attempt - 1;
        let attempt_span = if span.is_disabled() {
            tracing::Span::none()
        } else {
            span.record("http.request.resend_count", resends);
            tracing::debug_span!(target: "auth_sdk",
                parent: &span,
                "auth_sdk.attempt",
                "http.request.resend_count" = resends,
                replay = ctx.replay,
                "http.response.status_code" = tracing::field::Empty,
                "error.type" = tracing::field::Empty,
            )
        };
        tracing::trace!(target: "auth_sdk", parent: &attempt_span, attempt = ctx.attempt, "sending attempt");
        let answer = shared
            .attempt(req, total)
            .instrument(attempt_span.clone())
            .await;
        if !attempt_span.is_disabled() {
            match &answer {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    attempt_span.record("http.response.status_code", status);
                    span.record("http.response.status_code", status);
                }
                Err(e) => {
                    attempt_span.record(
                        "error.type",
                        tracing::field::display(ErrorType(Brief::of(e))),
                    );
                }
            }
        }
        let answer = answer.and_then(|resp| intercept_answer(shared, resp, &ctx));
        let retry = RetryCtx {
            attempt,
            policy,
            clock: &*shared.clock,
        };
        let failed = match answer {
            Ok(resp) => {
                let (parts, body) = resp.into_parts();
                let can_replay = !ctx.replay && used.is_some();
                let next = ops.answer(parts.status, &parts.headers, &body, can_replay, &retry);
                if !matches!(next, Answer::Replay)
                    && let Some(e) = ops.failure_error()
                {
                    shared.interceptors.on_error(e, &ctx);
                }
                match next {
                    Answer::Done => return Ok(()),
                    Answer::Replay => {
                        if let Some((slot, token)) = &used {
                            Box::pin(shared.drop_rejected(*slot, token)).await;
                        }
                        ctx.replay = true;
                        attempt -= 1;
                        continue;
                    }
                    Answer::Retry(delay, brief) => Failed::Kept(delay, brief),
                }
            }
            Err(err) => {
                shared.interceptors.on_error(&err, &ctx);
                Failed::Own(err)
            }
        };
        let delay = match shared.retry_after(failed, &*ops, &retry, deadline) {
            Ok(delay) => delay,
            Err(end) => return end,
        };
        tokio::time::sleep(delay).await;
    }
}

/// Stages 1 and 2: the request built and authorized, or waiting for a token.
fn authorized<'a>(
    shared: &'a Shared,
    ops: &(dyn CallOps<'a> + Send + 'a),
    total: Option<(Instant, Duration)>,
) -> Result<Prepared<'a>, Error<Infallible>> {
    let mut req = ops.build(&shared.base)?;
    Ok(match ops.authorize(&mut req)? {
        AuthStep::Ready(used) => Prepared::Ready(req, used),
        AuthStep::Fetch {
            fetch,
            slot,
            placement,
            issuer,
        } => Prepared::Fetch(with_token(req, fetch, slot, placement, issuer, total)),
    })
}

/// Stage 3: the interceptors see the request as it will be sent.
fn intercept_request(
    shared: &Shared,
    mut req: PreparedRequest,
    ctx: &AttemptContext,
) -> Result<PreparedRequest, Error<Infallible>> {
    if !shared.interceptors.is_empty() {
        shared.interceptors.before_transmit(&mut req, ctx)?;
    }
    Ok(req)
}

/// Stage 5: the interceptors see the answer before it is decoded.
fn intercept_answer(
    shared: &Shared,
    mut resp: http::Response<Bytes>,
    ctx: &AttemptContext,
) -> Result<http::Response<Bytes>, Error<Infallible>> {
    if !shared.interceptors.is_empty() {
        shared.interceptors.after_transmit(&mut resp, ctx)?;
    }
    Ok(resp)
}

/// A call that ends before its attempt was sent: the interceptors hear of it.
#[cold]
fn failed_before_sending(shared: &Shared, ctx: &AttemptContext, e: Error<Infallible>) -> Ended {
    shared.interceptors.on_error(&e, ctx);
    Err(e)
}

/// An attempt's request: authorized, or waiting for a token.
enum Prepared<'a> {
    Ready(PreparedRequest, Option<UsedToken>),
    Fetch(Pin<Box<dyn Future<Output = Result<Authorized, Error<Infallible>>> + Send + 'a>>),
}

/// A failed attempt: transient and kept by the [`CallOps`] (with its backoff), or the
/// pipeline's own.
enum Failed {
    Kept(Duration, Brief),
    Own(Error<Infallible>),
}

impl Shared {
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
        deadline: Option<Instant>,
    ) -> Result<Duration, Result<(), Error<Infallible>>> {
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
        let give_up = |own: Option<Error<Infallible>>| Err(own.map_or(Ok(()), Err));
        if let Some(d) = deadline
            && Instant::now().checked_add(delay).is_none_or(|at| at >= d)
        {
            tracing::debug!(target: "auth_sdk", delay_ms = delay.as_millis() as u64, error = %brief, "no retry: it could not finish before the total timeout");
            return give_up(own);
        }
        if !self.budget.try_withdraw() {
            tracing::debug!(target: "auth_sdk", error = %brief, "no retry: the client's retry budget is exhausted");
            return give_up(own);
        }
        tracing::debug!(target: "auth_sdk", attempt = retry.attempt, delay_ms = delay.as_millis() as u64, error = %brief, "retrying");
        Ok(delay)
    }
}
