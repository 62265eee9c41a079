//! The errors of the stages before an answer: input, credentials, token exchange, timeouts,
//! the transport, and a client's configuration.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

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

/// Obtaining a token failed. Every caller that waited on the same exchange gets a clone of
/// it (they share the issuer call's error).
#[derive(Debug, Clone)]
pub struct TokenExchangeError {
    /// Provider name.
    pub provider: &'static str,
    /// The issuer endpoint (e.g. `create_token`).
    pub issuer: &'static str,
    pub(crate) transient: bool,
    pub(crate) source: Arc<dyn StdError + Send + Sync + 'static>,
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
            source: Arc::new(source),
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
            "{}: obtaining a token with `{}` failed",
            self.provider, self.issuer
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
    /// The answer broke the HTTP protocol (an invalid status line or header, conflicting
    /// `Content-Length`s, too many or too large headers). Never retried: a broken server
    /// answers the same way again.
    Protocol,
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

/// An interceptor's hook failed (returned an error or panicked); the call stopped there.
#[derive(Debug)]
pub struct InterceptorError {
    /// The interceptor's [`name`](crate::Interceptor::name).
    pub interceptor: &'static str,
    /// The hook that failed, e.g. `modify_before_transmit`.
    pub hook: &'static str,
    /// Whether the attempt had been sent when the hook failed.
    pub sent: bool,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl InterceptorError {
    /// An error of `interceptor` in `hook`; `source` is the hook's own error (`None` when
    /// it panicked).
    pub fn new(
        interceptor: &'static str,
        hook: &'static str,
        sent: bool,
        source: Option<Box<dyn StdError + Send + Sync + 'static>>,
    ) -> Self {
        InterceptorError {
            interceptor,
            hook,
            sent,
            source,
        }
    }
}

impl fmt::Display for InterceptorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "interceptor `{}` failed in {}",
            self.interceptor, self.hook
        )?;
        if self.source.is_none() {
            f.write_str(" (it panicked)")?;
        }
        Ok(())
    }
}

impl StdError for InterceptorError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}
