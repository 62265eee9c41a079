//! [`SecretUrl`]: a link that carries a secret in its query string.
//!
//! The SDK never puts secrets in the URLs of the requests it sends (they travel in headers
//! and bodies). Some providers' browser-facing pages need one anyway (Coinflow's hosted UI
//! takes `?sessionKey=<key>`); such links are built here and stay wrapped, so logging or
//! printing one shows where it points and which parameters it has, never their values.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use zeroize::Zeroizing;

use crate::error::InvalidInput;
use crate::secret::Secret;

/// Bytes left unencoded in a query name or value: RFC 3986 unreserved characters. Anything
/// else (`&`, `=`, `+`, `#`, `%`, spaces, non-ASCII...) is percent-encoded, so a value can
/// never end its parameter or start another.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A URL whose query carries secrets, e.g. a hosted-UI link with `?sessionKey=<key>`.
///
/// `Debug` and `Display` show the scheme, host, port, path and the query parameters' names,
/// never their values (nor a fragment); [`expose_secret`](Self::expose_secret) returns the
/// whole URL, to hand to a browser. The full text is zeroized on drop.
///
/// ```
/// use auth_runtime::{Secret, SecretUrl};
/// let key = Secret::new("sk_test_123");
/// let url = SecretUrl::with_query("https://example.invalid/withdraw/m-1", &[("sessionKey", &key)])?;
/// assert_eq!(
///     format!("{url:?}"),
///     "SecretUrl(https://example.invalid/withdraw/m-1?sessionKey=[REDACTED])"
/// );
/// assert_eq!(url.expose_secret(), "https://example.invalid/withdraw/m-1?sessionKey=sk_test_123");
/// # Ok::<(), auth_runtime::InvalidInput>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SecretUrl {
    full: Secret,
    redacted: String,
}

impl SecretUrl {
    /// Appends `params` to the query of `base`, each name and value percent-encoded (every
    /// byte but RFC 3986 unreserved characters), after any query `base` already has.
    ///
    /// `base` must be an absolute `https` URL (or `http` to a loopback host, for local
    /// testing) without credentials or fragment; names must be non-empty and values
    /// non-empty. Errors never contain the values.
    pub fn with_query(base: &str, params: &[(&str, &Secret)]) -> Result<SecretUrl, InvalidInput> {
        let mut url =
            url::Url::parse(base).map_err(|_| InvalidInput::new("base", "not an absolute URL"))?;
        let loopback = match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            None => return Err(InvalidInput::new("base", "the URL has no host")),
        };
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => {
                return Err(InvalidInput::new(
                    "base",
                    "a URL carrying a secret must be https (http only to a loopback host)",
                ));
            }
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(InvalidInput::new(
                "base",
                "the URL must not carry user credentials",
            ));
        }
        if url.fragment().is_some() {
            return Err(InvalidInput::new(
                "base",
                "the URL must not have a fragment",
            ));
        }
        let mut query = Zeroizing::new(url.query().unwrap_or_default().to_owned());
        for (name, value) in params {
            if name.is_empty() {
                return Err(InvalidInput::new(
                    "params",
                    "a query parameter name is empty",
                ));
            }
            if value.is_empty() {
                return Err(InvalidInput::new(
                    "params",
                    format!(
                        "the value of query parameter `{}` is empty",
                        utf8_percent_encode(name, QUERY_VALUE)
                    ),
                ));
            }
            if !query.is_empty() {
                query.push('&');
            }
            query.extend(utf8_percent_encode(name, QUERY_VALUE));
            query.push('=');
            query.extend(utf8_percent_encode(value.expose_secret(), QUERY_VALUE));
        }
        url.set_query((!query.is_empty()).then_some(query.as_str()));
        let redacted = redact(&url);
        Ok(SecretUrl {
            full: Secret::new(String::from(url)),
            redacted,
        })
    }

    /// The whole URL, secrets included: hand it to a browser, never to a log.
    pub fn expose_secret(&self) -> &str {
        self.full.expose_secret()
    }

    /// The URL with every query value replaced by `[REDACTED]`; safe to log.
    pub fn redacted(&self) -> &str {
        &self.redacted
    }
}

/// `scheme://host[:port]/path?name=[REDACTED]&...`: every query value hidden.
fn redact(url: &url::Url) -> String {
    let mut out = String::with_capacity(64);
    out.push_str(url.scheme());
    out.push_str("://");
    out.push_str(url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        out.push(':');
        out.push_str(&port.to_string());
    }
    out.push_str(url.path());
    if let Some(q) = url.query() {
        let mut first = true;
        for pair in q.split('&').filter(|p| !p.is_empty()) {
            out.push(if first { '?' } else { '&' });
            first = false;
            let name = pair.split_once('=').map_or(pair, |(n, _)| n);
            out.push_str(name);
            out.push_str("=[REDACTED]");
        }
    }
    out
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretUrl({})", self.redacted)
    }
}

