//! Tokens at rest: the record a fleet cache writes (token, expiry, refresh point), sealed
//! with XChaCha20-Poly1305 under the user's key, the key's id in clear so keys can rotate,
//! and the storage key as associated data (a record copied under another key does not
//! open). Also the keyed hashes that name records and tags tokens without revealing them.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::Mac;
use zeroize::Zeroizing;

use crate::secret::Secret;
use crate::store::StoreError;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// The magic and version of a sealed record.
const MAGIC: &[u8; 4] = b"asT1";
const NONCE_LEN: usize = 24;

/// A 256-bit key for tokens at rest, with an id written beside each record it seals.
/// Redacted in `Debug`, zeroized on drop.
#[derive(Clone)]
pub struct StoreKey {
    id: String,
    key: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreKey")
            .field("id", &self.id)
            .field("key", &"[redacted]")
            .finish()
    }
}

impl StoreKey {
    /// A key from 32 bytes. The id (1 to 64 characters of `[A-Za-z0-9._-]`) names it in
    /// records, so a process holding several keys opens each record with the right one.
    pub fn new(id: impl Into<String>, key: [u8; 32]) -> Result<Self, StoreError> {
        let id = id.into();
        let valid = (1..=64).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        if !valid {
            return Err(StoreError::new(
                "a store key id is 1 to 64 characters of A-Z, a-z, 0-9, `.`, `_`, `-`",
            ));
        }
        Ok(StoreKey {
            id,
            key: Zeroizing::new(key),
        })
    }

    /// A key written `<id>:<base64 of 32 bytes>` (as `AUTH_SDK_STORE_KEY` holds it); make
    /// one with `openssl rand -base64 32`.
    pub fn parse(text: &str) -> Result<Self, StoreError> {
        let (id, b64) = text
            .trim()
            .split_once(':')
            .ok_or_else(|| StoreError::new("a store key is written `<id>:<base64 of 32 bytes>`"))?;
        let bytes = Zeroizing::new(
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|_| StoreError::new("a store key's bytes are not valid base64"))?,
        );
        let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
            StoreError::new(format!(
                "a store key is 32 bytes; `{id}` has {}",
                bytes.len()
            ))
        })?;
        StoreKey::new(id, key)
    }

    /// The key's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn mac(&self, label: &[u8]) -> HmacSha256 {
        let mut mac = <HmacSha256 as hmac::KeyInit>::new_from_slice(self.key.as_slice())
            .unwrap_or_else(|_| unreachable_mac());
        mac.update(label);
        mac
    }
}

#[cold]
fn unreachable_mac() -> HmacSha256 {
    // HMAC takes keys of any length; kept total rather than panicking.
    <HmacSha256 as hmac::KeyInit>::new(&Default::default())
}

/// What a record holds once opened.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub(crate) token: Secret,
    /// When the token stops being used (`None`: not known).
    pub(crate) expires_at: Option<SystemTime>,
    /// From when a process should refresh it rather than reuse it.
    pub(crate) refresh_at: Option<SystemTime>,
}

impl Record {
    /// Whether the record can be reused as it is at `now` (outside its refresh window).
    pub(crate) fn is_fresh(&self, now: SystemTime) -> bool {
        self.refresh_at.is_none_or(|r| now < r) && self.is_usable(now)
    }

    /// Whether the token is still valid at `now`.
    pub(crate) fn is_usable(&self, now: SystemTime) -> bool {
        self.expires_at.is_none_or(|e| now < e)
    }
}

/// Why a record did not open: each is a miss, never an error of the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unreadable {
    /// Not a record of ours, or cut short.
    Malformed,
    /// Sealed under a key id this process does not hold.
    UnknownKey(String),
    /// The key id matched but the record did not authenticate (wrong key, tampering,
    /// copied from another storage key).
    Forged,
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unreadable::Malformed => {
                f.write_str("not a sealed token record (foreign or truncated)")
            }
            Unreadable::UnknownKey(id) => write!(
                f,
                "sealed under key `{id}`, which this process does not hold"
            ),
            Unreadable::Forged => {
                f.write_str("does not authenticate under its key (wrong key or tampered)")
            }
        }
    }
}

/// The keys of a fleet cache: the primary seals, every key opens, and each key names the
/// records it sealed by its own fingerprint.
#[derive(Debug, Clone)]
pub(crate) struct Keyring {
    keys: Vec<StoreKey>,
}

impl Keyring {
    pub(crate) fn new(primary: StoreKey) -> Self {
        Keyring {
            keys: vec![primary],
        }
    }

