//! The type-erased view of one call that the pipeline runs ([`CallOps`]), what an answer
//! leads to ([`Answer`]), and the retry decision for a failure of any body type.

use http::HeaderMap;

use crate::call::auth_failure::AuthFailure;
use crate::call::authorize::AuthStep;
use crate::call::brief::Brief;
use crate::config::RetryPolicy;
use crate::config::clock::Clock;
use crate::config::retry::{Decision, Facts, decide, rate_limited};
use crate::error::{Error, InvalidInput};
use crate::spec::request::{BaseUrl, PreparedRequest};

/// What the call loop does after an answer.
pub(crate) enum Answer {
    /// The call is over: its result (success or error) is kept by the [`CallOps`].
    Done,
    /// The credentials were rejected: drop the token used and replay the call once.
    Replay,
    /// A transient failure, kept by the [`CallOps`] as the result if no retry happens.
    Retry(std::time::Duration, Brief),
}

/// What a failed attempt's retry decision needs.
pub(crate) struct RetryCtx<'c> {
    pub(crate) attempt: u32,
    pub(crate) policy: &'c RetryPolicy,
    pub(crate) clock: &'c dyn Clock,
}

/// One call as the loop sees it, with the endpoint and provider types erased: building the
/// request, authorizing it, and judging an answer (decoding it and keeping the result).
pub(crate) trait CallOps<'a> {
    /// The provider's name.
    fn provider(&self) -> &'static str;
    /// The endpoint's name.
    fn endpoint(&self) -> &'static str;
    /// Whether the call may be retried after it reached the server.
    fn idempotent(&self) -> bool;
    /// Builds the request (without auth).
    fn build(&self, base: &BaseUrl) -> Result<PreparedRequest, InvalidInput>;
    /// Applies the call's auth scheme to `headers`, or says which token to fetch first.
    fn authorize(&self, req: &mut PreparedRequest) -> Result<AuthStep<'a>, AuthFailure>;
    /// The kept outcome's failure, if it is one (for the call's closing trace event).
    fn failure(&self) -> Option<Brief>;
    /// The kept outcome's error, if it is one (for the interceptors' `on_error`).
    fn failure_error(&self) -> Option<&(dyn std::error::Error + 'static)>;
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

/// Whether a failure is retried: the error to keep (a throttled one becomes
/// [`Error::RateLimited`]) and, when it is retried, the backoff and the failure's summary.
pub(crate) fn retry_decision<B>(
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
