//! Errors, classified by the stage that failed.
//!
//! Every generated endpoint's `Error` is [`Error<B>`] where `B` is the provider's typed
//! error body. No rendering of an error (`Display`, `Debug`, the `source()` chain) contains
//! a credential: URLs are stripped of their query, serde messages are reduced to the field
//! path and the error category, and raw bodies live behind [`RawBody`].

use std::error::Error as StdError;
use std::fmt;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

use crate::secret::RawBody;

/// The error of a call, by stage.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<B = serde_json::Value> {
    /// The request could not be built from the given input; nothing was sent.
    InvalidInput(InvalidInput),
    /// The auth scheme of the call needs a credential the client was not given.
    MissingCredential(MissingCredential),
    /// Obtaining a token from the provider's issuer endpoint failed; the call was not sent.
    TokenExchange(TokenExchangeError),
    /// A timeout expired.
    Timeout(Timeout),
    /// The request failed below HTTP (connect, reset, TLS, truncated body).
    Transport(TransportError),
    /// The provider answered with an error (a non-success status, or a failure code in a
    /// success envelope) and its typed error body.
    Provider(Box<ProviderError<B>>),
    /// The provider answered but the body could not be decoded; the raw body is kept.
    Decode(DecodeError),
    /// The provider throttled the call and asked for a wait longer than the client may sleep.
    RateLimited(RateLimited),
}

impl<B> Error<B> {
    /// The HTTP status of the response, if one was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Provider(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::RateLimited(e) => Some(e.status),
            _ => None,
        }
    }

    /// The provider's typed error, if the provider answered with one.
    pub fn provider_error(&self) -> Option<&ProviderError<B>> {
        match self {
            Error::Provider(e) => Some(e),
            _ => None,
        }
    }

    /// Whether the failure is transient: a retry of an idempotent call may succeed.
    ///
    /// Connect failures, broken connections and timeouts are; TLS failures, oversized
    /// bodies, refused redirects and other transport errors are not (a retry would fail
    /// the same way). A provider answer is transient by its status (408, 429, 500, 502,
    /// 503, 504) unless it carries the server's hint `x-should-retry: true` or `false`,
    /// which decides instead.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Timeout(_) | Error::RateLimited(_) => true,
            Error::Transport(e) => matches!(
                e.kind,
                TransportErrorKind::Connect
                    | TransportErrorKind::ConnectTimeout
                    | TransportErrorKind::Io
            ),
            Error::Provider(e) => crate::retry::should_retry_hint(&e.headers)
                .unwrap_or_else(|| crate::retry::is_transient_status(e.status)),
            Error::TokenExchange(e) => e.transient,
            _ => false,
        }
    }

    /// Whether the request may have reached the provider and been acted on, although no
    /// usable answer came back (e.g. a Loccus API key may have been created).
    pub fn may_have_been_processed(&self) -> bool {
        match self {
            Error::Transport(e) => e.sent,
            Error::Timeout(t) => t.sent,
            _ => false,
        }
    }

    /// Converts the typed body of a provider error, keeping every other variant.
    pub fn map_body<C>(self, f: impl FnOnce(B) -> C) -> Error<C> {
        match self {
            Error::InvalidInput(e) => Error::InvalidInput(e),
            Error::MissingCredential(e) => Error::MissingCredential(e),
            Error::TokenExchange(e) => Error::TokenExchange(e),
            Error::Timeout(e) => Error::Timeout(e),
            Error::Transport(e) => Error::Transport(e),
            Error::Provider(e) => {
                let e = *e;
                Error::Provider(Box::new(ProviderError {
                    provider: e.provider,
                    endpoint: e.endpoint,
                    status: e.status,
                    headers: e.headers,
                    code: e.code,
                    body: e.body.map(f),
                    raw: e.raw,
                    auth_failure: e.auth_failure,
                }))
            }
            Error::Decode(e) => Error::Decode(e),
            Error::RateLimited(e) => Error::RateLimited(e),
        }
    }
}