impl fmt::Display for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretUrl({})", self.redacted)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const CANARY: &str = "sk_test_CANARY";

    #[test]
    fn debug_and_display_show_names_never_values() {
        let key = Secret::new(CANARY);
        let u = SecretUrl::with_query(
            "https://sandbox.coinflow.cash/solana/withdraw/m-1",
            &[("sessionKey", &key)],
        )
        .unwrap();
        let expected =
            "SecretUrl(https://sandbox.coinflow.cash/solana/withdraw/m-1?sessionKey=[REDACTED])";
        assert_eq!(format!("{u:?}"), expected);
        assert_eq!(format!("{u}"), expected);
        assert_eq!(
            format!("{:?}", Some(u.clone())),
            format!("Some({expected})")
        );
        assert_eq!(
            u.redacted(),
            "https://sandbox.coinflow.cash/solana/withdraw/m-1?sessionKey=[REDACTED]"
        );
        assert_eq!(
            u.expose_secret(),
            format!("https://sandbox.coinflow.cash/solana/withdraw/m-1?sessionKey={CANARY}")
        );
        for text in [format!("{u:?}"), format!("{u}"), format!("{u:#?}")] {
            assert!(!text.contains("CANARY"), "{text}");
        }
    }

    #[test]
    fn existing_query_values_and_ports_are_handled() {
        let a = Secret::new("a&b=c");
        let b = Secret::new(CANARY);
        let u = SecretUrl::with_query(
            "https://example.invalid:8443/p/?theme=dark",
            &[("sessionKey", &a), ("other", &b)],
        )
        .unwrap();
        assert_eq!(
            u.expose_secret(),
            format!(
                "https://example.invalid:8443/p/?theme=dark&sessionKey=a%26b%3Dc&other={CANARY}"
            )
        );
        assert_eq!(
            format!("{u:?}"),
            "SecretUrl(https://example.invalid:8443/p/?theme=[REDACTED]&sessionKey=[REDACTED]&other=[REDACTED])"
        );
        let loopback = SecretUrl::with_query("http://[::1]:5000/x", &[("k", &b)]).unwrap();
        assert_eq!(
            format!("{loopback}"),
            "SecretUrl(http://[::1]:5000/x?k=[REDACTED])"
        );
    }

    #[test]
    fn values_are_percent_encoded() {
        let cases: &[(&str, &str)] = &[
            ("plain-._~09AZaz", "plain-._~09AZaz"),
            ("a b", "a%20b"),
            ("a+b", "a%2Bb"),
            ("a&x=1", "a%26x%3D1"),
            ("a#f", "a%23f"),
            ("100%", "100%25"),
            ("a/b?c", "a%2Fb%3Fc"),
            ("é\u{1F511}", "%C3%A9%F0%9F%94%91"),
            ("eyJhbGciOi.J9.x-y_z", "eyJhbGciOi.J9.x-y_z"),
            ("line\r\nbreak\0", "line%0D%0Abreak%00"),
        ];
        for (raw, encoded) in cases {
            let s = Secret::new(*raw);
            let u = SecretUrl::with_query("https://h.invalid/p", &[("sessionKey", &s)]).unwrap();
            assert_eq!(
                u.expose_secret(),
                format!("https://h.invalid/p?sessionKey={encoded}"),
                "{raw:?}"
            );
            let parsed = url::Url::parse(u.expose_secret()).unwrap();
            let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
            assert_eq!(
                pairs,
                vec![("sessionKey".to_owned(), (*raw).to_owned())],
                "{raw:?}"
            );
            assert_eq!(
                format!("{u:?}"),
                "SecretUrl(https://h.invalid/p?sessionKey=[REDACTED])"
            );
        }
        let odd_name =
            SecretUrl::with_query("https://h.invalid/", &[("a b&c", &Secret::new("v"))]).unwrap();
        assert_eq!(odd_name.expose_secret(), "https://h.invalid/?a%20b%26c=v");
    }

    #[test]
    fn bad_bases_and_params_are_typed_errors_without_values() {
        let key = Secret::new(CANARY);
        for base in [
            "not a url",
            "/relative/path",
            "http://example.invalid/p",
            "ftp://example.invalid/p",
            "https://user:pw@example.invalid/p",
            "https://example.invalid/p#frag",
            "mailto:someone@example.invalid",
        ] {
            let err = SecretUrl::with_query(base, &[("sessionKey", &key)]).unwrap_err();
            assert_eq!(err.field, "base", "{base}");
            assert!(!err.to_string().contains("CANARY"), "{err}");
        }
        let err = SecretUrl::with_query("https://h.invalid/", &[("", &key)]).unwrap_err();
        assert_eq!(err.field, "params");
        let err = SecretUrl::with_query("https://h.invalid/", &[("sessionKey", &Secret::new(""))])
            .unwrap_err();
        assert_eq!(err.field, "params");
        assert!(err.reason.contains("sessionKey"), "{err}");
        let none = SecretUrl::with_query("https://h.invalid/p", &[]).unwrap();
        assert_eq!(none.expose_secret(), "https://h.invalid/p");
        assert_eq!(format!("{none:?}"), "SecretUrl(https://h.invalid/p)");
    }
}
