//! Sending requests. [`Transport`] is a trait so tests and users can bring their own; the
//! default is reqwest with rustls, no redirects, no `Referer`, and a cap on the body it
//! reads. Proxies from the standard environment variables (`HTTPS_PROXY`, `NO_PROXY`) are
//! honoured, as users behind a corporate proxy expect.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::header::CONTENT_LENGTH;

pub(crate) mod classify;

use crate::error::{TransportError, TransportErrorKind};
use crate::spec::request::PreparedRequest;
use crate::transport::classify::classify;

/// Sends one HTTP request and reads the whole answer (at most `max_body` bytes of body).
#[async_trait::async_trait]
pub trait Transport: Send + Sync + fmt::Debug + 'static {
    /// Sends `request`. Errors must not contain URLs with queries, or header values.
    async fn send(
        &self,
        request: http::Request<Bytes>,
        max_body: usize,
    ) -> Result<http::Response<Bytes>, TransportError>;
}

/// How a client sends: through the default reqwest transport, called directly (no dynamic
/// dispatch, no boxed future, no `http::Request` conversion), or through a user's
/// [`Transport`], which gets an `http::Request`.
#[derive(Debug)]
pub(crate) enum Sender {
    Reqwest(ReqwestTransport),
    Custom(std::sync::Arc<dyn Transport>),
}

impl Sender {
    /// Starts sending `request`: the conversion to the transport's form happens here, and
    /// what comes back is only the request in flight (24 bytes), which
    /// [`Started::finish`] turns into the answer. Kept apart so that an attempt's state
    /// holds the request in flight, not the request to convert.
    pub(crate) fn start(
        &self,
        request: PreparedRequest,
        max_body: usize,
    ) -> Result<Started<impl ReqwestSend + use<>, CustomSend<'_>>, TransportError> {
        match self {
            Sender::Reqwest(t) => t.start(request).map(Started::Reqwest),
            Sender::Custom(t) => request
                .into_http()
                .map_err(|_| not_converted())
                .map(|request| Started::Custom(t.send(request, max_body))),
        }
    }

    /// Sends `request` and reads the answer: [`Sender::start`] then [`Started::finish`].
    #[cfg(test)]
    pub(crate) async fn send(
        &self,
        request: PreparedRequest,
        max_body: usize,
    ) -> Result<http::Response<Bytes>, TransportError> {
        self.start(request, max_body)?.finish(max_body).await
    }
}

/// The future a user's [`Transport`] returns.
type CustomSend<'a> =
    Pin<Box<dyn Future<Output = Result<http::Response<Bytes>, TransportError>> + Send + 'a>>;

/// reqwest's future of an answer (its type is not nameable).
pub(crate) trait ReqwestSend:
    Future<Output = reqwest::Result<reqwest::Response>> + Send
{
}
impl<F: Future<Output = reqwest::Result<reqwest::Response>> + Send> ReqwestSend for F {}

/// A request handed to its transport: reqwest's future, or the user transport's.
pub(crate) enum Started<R, C> {
    Reqwest(R),
    Custom(C),
}

impl<'a, R: ReqwestSend + 'a> Started<R, CustomSend<'a>> {
    /// The answer, its body read (at most `max_body` bytes).
    #[expect(
        clippy::manual_async_fn,
        reason = "an async fn keeps its parameters twice in its state"
    )]
    pub(crate) fn finish(
        self,
        max_body: usize,
    ) -> impl Future<Output = Result<http::Response<Bytes>, TransportError>> + Send + 'a {
        async move {
            match self {
                Started::Reqwest(pending) => {
                    let resp = pending.await.map_err(|e| classify(&e))?;
                    read_answer(resp, max_body).await
                }
                Started::Custom(sending) => sending.await,
            }
        }
    }
}

/// A request that could not be turned into the transport's form (it was not sent).
fn not_converted() -> TransportError {
    TransportError::new(
        TransportErrorKind::Other,
        false,
        "the request could not be converted",
    )
}

