//! Secrets: credentials and secret response fields.
//!
//! [`Secret`] wraps a [`secrecy::SecretString`]: its memory is zeroized on drop, its
//! `Debug` prints `Secret([REDACTED])`, it has no `Display` and no `Serialize`, and reading
//! it takes an explicit [`Secret::expose_secret`]. Generated request bodies serialize secret
//! fields through a private helper, so a user type holding a `Secret` cannot leak it by
//! deriving `Serialize`.

pub(crate) mod scrub;

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// A secret string: an API key, password, client secret or bearer token.
///
/// ```
/// use auth_runtime::Secret;
/// let key = Secret::new("sk_test_123");
/// assert_eq!(format!("{key:?}"), "Secret([REDACTED])");
/// assert_eq!(key.expose_secret(), "sk_test_123");
/// ```
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a value as a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(SecretString::from(value.into()))
    }

    /// Reads the secret. Every call site of this method is a place where the secret
    /// leaves its wrapper: keep it out of logs, errors and URLs.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }

    /// Length in bytes; safe to log.
    pub fn len(&self) -> usize {
        self.expose_secret().len()
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.expose_secret().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl PartialEq for Secret {
    /// Compares in time independent of where the first difference is.
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (
            self.expose_secret().as_bytes(),
            other.expose_secret().as_bytes(),
        );
        if a.len() != b.len() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl Eq for Secret {}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

/// Serializes a secret's value; used only by generated request bodies.
#[doc(hidden)]
pub fn serialize_exposed<S: serde::Serializer>(secret: &Secret, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(secret.expose_secret())
}

/// Raw bytes of a response body, kept for the caller but redacted in `Debug`.
///
/// An auth response can carry a secret (a created API key's token), so the raw body of a
/// response that failed to decode is handed back only behind [`RawBody::expose_secret`].
#[derive(Clone, Default)]
pub struct RawBody(std::sync::Arc<zeroize::Zeroizing<Vec<u8>>>);

impl RawBody {
    /// Wraps raw bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        RawBody(std::sync::Arc::new(zeroize::Zeroizing::new(bytes)))
    }

    /// The raw bytes. They may contain secrets.
    pub fn expose_secret(&self) -> &[u8] {
        &self.0
    }

    /// Length in bytes; safe to log.
    pub fn len(&self) -> usize {
        self.expose_secret().len()
    }

    /// Whether the body is empty.
    pub fn is_empty(&self) -> bool {
        self.expose_secret().is_empty()
    }
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawBody([REDACTED; {} bytes])", self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new("canary-123");
        assert_eq!(format!("{s:?}"), "Secret([REDACTED])");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some(Secret([REDACTED]))");
        let raw = RawBody::new(b"canary-123".to_vec());
        assert_eq!(format!("{raw:?}"), "RawBody([REDACTED; 10 bytes])");
    }

    #[test]
    fn equality_compares_values() {
        assert_eq!(Secret::new("a"), Secret::new("a"));
        assert_ne!(Secret::new("a"), Secret::new("b"));
        assert_ne!(Secret::new("a"), Secret::new("ab"));
    }

    #[test]
    fn deserializes_from_json_string() {
        let s: Secret = serde_json::from_str("\"tok\"").unwrap_or_else(|_| Secret::new(""));
        assert_eq!(s.expose_secret(), "tok");
    }
}
