//! The one per-endpoint piece of a call: [`Shell`], the [`CallOps`] of endpoint `E` (its
//! request, its decoder, the outcome it keeps), and the entry points that run it through
//! the pipeline ([`ClientCore::send`] and, for token exchanges, `execute`).

use http::HeaderMap;

use crate::call::auth_failure::AuthFailure;
use crate::call::authorize::AuthStep;
use crate::call::brief::Brief;
use crate::call::client::{ClientCore, ProviderClient};
use crate::call::ops::{Answer, CallOps, RetryCtx, retry_decision};
use crate::call::pipeline::{Label, drive, run_boxed};
use crate::error::{Error, InvalidInput};
use crate::spec::decode::parse_parts;
use crate::spec::endpoint::Endpoint;
use crate::spec::provider::Provider;
use crate::spec::request::{BaseUrl, PreparedRequest};

/// The [`CallOps`] of a call to endpoint `E`: the only per-endpoint code of a call.
pub(crate) struct Shell<'a, E: Endpoint> {
    core: &'a ClientCore<E::Provider>,
    request: &'a E,
    outcome: Option<Result<E::Response, Error<E::ErrorBody>>>,
}

impl<'a, E: Endpoint> CallOps<'a> for Shell<'a, E>
where
    E::Provider: ProviderClient,
{
    fn provider(&self) -> &'static str {
        <E::Provider as Provider>::NAME
    }

    fn endpoint(&self) -> &'static str {
        E::METADATA.name
    }

    fn idempotent(&self) -> bool {
        E::METADATA.idempotent
    }

    fn build(&self, base: &BaseUrl) -> Result<PreparedRequest, InvalidInput> {
        self.request.prepare_request(base)
    }

    fn authorize(&self, req: &mut PreparedRequest) -> Result<AuthStep<'a>, AuthFailure> {
        let core: &'a ClientCore<E::Provider> = self.core;
        core.authorize(self.request.auth(), req)
    }

    fn failure(&self) -> Option<Brief> {
        match &self.outcome {
            Some(Err(e)) => Some(Brief::of(e)),
            _ => None,
        }
    }

    fn failure_error(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.outcome {
            Some(Err(e)) => Some(e),
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
        let shared = &self.core.shared;
        match parse_parts::<E>(status, headers, body, &|| shared.scrubber()) {
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
        tracing::debug!(target: "auth_sdk", status = %pe.status, "credentials rejected; fetching a new token and replaying once");
        return (None, Answer::Replay);
    }
    let (err, next) = retry_decision(err, provider, idempotent, retry);
    let next = next.map_or(Answer::Done, |(delay, brief)| Answer::Retry(delay, brief));
    (Some(err), next)
}

impl<P: ProviderClient> ClientCore<P> {
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
            scheme: request
                .auth()
                .and_then(|id| P::SCHEMES.get(usize::from(id.0)))
                .map(|s| s.name),
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
}
