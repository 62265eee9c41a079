//! Token material: random identifiers, JWT-shaped strings and the fake wallet
//! signature rule.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::Value;

/// The signature part of every JWT-shaped token the sandbox mints, before
/// base64url encoding. It is deliberately not a real signature.
pub(crate) const FAKE_JWT_SIGNATURE: &str = "sandbox-signature";

/// Computes the sandbox "wallet signature" of `message` by `wallet`, the value
/// Coinflow's `x-coinflow-auth-signed-message` header must carry for header
/// set B of `GET /auth/session-key`.
///
/// The rule is deliberately trivial and **not cryptographic**:
/// `"sandbox-sig:"` followed by the 16 lowercase hex digits of the 64-bit
/// FNV-1a hash of the UTF-8 bytes of `wallet`, one `0x00` byte, then the UTF-8
/// bytes of `message` (FNV-1a 64: offset basis `0xcbf29ce484222325`, prime
/// `0x100000001b3`; for each byte `h = (h ^ byte) * prime`, wrapping).
///
/// ```
/// let sig = auth_sandbox::sign_message("wallet-1", "hello");
/// assert_eq!(sig, "sandbox-sig:e86a08380c8b31fa");
/// ```
pub fn sign_message(wallet: &str, message: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = wallet
        .as_bytes()
        .iter()
        .chain(std::iter::once(&0u8))
        .chain(message.as_bytes());
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("sandbox-sig:{hash:016x}")
}

/// `len` random lowercase hex digits.
pub(crate) fn random_hex(len: usize) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    (0..len)
        .map(|_| char::from(DIGITS[fastrand::usize(..16)]))
        .collect()
}

/// `len` random ASCII alphanumerics.
pub(crate) fn random_alnum(len: usize) -> String {
    (0..len).map(|_| fastrand::alphanumeric()).collect()
}

/// A random version-4-shaped UUID string.
pub(crate) fn uuid_v4() -> String {
    let mut bytes = [0u8; 16];
    fastrand::fill(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// An opaque token: standard Base64 of `bytes` random bytes.
pub(crate) fn random_base64(bytes: usize) -> String {
    let mut raw = vec![0u8; bytes];
    fastrand::fill(&mut raw);
    STANDARD.encode(raw)
}

/// A JWT-shaped string:
/// `base64url(header).base64url(payload).base64url("sandbox-signature")`,
/// all without padding. The header is `{"alg":"HS256","typ":"JWT"}`.
pub(crate) fn fake_jwt(payload: &Value) -> String {
    let header = serde_json::json!({ "alg": "HS256", "typ": "JWT" });
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        URL_SAFE_NO_PAD.encode(FAKE_JWT_SIGNATURE)
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn fnv_reference_values() {
        // FNV-1a 64 of the single byte 0x00 (empty wallet, empty message).
        assert_eq!(sign_message("", ""), "sandbox-sig:af63bd4c8601b7df");
        assert_ne!(sign_message("a", "b"), sign_message("ab", ""));
    }

    #[test]
    fn uuid_shape() {
        let id = uuid_v4();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert_eq!(id.matches('-').count(), 4);
    }

    #[test]
    fn jwt_has_three_url_safe_parts() {
        let jwt = fake_jwt(&serde_json::json!({ "iat": 1, "exp": 2 }));
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let payload = URL_SAFE_NO_PAD.decode(parts[1]).unwrap();
        let value: Value = serde_json::from_slice(&payload).unwrap();
        assert_eq!(value["exp"], 2);
        assert_eq!(
            URL_SAFE_NO_PAD.decode(parts[2]).unwrap(),
            b"sandbox-signature"
        );
    }
}
