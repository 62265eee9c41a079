//! Stage 4 of the pipeline, transmit: one attempt's send under the earlier of its own
//! deadline and the call's total one (one tokio timer), with transport failures classified.

use std::future::Future;

use bytes::Bytes;

use crate::call::client::Shared;
use crate::error::{Error, Timeout, TimeoutKind, TransportErrorKind};
use crate::spec::request::PreparedRequest;

impl Shared {
    /// One attempt: the transport's send under the attempt's timeout and the total deadline.
    /// Not an `async fn`: the deadline is worked out before the future is made, so its state
    /// keeps only the bound (measured: a larger call state made every call slower in malloc).
    pub(crate) fn attempt(
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