    pub(crate) fn add_previous(&mut self, key: StoreKey) {
        if self.keys.iter().all(|k| k.id != key.id) {
            self.keys.push(key);
        }
    }

    /// The keys, primary first.
    pub(crate) fn keys(&self) -> &[StoreKey] {
        &self.keys
    }

    /// The fingerprint of a credential identity under `key`: 32 hex digits of
    /// HMAC-SHA256, so a record's name reveals nothing of the credentials.
    pub(crate) fn fingerprint(key: &StoreKey, identity: &[u8]) -> String {
        let mut mac = key.mac(b"auth-sdk fingerprint v1\0");
        mac.update(identity);
        hex(&mac.finalize().into_bytes()[..16])
    }

    /// A token's tag (16 hex digits of a keyed hash): names a rejected token in an event.
    pub(crate) fn tag(&self, token: &Secret) -> String {
        let mut mac = self.keys[0].mac(b"auth-sdk token tag v1\0");
        mac.update(token.expose_secret().as_bytes());
        hex(&mac.finalize().into_bytes()[..8])
    }

    /// Seals `record` for storage under `name` with the primary key.
    pub(crate) fn seal(&self, name: &str, record: &Record) -> Vec<u8> {
        let key = &self.keys[0];
        let mut plain = Zeroizing::new(Vec::with_capacity(17 + record.token.len()));
        plain.extend_from_slice(&unix_ms(record.expires_at).to_be_bytes());
        plain.extend_from_slice(&unix_ms(record.refresh_at).to_be_bytes());
        plain.extend_from_slice(record.token.expose_secret().as_bytes());
        let nonce = XNonce::generate();
        let cipher = XChaCha20Poly1305::new((&*key.key).into());
        let sealed = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: &plain,
                    aad: name.as_bytes(),
                },
            )
            .unwrap_or_default();
        let mut out = Vec::with_capacity(MAGIC.len() + 1 + key.id.len() + NONCE_LEN + sealed.len());
        out.extend_from_slice(MAGIC);
        out.push(key.id.len() as u8);
        out.extend_from_slice(key.id.as_bytes());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens a record read under `name`.
    pub(crate) fn open(&self, name: &str, bytes: &[u8]) -> Result<Record, Unreadable> {
        let rest = bytes.strip_prefix(MAGIC).ok_or(Unreadable::Malformed)?;
        let (&id_len, rest) = rest.split_first().ok_or(Unreadable::Malformed)?;
        let id_len = usize::from(id_len);
        if rest.len() < id_len + NONCE_LEN {
            return Err(Unreadable::Malformed);
        }
        let (id, rest) = rest.split_at(id_len);
        let id = std::str::from_utf8(id).map_err(|_| Unreadable::Malformed)?;
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let key = self
            .keys
            .iter()
            .find(|k| k.id == id)
            .ok_or_else(|| Unreadable::UnknownKey(id.chars().take(64).collect()))?;
        let nonce = XNonce::try_from(nonce).map_err(|_| Unreadable::Malformed)?;
        let cipher = XChaCha20Poly1305::new((&*key.key).into());
        let plain = Zeroizing::new(
            cipher
                .decrypt(
                    &nonce,
                    Payload {
                        msg: sealed,
                        aad: name.as_bytes(),
                    },
                )
                .map_err(|_| Unreadable::Forged)?,
        );
        if plain.len() < 16 {
            return Err(Unreadable::Malformed);
        }
        let at = |i: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&plain[i..i + 8]);
            from_unix_ms(i64::from_be_bytes(b))
        };
        let token = std::str::from_utf8(&plain[16..]).map_err(|_| Unreadable::Malformed)?;
        if token.is_empty() {
            return Err(Unreadable::Malformed);
        }
        Ok(Record {
            token: Secret::new(token),
            expires_at: at(0),
            refresh_at: at(8),
        })
    }
}

/// A random lock owner: 48 hex digits from the OS's generator.
pub(crate) fn random_owner() -> String {
    hex(&XNonce::generate())
}

/// Milliseconds since the Unix epoch; -1 for "none".
fn unix_ms(at: Option<SystemTime>) -> i64 {
    at.and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(-1, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn from_unix_ms(ms: i64) -> Option<SystemTime> {
    let ms = u64::try_from(ms).ok()?;
    UNIX_EPOCH.checked_add(Duration::from_millis(ms))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
#[path = "sealed_tests.rs"]
mod tests;