/// The default transport: a `reqwest::Client`.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A reqwest client configured for credential-bearing calls: rustls, redirects off,
    /// no `Referer`, the given connect timeout, the SDK's user agent.
    pub fn new(connect_timeout: Option<Duration>) -> Result<Self, crate::error::BuildError> {
        let builder =
            reqwest::Client::builder().user_agent(concat!("auth-sdk/", env!("CARGO_PKG_VERSION")));
        Self::from_builder(builder, connect_timeout)
    }

    /// A reqwest client from the caller's builder (trusted roots, proxies, pool and HTTP/2
    /// settings), with certificate and host name verification on, redirects off and no
    /// `Referer` whatever the builder said (trust a private CA with the builder's
    /// `tls_certs_only` or `add_root_certificate` instead): reqwest
    /// strips only `Authorization` and `Cookie` on a cross-origin redirect, so a followed
    /// redirect would hand other credential headers (e.g. `x-api-key`) to another host.
    /// There is no way to give the SDK an already-built client, whose policy it could not
    /// change. To share one connection pool between clients, build one transport and pass
    /// clones of it to each builder's `.transport(..)`.
    pub fn from_builder(
        builder: reqwest::ClientBuilder,
        connect_timeout: Option<Duration>,
    ) -> Result<Self, crate::error::BuildError> {
        // Certificate and host name checks back on, whatever the builder said: the one use
        // of these methods the project allows (clippy.toml bans them) is turning them off.
        #[allow(clippy::disallowed_methods)]
        let builder = builder
            .tls_danger_accept_invalid_certs(false)
            .tls_danger_accept_invalid_hostnames(false);
        let mut b = builder
            .redirect(reqwest::redirect::Policy::none())
            .referer(false);
        if let Some(t) = connect_timeout {
            b = b.connect_timeout(t);
        }
        let client = b.build().map_err(|e| {
            crate::error::BuildError::new("http_client", format!("reqwest: {}", e.without_url()))
        })?;
        Ok(ReqwestTransport { client })
    }
}

#[async_trait::async_trait]
impl Transport for ReqwestTransport {
    async fn send(
        &self,
        request: http::Request<Bytes>,
        max_body: usize,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let req = reqwest::Request::try_from(request).map_err(|_| not_converted())?;
        let resp = self.client.execute(req).await.map_err(|e| classify(&e))?;
        read_answer(resp, max_body).await
    }
}

impl ReqwestTransport {
    /// Hands a request as the SDK built it to reqwest (what a client does with its default
    /// transport). The `reqwest::Request` is built from the URL text: `http::Request` would
    /// parse the path into an `http::Uri` that reqwest then prints and parses again as a
    /// `url::Url`.
    fn start(&self, request: PreparedRequest) -> Result<impl ReqwestSend + use<>, TransportError> {
        let (method, url, headers, body) = request.into_parts();
        let url = url::Url::parse(&url).map_err(|_| not_converted())?;
        let mut req = reqwest::Request::new(method, url);
        *req.headers_mut() = headers;
        if !body.is_empty() {
            *req.body_mut() = Some(body.into());
        }
        Ok(self.client.execute(req))
    }
}

/// The most header bytes (names, values and their separators) an answer may have.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Refuses an answer whose headers total more than [`MAX_HEAD_BYTES`] (hyper itself stops
/// at about 400 KiB, or 100 headers).
fn check_head_size(headers: &http::HeaderMap) -> Result<(), TransportError> {
    let total: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if total > MAX_HEAD_BYTES {
        return Err(TransportError::new(
            TransportErrorKind::Protocol,
            true,
            format!(
                "the answer's headers total {total} bytes, over the {MAX_HEAD_BYTES}-byte limit"
            ),
        ));
    }
    Ok(())
}

/// Reads an answer, at most `max_body` bytes of body. Not an `async fn`: its parameters
/// would be kept twice in its state (as captured and as locals).
#[expect(
    clippy::manual_async_fn,
    reason = "an async fn keeps its parameters twice in its state"
)]
fn read_answer(
    mut resp: reqwest::Response,
    max_body: usize,
) -> impl Future<Output = Result<http::Response<Bytes>, TransportError>> + Send {
    async move {
        check_head_size(resp.headers())?;
        let declared = resp
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > max_body as u64) {
            return Err(TransportError::new(
                TransportErrorKind::BodyTooLarge,
                true,
                format!("the answer declares a body larger than the {max_body}-byte cap; not read"),
            ));
        }
        // A body that arrives in one chunk (small answers) is kept as is, not copied.
        let mut single: Option<Bytes> = None;
        let mut buf = BytesMut::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| classify(&e))? {
            let have = single.as_ref().map_or(buf.len(), Bytes::len);
            if have + chunk.len() > max_body {
                return Err(TransportError::new(
                    TransportErrorKind::BodyTooLarge,
                    true,
                    format!("the answer's body exceeds the {max_body}-byte cap; reading stopped"),
                ));
            }
            if single.is_none() && buf.is_empty() {
                single = Some(chunk);
                continue;
            }
            if let Some(first) = single.take() {
                let want = declared.map_or(1024, |n| n as usize);
                buf.reserve(want.max(first.len() + chunk.len()));
                buf.extend_from_slice(&first);
            }
            buf.extend_from_slice(&chunk);
        }
        let body = match single {
            Some(b) => b,
            None => buf.freeze(),
        };
        let mut out = http::Response::new(body);
        *out.status_mut() = resp.status();
        *out.headers_mut() = std::mem::take(resp.headers_mut());
        *out.version_mut() = resp.version();
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