impl Error<std::convert::Infallible> {
    /// The same error typed for any body (it has none). Generic over the body only, so
    /// endpoints sharing an error body share one copy.
    pub(crate) fn widen<B>(self) -> Error<B> {
        self.map_body(|never| match never {})
    }
}

impl<B: fmt::Debug> fmt::Display for Error<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidInput(e) => fmt::Display::fmt(e, f),
            Error::MissingCredential(e) => fmt::Display::fmt(e, f),
            Error::TokenExchange(e) => fmt::Display::fmt(e, f),
            Error::Timeout(e) => fmt::Display::fmt(e, f),
            Error::Transport(e) => fmt::Display::fmt(e, f),
            Error::Provider(e) => fmt::Display::fmt(e, f),
            Error::Decode(e) => fmt::Display::fmt(e, f),
            Error::RateLimited(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl<B: fmt::Debug> StdError for Error<B> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Error::InvalidInput(e) => Some(e),
            Error::MissingCredential(e) => Some(e),
            Error::TokenExchange(e) => Some(e),
            Error::Timeout(e) => Some(e),
            Error::Transport(e) => Some(e),
            Error::Provider(_) => None,
            Error::Decode(e) => Some(e),
            Error::RateLimited(e) => Some(e),
        }
    }
}

macro_rules! impl_from {
    ($($variant:ident($ty:ty)),*) => {$(
        impl<B> From<$ty> for Error<B> {
            fn from(e: $ty) -> Self {
                Error::$variant(e)
            }
        }
    )*};
}
impl_from!(
    InvalidInput(InvalidInput),
    MissingCredential(MissingCredential),
    TokenExchange(TokenExchangeError),
    Timeout(Timeout),
    Transport(TransportError),
    Decode(DecodeError),
    RateLimited(RateLimited)
);

/// Input that cannot be sent: a header value with control characters, a path parameter
/// that is not one valid segment, a value outside the documented charset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    /// The field of the request (its Rust name) or the configuration item.
    pub field: &'static str,
    /// What is wrong and what is accepted. Never contains the value itself.
    pub reason: String,
}

impl InvalidInput {
    /// A new input error for `field`.
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        InvalidInput {
            field,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid input `{}`: {}", self.field, self.reason)
    }
}
impl StdError for InvalidInput {}

/// A credential the auth scheme needs was not configured on the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingCredential {
    /// Provider name.
    pub provider: &'static str,
    /// Auth scheme of the call.
    pub scheme: &'static str,
    /// The missing credential(s), e.g. `api_key`.
    pub credential: &'static str,
}

impl fmt::Display for MissingCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the `{}` auth scheme needs the `{}` credential, which the client was not given",
            self.provider, self.scheme, self.credential
        )
    }
}
impl StdError for MissingCredential {}

/// Obtaining a token failed.
#[derive(Debug)]
pub struct TokenExchangeError {
    /// Provider name.
    pub provider: &'static str,
    /// The issuer endpoint (e.g. `create_token`).
    pub issuer: &'static str,
    pub(crate) transient: bool,
    pub(crate) source: Box<dyn StdError + Send + Sync + 'static>,
}

impl TokenExchangeError {
    /// Wraps the issuer call's error.
    pub fn new<E: StdError + Send + Sync + 'static>(
        provider: &'static str,
        issuer: &'static str,
        transient: bool,
        source: E,
    ) -> Self {
        TokenExchangeError {
            provider,
            issuer,
            transient,
            source: Box::new(source),
        }
    }

    /// The issuer call's own error (an `Error<B>` of the issuer endpoint, or a [`Timeout`]).
    pub fn inner(&self) -> &(dyn StdError + Send + Sync + 'static) {
        &*self.source
    }
}

impl fmt::Display for TokenExchangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: obtaining a token with `{}` failed: {}",
            self.provider, self.issuer, self.source
        )
    }
}
impl StdError for TokenExchangeError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}

