//! [`Brief`]: a failure's one-line summary for trace events (its stage, never a body).

use std::fmt;

use crate::error::{Error, Timeout, TimeoutKind, TransportErrorKind};

/// One-line error text for tracing events: the stage only, never bodies. Copied out of the
/// error so the call loop can log a failure that its [`CallOps`] keeps.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Brief {
    Input(&'static str),
    Missing(&'static str),
    Exchange(&'static str),
    Timeout(TimeoutKind, std::time::Duration),
    Transport(TransportErrorKind),
    Provider(http::StatusCode),
    Decode(http::StatusCode),
    RateLimited(http::StatusCode),
    Interceptor(&'static str, &'static str),
}

impl Brief {
    pub(crate) fn of<B>(e: &Error<B>) -> Self {
        match e {
            Error::InvalidInput(e) => Brief::Input(e.field),
            Error::MissingCredential(e) => Brief::Missing(e.credential),
            Error::TokenExchange(e) => Brief::Exchange(e.issuer),
            Error::Timeout(t) => Brief::Timeout(t.kind, t.after),
            Error::Transport(t) => Brief::Transport(t.kind),
            Error::Provider(p) => Brief::Provider(p.status),
            Error::Decode(d) => Brief::Decode(d.status),
            Error::RateLimited(r) => Brief::RateLimited(r.status),
            Error::Interceptor(i) => Brief::Interceptor(i.interceptor, i.hook),
        }
    }
}

/// A failure as OpenTelemetry's `error.type`: the HTTP status code for an answer the call
/// failed on, else a low-cardinality name of the stage.
pub(crate) struct ErrorType(pub(crate) Brief);

impl fmt::Display for ErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Brief::Provider(s) | Brief::Decode(s) | Brief::RateLimited(s) => {
                write!(f, "{}", s.as_u16())
            }
            Brief::Input(_) => f.write_str("invalid_input"),
            Brief::Missing(_) => f.write_str("missing_credential"),
            Brief::Exchange(_) => f.write_str("token_exchange"),
            Brief::Timeout(..) => f.write_str("timeout"),
            Brief::Transport(kind) => write!(f, "transport_{}", format!("{kind:?}").to_lowercase()),
            Brief::Interceptor(..) => f.write_str("interceptor"),
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
            Brief::Interceptor(name, hook) => write!(f, "interceptor `{name}` failed in {hook}"),
        }
    }
}
