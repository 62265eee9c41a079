//! [`HmacSigner`]: HMAC-SHA256 request signing, run before every attempt is sent.

use std::fmt;
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use hmac::{Hmac, KeyInit, Mac};
use http::{HeaderName, HeaderValue};
use sha2::Sha256;

use crate::call::interceptor::{AttemptContext, BoxError, Interceptor};
use crate::config::clock::{Clock, SystemClock};
use crate::secret::Secret;
use crate::spec::request::PreparedRequest;

/// Signs each attempt with HMAC-SHA256 under a secret key, as many APIs ask of their
/// callers: a timestamp header (Unix seconds) and a signature header holding the lowercase
/// hex HMAC of
///
/// ```text
/// {timestamp}\n{METHOD}\n{path}[?{query}]\n{body}
/// ```
///
/// (the body as sent, bytes as they are; the path and query as they appear in the URL).
/// It runs in `modify_before_transmit`, so it signs the request as it goes out, auth
/// included, and every retry and replay is signed again with a fresh timestamp.
///
/// ```
/// use auth_runtime::interceptors::HmacSigner;
///
/// let signer = HmacSigner::new("sk_test_signing_key")
///     .timestamp_header("x-api-timestamp")
///     .signature_header("x-api-signature");
/// # let _ = signer;
/// ```
pub struct HmacSigner {
    key: Secret,
    timestamp_header: HeaderName,
    signature_header: HeaderName,
    clock: Arc<dyn Clock>,
}

impl HmacSigner {
    /// A signer with `key`, sending `x-timestamp` and `x-signature`.
    pub fn new(key: impl Into<Secret>) -> Self {
        HmacSigner {
            key: key.into(),
            timestamp_header: HeaderName::from_static("x-timestamp"),
            signature_header: HeaderName::from_static("x-signature"),
            clock: Arc::new(SystemClock),
        }
    }

    /// Sends the timestamp in `name` (lowercase).
    #[must_use]
    pub fn timestamp_header(mut self, name: &'static str) -> Self {
        self.timestamp_header = HeaderName::from_static(name);
        self
    }

    /// Sends the signature in `name` (lowercase).
    #[must_use]
    pub fn signature_header(mut self, name: &'static str) -> Self {
        self.signature_header = HeaderName::from_static(name);
        self
    }

    /// Reads the time from `clock` (tests; the default follows tokio's clock).
    #[must_use]
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The signature of a request with these parts, as the signer computes it (a server
    /// verifies with the same function).
    pub fn signature(
        &self,
        timestamp: &str,
        method: &str,
        path_and_query: &str,
        body: &[u8],
    ) -> String {
        sign(
            self.key.expose_secret().as_bytes(),
            timestamp,
            method,
            path_and_query,
            body,
        )
    }
}

/// The lowercase hex HMAC-SHA256 of the canonical string.
fn sign(key: &[u8], timestamp: &str, method: &str, path_and_query: &str, body: &[u8]) -> String {
    // Any key length is valid for HMAC.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    for part in [
        timestamp.as_bytes(),
        method.as_bytes(),
        path_and_query.as_bytes(),
    ] {
        mac.update(part);
        mac.update(b"\n");
    }
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut hex = String::with_capacity(digest.len() * 2);
    for b in digest.iter() {
        hex.push(char::from(HEX[usize::from(b >> 4)]));
        hex.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    hex
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The path and query of an absolute URL (`/` when it has no path).
fn path_and_query(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    url[after_scheme..]
        .find('/')
        .map_or("/", |i| &url[after_scheme + i..])
}

impl fmt::Debug for HmacSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacSigner")
            .field("key", &self.key)
            .field("timestamp_header", &self.timestamp_header)
            .field("signature_header", &self.signature_header)
            .finish_non_exhaustive()
    }
}

impl Interceptor for HmacSigner {
    fn name(&self) -> &'static str {
        "hmac-signer"
    }

    fn modify_before_transmit(
        &self,
        request: &mut PreparedRequest,
        _ctx: &AttemptContext,
    ) -> Result<(), BoxError> {
        let now = self.clock.system_now();
        let secs = now
            .duration_since(UNIX_EPOCH)
            .map_err(|_| "the clock is before 1970")?
            .as_secs();
        let timestamp = secs.to_string();
        let signature = sign(
            self.key.expose_secret().as_bytes(),
            &timestamp,
            request.method().as_str(),
            path_and_query(request.url()),
            request.body(),
        );
        let mut signature = HeaderValue::from_str(&signature)?;
        signature.set_sensitive(true);
        let headers = request.headers_mut();
        headers.insert(self.timestamp_header.clone(), HeaderValue::from(secs));
        headers.insert(self.signature_header.clone(), signature);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_and_query_of_urls() {
        assert_eq!(path_and_query("https://h.example/a/b?x=1"), "/a/b?x=1");
        assert_eq!(path_and_query("http://127.0.0.1:8080"), "/");
        assert_eq!(path_and_query("http://127.0.0.1:8080/"), "/");
    }

    #[test]
    fn signs_the_canonical_string() {
        let got = sign(
            b"sk_test_k",
            "1700000000",
            "POST",
            "/v1/x?y=1",
            b"{\"a\":1}",
        );
        let mut mac =
            Hmac::<Sha256>::new_from_slice(b"sk_test_k").unwrap_or_else(|_| unreachable!());
        mac.update(b"1700000000\nPOST\n/v1/x?y=1\n{\"a\":1}");
        let want: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(got, want);
        assert_ne!(
            got,
            sign(
                b"sk_test_k",
                "1700000001",
                "POST",
                "/v1/x?y=1",
                b"{\"a\":1}"
            )
        );
    }
}
