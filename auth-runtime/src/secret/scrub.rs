//! [`Scrubber`]: replaces the secrets a client holds (credentials, issued tokens) in text a
//! server sent back, before an error shows it: each value as is, JSON-escaped,
//! percent-encoded and base64-encoded, and the base64 of `a:b` for each pair (HTTP Basic).

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use zeroize::Zeroizing;

/// What a scrubbed secret becomes.
pub const REDACTED: &str = "[REDACTED]";

/// Percent-encoding as URL components are written (RFC 3986's unreserved kept).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Values shorter than this are not scrubbed: they would match ordinary text.
const MIN_SECRET_LEN: usize = 4;

/// The byte strings to replace, longest first (so an encoding that contains a shorter
/// needle is replaced whole). Zeroized on drop.
#[derive(Clone, Default)]
pub struct Scrubber {
    needles: Vec<Zeroizing<Vec<u8>>>,
    /// The plain values added so far, to pair them for Basic.
    plain: Vec<Zeroizing<String>>,
}

impl std::fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Scrubber({} patterns)", self.needles.len())
    }
}

impl Scrubber {
    /// A scrubber that replaces nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `secret` and its usual encodings, and the base64 of `a:b` for it and each value
    /// added before (both orders).
    pub fn add(&mut self, secret: &str) {
        if secret.len() < MIN_SECRET_LEN || self.plain.iter().any(|p| p.as_str() == secret) {
            return;
        }
        self.push(secret.as_bytes().to_vec());
        if let Ok(json) = serde_json::to_string(secret) {
            self.push(json.as_bytes()[1..json.len() - 1].to_vec());
        }
        for set in [COMPONENT, NON_ALPHANUMERIC] {
            self.push(utf8_percent_encode(secret, set).to_string().into_bytes());
        }
        let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        self.push(form.into_bytes());
        self.push(STANDARD.encode(secret).into_bytes());
        self.push(URL_SAFE_NO_PAD.encode(secret).into_bytes());
        for other in std::mem::take(&mut self.plain) {
            let other_value = other.as_str();
            for pair in [
                format!("{other_value}:{secret}"),
                format!("{secret}:{other_value}"),
            ] {
                let pair = Zeroizing::new(pair);
                self.push(STANDARD.encode(pair.as_bytes()).into_bytes());
            }
            self.plain.push(other);
        }
        self.plain.push(Zeroizing::new(secret.to_owned()));
        self.needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
    }

    /// Adds the base64 of `user:password` (an HTTP Basic pair whose user id may be public;
    /// the user id alone is not scrubbed).
    pub fn add_pair(&mut self, user: &str, password: &str) {
        let pair = Zeroizing::new(format!("{user}:{password}"));
        self.push(STANDARD.encode(pair.as_bytes()).into_bytes());
        self.needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
    }

    fn push(&mut self, needle: Vec<u8>) {
        let needle = Zeroizing::new(needle);
        if !self.needles.iter().any(|n| **n == *needle) {
            self.needles.push(needle);
        }
    }

    /// `text` with every secret replaced by [`REDACTED`]; borrowed when none occurs.
    pub fn scrub<'a>(&self, text: &'a [u8]) -> Cow<'a, [u8]> {
        let first = |from: usize| {
            (from..text.len()).find_map(|i| {
                self.needles
                    .iter()
                    .find(|n| text[i..].starts_with(n))
                    .map(|n| (i, n.len()))
            })
        };
        let Some(mut hit) = first(0) else {
            return Cow::Borrowed(text);
        };
        let mut out = Vec::with_capacity(text.len());
        let mut at = 0;
        loop {
            let (start, len) = hit;
            out.extend_from_slice(&text[at..start]);
            out.extend_from_slice(REDACTED.as_bytes());
            at = start + len;
            match first(at) {
                Some(next) => hit = next,
                None => break,
            }
        }
        out.extend_from_slice(&text[at..]);
        Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrubbed(s: &Scrubber, text: &str) -> String {
        String::from_utf8(s.scrub(text.as_bytes()).into_owned()).unwrap_or_default()
    }

    #[test]
    fn every_encoding_is_replaced() {
        let mut s = Scrubber::new();
        s.add("pk_test_id");
        s.add("sk_test_a\"b/c+d");
        let cases = [
            ("key pk_test_id!", "key [REDACTED]!"),
            (r#"{"echo":"sk_test_a\"b/c+d"}"#, r#"{"echo":"[REDACTED]"}"#),
            ("q=sk_test_a%22b%2Fc%2Bd&x", "q=[REDACTED]&x"),
            (
                &format!("Basic {}", STANDARD.encode("pk_test_id:sk_test_a\"b/c+d")),
                "Basic [REDACTED]",
            ),
            (&STANDARD.encode("pk_test_id"), "[REDACTED]"),
            ("pk_test_idpk_test_id", "[REDACTED][REDACTED]"),
            ("sk%5Ftest%5Fa%22b%2Fc%2Bd", "[REDACTED]"),
            ("sk_test_a%22b%2Fc%2Bd", "[REDACTED]"),
            ("nothing here", "nothing here"),
        ];
        for (text, want) in cases {
            assert_eq!(scrubbed(&s, text), want, "{text}");
        }
    }

    #[test]
    fn unchanged_text_is_borrowed_and_short_values_are_ignored() {
        let mut s = Scrubber::new();
        s.add("abc");
        assert!(matches!(s.scrub(b"abc abc"), Cow::Borrowed(_)));
        s.add("tok_test_1");
        s.add("tok_test_1");
        assert_eq!(scrubbed(&s, "tok_test_1"), REDACTED);
        assert!(format!("{s:?}").starts_with("Scrubber("));
    }
}
