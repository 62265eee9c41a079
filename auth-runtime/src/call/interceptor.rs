//! Interceptors: steps a user adds to the pipeline of every call of a client, with named
//! hooks around each attempt (signing, per-attempt headers, metrics, inspecting answers).
//!
//! The hooks are synchronous: they run between the SDK's own steps, on the task of the
//! call, and must not block. Work that needs I/O belongs in a [`crate::Transport`].

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

use crate::error::InterceptorError;
use crate::spec::request::PreparedRequest;

/// The error type an interceptor's hook returns.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A step of every call's pipeline. Register it with
/// [`ClientBuilder::interceptor`](crate::ClientBuilder::interceptor); interceptors run in
/// the order they were registered, on every attempt: the first one, each retry, and the
/// replay after the provider rejected a cached token (each of those is a new attempt, so a
/// signature is computed again). The calls a client makes to obtain a token run through
/// them too ([`AttemptContext::endpoint`] names the issuer).
///
/// Every hook has a default that does nothing. A hook that returns an error, or panics,
/// ends the call with [`Error::Interceptor`](crate::Error::Interceptor) naming the
/// interceptor and the hook; it is not retried.
///
/// ```
/// use auth_runtime::{AttemptContext, BoxError, Interceptor, PreparedRequest};
///
/// /// Adds a request id to every attempt.
/// #[derive(Debug)]
/// struct RequestId;
///
/// impl Interceptor for RequestId {
///     fn name(&self) -> &'static str {
///         "request-id"
///     }
///     fn modify_before_transmit(
///         &self,
///         request: &mut PreparedRequest,
///         ctx: &AttemptContext,
///     ) -> Result<(), BoxError> {
///         let id = format!("{}-{}", ctx.endpoint, ctx.attempt);
///         request.headers_mut().insert("x-request-id", id.parse()?);
///         Ok(())
///     }
/// }
/// ```
pub trait Interceptor: Send + Sync + fmt::Debug + 'static {
    /// The interceptor's name, for errors and logs.
    fn name(&self) -> &'static str;

    /// Before each attempt is sent, with the request as it will go out: auth placed, every
    /// header of the SDK set, body final. The place to sign a request or add headers.
    fn modify_before_transmit(
        &self,
        request: &mut PreparedRequest,
        ctx: &AttemptContext,
    ) -> Result<(), BoxError> {
        let _ = (request, ctx);
        Ok(())
    }

    /// After each attempt got an answer (its body read), with the answer's status and
    /// headers, before anything else looks at it.
    fn read_after_transmit(
        &self,
        response: &ResponseHead<'_>,
        ctx: &AttemptContext,
    ) -> Result<(), BoxError> {
        let _ = (response, ctx);
        Ok(())
    }

    /// Before an answer is decoded (and judged: success, provider error, retry, replay):
    /// status, headers and body may be changed.
    fn modify_before_decode(
        &self,
        response: &mut http::Response<Bytes>,
        ctx: &AttemptContext,
    ) -> Result<(), BoxError> {
        let _ = (response, ctx);
        Ok(())
    }

    /// After an attempt failed: no answer (a transport error or a timeout), an answer that
    /// is an error (before it is retried or returned), or no attempt at all (the request
    /// could not be built or authorized). The error is the SDK's, as the call would return
    /// it; its `Display` never contains a secret.
    fn on_error(&self, error: &(dyn std::error::Error + 'static), ctx: &AttemptContext) {
        let _ = (error, ctx);
    }
}

/// Where in its call an attempt is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AttemptContext {
    /// The provider's name, e.g. `"CoopFin"`.
    pub provider: &'static str,
    /// The endpoint's name in its spec, e.g. `"create_token"`.
    pub endpoint: &'static str,
    /// The attempt's number in its call: 1 for the first, counting every retry and replay.
    pub attempt: u32,
    /// Whether this attempt replays the call after the provider rejected a cached token
    /// (with a new token).
    pub replay: bool,
}

/// The status and headers of an answer.
#[derive(Debug, Clone, Copy)]
pub struct ResponseHead<'a> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The headers.
    pub headers: &'a HeaderMap,
}

/// The interceptors of a client, in order.
#[derive(Debug, Default)]
pub(crate) struct Interceptors(Box<[Box<dyn Interceptor>]>);

impl Interceptors {
    pub(crate) fn new(list: Vec<Box<dyn Interceptor>>) -> Self {
        Interceptors(list.into_boxed_slice())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Runs each interceptor's `modify_before_transmit`, stopping at the first failure.
    pub(crate) fn before_transmit(
        &self,
        request: &mut PreparedRequest,
        ctx: &AttemptContext,
    ) -> Result<(), InterceptorError> {
        for i in self.0.iter() {
            guarded(i.as_ref(), "modify_before_transmit", false, || {
                i.modify_before_transmit(request, ctx)
            })?;
        }
        Ok(())
    }

    /// Runs `read_after_transmit` then `modify_before_decode` of each interceptor (all of
    /// the first hook, then all of the second), stopping at the first failure.
    pub(crate) fn after_transmit(
        &self,
        response: &mut http::Response<Bytes>,
        ctx: &AttemptContext,
    ) -> Result<(), InterceptorError> {
        for i in self.0.iter() {
            let head = ResponseHead {
                status: response.status(),
                headers: response.headers(),
            };
            guarded(i.as_ref(), "read_after_transmit", true, || {
                i.read_after_transmit(&head, ctx)
            })?;
        }
        for i in self.0.iter() {
            guarded(i.as_ref(), "modify_before_decode", true, || {
                i.modify_before_decode(response, ctx)
            })?;
        }
        Ok(())
    }

    /// Tells each interceptor of a failure. A panicking `on_error` is ignored (with a
    /// trace event): it cannot change the call's outcome.
    pub(crate) fn on_error(&self, error: &(dyn std::error::Error + 'static), ctx: &AttemptContext) {
        for i in self.0.iter() {
            if catch_unwind(AssertUnwindSafe(|| i.on_error(error, ctx))).is_err() {
                tracing::warn!(target: "auth_sdk",
                    interceptor = i.name(),
                    "an interceptor panicked in on_error"
                );
            }
        }
    }
}

/// Runs one hook; an error or a panic becomes the interceptor's typed error.
fn guarded(
    i: &dyn Interceptor,
    hook: &'static str,
    sent: bool,
    run: impl FnOnce() -> Result<(), BoxError>,
) -> Result<(), InterceptorError> {
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(source)) => Err(InterceptorError::new(i.name(), hook, sent, Some(source))),
        Err(_) => Err(InterceptorError::new(i.name(), hook, sent, None)),
    }
}
