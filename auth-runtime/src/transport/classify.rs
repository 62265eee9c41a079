//! What a reqwest failure was: connect, TLS, I/O, a broken (protocol-violating) answer,
//! a refused redirect; whether the request may have been sent; and its text, with every URL
//! removed.

use std::fmt;

use crate::error::{TransportError, TransportErrorKind};

/// Classifies a reqwest error. Only connect failures (and TLS failures, which happen during
/// connect) are known not to have sent the request; any other failure may have happened
/// after the request was written, so it counts as sent and a non-idempotent call is not
/// retried.
pub(crate) fn classify(e: &reqwest::Error) -> TransportError {
    if let Some(broken) = protocol_violation(e) {
        return TransportError::new(
            TransportErrorKind::Protocol,
            true,
            format!("the answer is not valid HTTP: {broken}"),
        );
    }
    let (kind, sent, what) = if e.is_connect() && e.is_timeout() {
        (
            TransportErrorKind::ConnectTimeout,
            false,
            "connecting timed out",
        )
    } else if e.is_connect() {
        (TransportErrorKind::Connect, false, "could not connect")
    } else if e.is_timeout() {
        (TransportErrorKind::Io, true, "the transport timed out")
    } else if e.is_body() || e.is_decode() {
        (
            TransportErrorKind::Io,
            true,
            "the connection broke while reading the answer",
        )
    } else if e.is_redirect() {
        (TransportErrorKind::Redirect, true, "redirect refused")
    } else {
        (TransportErrorKind::Io, true, "the connection failed")
    };
    if e.is_connect() && is_tls(e) {
        return TransportError::new(
            TransportErrorKind::Tls,
            false,
            "TLS handshake or certificate failure",
        )
        .with_source(strip(e));
    }
    // The cause is the source, not part of the message: a printed chain names it once.
    TransportError::new(kind, sent, what).with_source(strip(e))
}

fn strip(e: &reqwest::Error) -> StrippedError {
    StrippedError(e.to_string_without_url())
}

trait WithoutUrl {
    fn to_string_without_url(&self) -> String;
}
impl WithoutUrl for reqwest::Error {
    fn to_string_without_url(&self) -> String {
        // `without_url` consumes; rebuild the text from the kind and the source chain instead.
        let mut s = String::from(if self.is_connect() {
            "error trying to connect"
        } else if self.is_timeout() {
            "operation timed out"
        } else if self.is_body() {
            "error reading a body"
        } else {
            "error sending request"
        });
        if let Some(root) = root_cause(self) {
            s.push_str(": ");
            s.push_str(&root);
        }
        s
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cur = e.source()?;
    while let Some(next) = cur.source() {
        cur = next;
    }
    let text = cur.to_string();
    // Never echo anything that looks like a URL (it could carry a query).
    (!text.contains("://")).then_some(text)
}

/// Whether a connect error is a TLS failure. rustls reports its errors (bad certificate,
/// alert, corrupt handshake message) as `io::Error`s of kind `InvalidData`, which a plain
/// TCP connect never produces; the texts are checked too, for other wrappings.
fn is_tls(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cur {
        if c.downcast_ref::<std::io::Error>()
            .is_some_and(io_invalid_data)
        {
            return true;
        }
        let t = c.to_string().to_ascii_lowercase();
        if t.contains("certificate") || t.contains("tls") || t.contains("handshake") {
            return true;
        }
        cur = c.source();
    }
    false
}

/// Whether an `io::Error`, or one it wraps (hyper-util wraps the connector's error), is of
/// kind `InvalidData`.
fn io_invalid_data(io: &std::io::Error) -> bool {
    let mut cur = Some(io);
    for _ in 0..8 {
        let Some(e) = cur else { break };
        if e.kind() == std::io::ErrorKind::InvalidData {
            return true;
        }
        cur = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<std::io::Error>());
    }
    false
}

/// A transport error's underlying cause, with any URL removed.
#[derive(Debug)]
struct StrippedError(String);
impl fmt::Display for StrippedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for StrippedError {}

/// What was wrong, if the error is hyper refusing to parse the answer's head. hyper's text
/// names the fault (e.g. "invalid HTTP header parsed", "message head is too large"), never
/// the offending bytes.
fn protocol_violation(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cur {
        if let Some(h) = c.downcast_ref::<hyper::Error>()
            && h.is_parse()
        {
            return Some(h.to_string());
        }
        cur = c.source();
    }
    None
}
