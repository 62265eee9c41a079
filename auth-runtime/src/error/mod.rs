//! Errors, classified by the stage that failed.
//!
//! Every generated endpoint's `Error` is [`Error<B>`] where `B` is the provider's typed
//! error body. No rendering of an error (`Display`, `Debug`, the `source()` chain) contains
//! a credential: URLs are stripped of their query, serde messages are reduced to the field
//! path and the error category, and raw bodies live behind [`RawBody`](crate::RawBody).

pub(crate) mod answer;
pub(crate) mod json_path;
pub(crate) mod rate_limit;
pub(crate) mod stage;
pub(crate) mod transient;

use http::StatusCode;
use std::error::Error as StdError;
use std::fmt;

pub(crate) use answer::decode_error;
pub use answer::{DecodeError, ProviderError, RateLimited};
pub use stage::{
    BuildError, InterceptorError, InvalidInput, MissingCredential, Timeout, TimeoutKind,
    TokenExchangeError, TransportError, TransportErrorKind,
};

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
    /// An [`Interceptor`](crate::Interceptor) of the client failed; the call was stopped.
    Interceptor(InterceptorError),
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
    /// bodies, refused redirects, answers that break HTTP (`Protocol`) and other transport
    /// errors are not (a retry would fail the same way). A provider answer is transient by
    /// its status (408, 429, 500, 502, 503, 504) unless it carries the server's hint
    /// `x-should-retry: true` or `false`, which decides instead.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Timeout(_) | Error::RateLimited(_) => true,
            Error::Transport(e) => matches!(
                e.kind,
                TransportErrorKind::Connect
                    | TransportErrorKind::ConnectTimeout
                    | TransportErrorKind::Io
            ),
            Error::Provider(e) => transient::should_retry_hint(&e.headers)
                .unwrap_or_else(|| transient::is_transient_status(e.status)),
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
            Error::Interceptor(e) => e.sent,
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
                    message: e.message,
                    auth_failure: e.auth_failure,
                }))
            }
            Error::Decode(e) => Error::Decode(e),
            Error::RateLimited(e) => Error::RateLimited(e),
            Error::Interceptor(e) => Error::Interceptor(e),
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
            Error::Interceptor(e) => fmt::Display::fmt(e, f),
        }
    }
}

/// Transparent: an `Error` displays its stage's error, so its `source()` is that error's
/// own source, and a printed chain (e.g. `anyhow`'s `{:#}`) names each cause once.
impl<B: fmt::Debug> StdError for Error<B> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Error::InvalidInput(e) => e.source(),
            Error::MissingCredential(e) => e.source(),
            Error::TokenExchange(e) => e.source(),
            Error::Timeout(e) => e.source(),
            Error::Transport(e) => e.source(),
            Error::Provider(_) => None,
            Error::Decode(e) => e.source(),
            Error::RateLimited(e) => e.source(),
            Error::Interceptor(e) => e.source(),
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
    RateLimited(RateLimited),
    Interceptor(InterceptorError)
);