/// Which bound expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Establishing the connection.
    Connect,
    /// One attempt (request sent, response and body read).
    Attempt,
    /// The whole call, retries and token exchange included.
    Total,
    /// The token exchange.
    TokenExchange,
}

/// A timeout expired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeout {
    /// Which bound.
    pub kind: TimeoutKind,
    /// Its length.
    pub after: Duration,
    pub(crate) sent: bool,
}

impl Timeout {
    pub(crate) fn new(kind: TimeoutKind, after: Duration, sent: bool) -> Self {
        Timeout { kind, after, sent }
    }
}

impl fmt::Display for Timeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TimeoutKind::Connect => "connecting",
            TimeoutKind::Attempt => "the attempt",
            TimeoutKind::Total => "the call",
            TimeoutKind::TokenExchange => "the token exchange",
        };
        write!(f, "{what} timed out after {:?}", self.after)?;
        if self.sent {
            f.write_str(" (the request may have been processed)")?;
        }
        Ok(())
    }
}
impl StdError for Timeout {}

/// What went wrong below HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// Could not connect.
    Connect,
    /// Connecting took longer than the connect timeout.
    ConnectTimeout,
    /// TLS handshake or certificate failure (never retried).
    Tls,
    /// The connection broke while sending or receiving.
    Io,
    /// The body was longer than the configured cap.
    BodyTooLarge,
    /// The provider redirected a credential-bearing call; it was not followed.
    Redirect,
    /// Anything else the transport reported.
    Other,
}

/// A failure below HTTP. Its text never contains a URL query or a header value.
#[derive(Debug)]
pub struct TransportError {
    /// The kind of failure.
    pub kind: TransportErrorKind,
    /// Whether the request may have reached the provider.
    pub sent: bool,
    message: String,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl TransportError {
    /// A transport error with a message (which must not contain secrets).
    pub fn new(kind: TransportErrorKind, sent: bool, message: impl Into<String>) -> Self {
        TransportError {
            kind,
            sent,
            message: message.into(),
            source: None,
        }
    }

    /// Attaches the underlying error. Callers must strip URLs from it first
    /// (e.g. `reqwest::Error::without_url`).
    pub fn with_source<E: StdError + Send + Sync + 'static>(mut self, source: E) -> Self {
        self.source = Some(Box::new(source));
        self
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if self.sent {
            f.write_str(" (the request may have been processed)")?;
        }
        Ok(())
    }
}
impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// The provider answered with an error.
pub struct ProviderError<B> {
    /// Provider name.
    pub provider: &'static str,
    /// Endpoint name.
    pub endpoint: &'static str,
    /// HTTP status (may be 200 for envelope failures such as Akool's `code`).
    pub status: StatusCode,
    /// The response headers (rate-limit headers among them).
    pub headers: HeaderMap,
    /// The envelope's failure code, for providers that report errors in the body.
    pub code: Option<i64>,
    /// The typed error body, if it decoded.
    pub body: Option<B>,
    /// The raw body.
    pub raw: RawBody,
    pub(crate) auth_failure: bool,
}

impl<B> ProviderError<B> {
    /// Whether the provider rejected the credentials (HTTP 401, or an envelope code the
    /// provider declares as an auth failure).
    pub fn is_auth_failure(&self) -> bool {
        self.auth_failure
    }

    /// The `X-RateLimit-*` and `Retry-After` headers of the answer.
    pub fn rate_limit(&self) -> crate::ratelimit::RateLimit {
        crate::ratelimit::RateLimit::from_headers(&self.headers)
    }
}

impl<B: fmt::Debug> fmt::Debug for ProviderError<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderError")
            .field("provider", &self.provider)
            .field("endpoint", &self.endpoint)
            .field("status", &self.status)
            .field("code", &self.code)
            .field("body", &self.body)
            .field("raw", &self.raw)
            .finish_non_exhaustive()
    }
}

impl<B: fmt::Debug> fmt::Display for ProviderError<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} `{}` answered HTTP {}",
            self.provider, self.endpoint, self.status
        )?;
        if let Some(code) = self.code {
            write!(f, " with code {code}")?;
        }
        match &self.body {
            Some(body) => write!(f, ": {body:?}"),
            None if self.raw.is_empty() => f.write_str(" with an empty body"),
            None => write!(f, " with an undecodable body of {} bytes", self.raw.len()),
        }
    }
}

/// The response body could not be decoded.
#[derive(Debug)]
pub struct DecodeError {
    /// Provider name.
    pub provider: &'static str,
    /// Endpoint name.
    pub endpoint: &'static str,
    /// HTTP status of the answer.
    pub status: StatusCode,
    /// Path of the offending field (`data.credit`), empty for the top level.
    pub path: String,
    /// What kind of decoding failure (syntax, data, end of input...).
    pub category: &'static str,
    /// Line and column of the failure in the body.
    pub position: (usize, usize),
    /// The raw body, so nothing is lost (e.g. a created API key's token).
    pub raw: RawBody,
}

impl DecodeError {
    /// The raw body that failed to decode. It may contain secrets.
    pub fn raw_body(&self) -> &RawBody {
        &self.raw
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} `{}`: could not decode the HTTP {} body ({} error",
            self.provider, self.endpoint, self.status, self.category
        )?;
        if !self.path.is_empty() && self.path != "." {
            write!(f, " at `{}`", self.path)?;
        }
        write!(
            f,
            ", line {} column {}, {} bytes kept)",
            self.position.0,
            self.position.1,
            self.raw.len()
        )
    }
}
impl StdError for DecodeError {}

/// The provider throttled the call for longer than the client is allowed to wait.
#[derive(Debug, Clone)]
pub struct RateLimited {
    /// Provider name.
    pub provider: &'static str,
    /// HTTP status (usually 429).
    pub status: StatusCode,
    /// How long the provider asked to wait, if it said.
    pub retry_after: Option<Duration>,
    /// When the provider's window resets, if it said (`X-RateLimit-Reset`).
    pub reset_at: Option<SystemTime>,
    /// Everything the answer said about the limit (`X-RateLimit-Limit`, `-Remaining`, `-Reset`).
    pub rate_limit: crate::ratelimit::RateLimit,
}

impl fmt::Display for RateLimited {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} rate-limited the call (HTTP {})",
            self.provider, self.status
        )?;
        if let Some(wait) = self.retry_after {
            write!(f, "; retry after {}s", wait.as_secs())?;
        }
        Ok(())
    }
}
impl StdError for RateLimited {}

/// Configuration that cannot work, reported when the client is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    /// The configuration item.
    pub item: &'static str,
    /// What is wrong and what to do.
    pub reason: String,
}

impl BuildError {
    pub(crate) fn new(item: &'static str, reason: impl Into<String>) -> Self {
        BuildError {
            item,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid client configuration `{}`: {}",
            self.item, self.reason
        )
    }
}
impl StdError for BuildError {}

/// Reduces a serde_json error to a path and category, dropping the message (which can quote
/// the offending value, e.g. a token in a mistyped field).
pub(crate) fn decode_error(
    provider: &'static str,
    endpoint: &'static str,
    status: StatusCode,
    inner: serde_json::Error,
    raw: &[u8],
) -> DecodeError {
    let path = crate::json_path::path_at(raw, inner.line(), inner.column(), inner.classify());
    let category = match inner.classify() {
        serde_json::error::Category::Io => "io",
        serde_json::error::Category::Syntax => "syntax",
        serde_json::error::Category::Data => "data",
        serde_json::error::Category::Eof => "unexpected end of input",
    };
    DecodeError {
        provider,
        endpoint,
        status,
        path,
        category,
        position: (inner.line(), inner.column()),
        raw: RawBody::new(raw.to_vec()),
    }
}
