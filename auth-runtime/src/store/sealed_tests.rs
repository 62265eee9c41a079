//! Tests of sealed records: round trip, wrong keys, foreign and truncated bytes, rotation, keyed fingerprints.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

fn key(id: &str, byte: u8) -> StoreKey {
    StoreKey::new(id, [byte; 32]).unwrap()
}

fn record() -> Record {
    let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    Record {
        token: Secret::new("tok_test_sealed"),
        expires_at: Some(now + Duration::from_secs(3600)),
        refresh_at: Some(now + Duration::from_secs(3300)),
    }
}

#[test]
fn a_sealed_record_opens_under_its_name_and_hides_the_token() {
    let ring = Keyring::new(key("k1", 1));
    let sealed = ring.seal("auth-sdk:p:s:f", &record());
    assert!(!sealed.windows(15).any(|w| w == b"tok_test_sealed"));
    let opened = ring.open("auth-sdk:p:s:f", &sealed).unwrap();
    assert_eq!(opened.token.expose_secret(), "tok_test_sealed");
    assert_eq!(opened.expires_at, record().expires_at);
    assert_eq!(opened.refresh_at, record().refresh_at);
    // Two seals of one record differ (random nonces).
    assert_ne!(sealed, ring.seal("auth-sdk:p:s:f", &record()));
}

#[test]
fn wrong_key_foreign_bytes_truncation_and_another_name_are_unreadable() {
    let ring = Keyring::new(key("k1", 1));
    let sealed = ring.seal("name", &record());
    let wrong = Keyring::new(key("k1", 2));
    assert_eq!(wrong.open("name", &sealed).unwrap_err(), Unreadable::Forged);
    let other_id = Keyring::new(key("k2", 1));
    assert_eq!(
        other_id.open("name", &sealed).unwrap_err(),
        Unreadable::UnknownKey("k1".into())
    );
    assert_eq!(ring.open("other", &sealed).unwrap_err(), Unreadable::Forged);
    for cut in [0, 3, 5, 7, 20, sealed.len() - 1] {
        let e = ring.open("name", &sealed[..cut]).unwrap_err();
        assert!(
            matches!(e, Unreadable::Malformed | Unreadable::Forged),
            "{cut}: {e:?}"
        );
    }
    assert_eq!(
        ring.open("name", b"{\"token\":\"x\"}").unwrap_err(),
        Unreadable::Malformed
    );
    let mut flipped = sealed.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    assert_eq!(ring.open("name", &flipped).unwrap_err(), Unreadable::Forged);
}

#[test]
fn a_ring_opens_records_of_its_previous_keys() {
    let old = Keyring::new(key("k1", 1));
    let sealed = old.seal("name", &record());
    let mut rotated = Keyring::new(key("k2", 2));
    rotated.add_previous(key("k1", 1));
    assert_eq!(
        rotated.open("name", &sealed).unwrap().token.expose_secret(),
        "tok_test_sealed"
    );
}

#[test]
fn fingerprints_and_tags_are_keyed() {
    let (a, b) = (key("k1", 1), key("k1", 2));
    let f = Keyring::fingerprint(&a, b"identity");
    assert_eq!(f.len(), 32);
    assert_eq!(f, Keyring::fingerprint(&a, b"identity"));
    assert_ne!(f, Keyring::fingerprint(&b, b"identity"));
    assert_ne!(f, Keyring::fingerprint(&a, b"identitz"));
    let t = Keyring::new(a).tag(&Secret::new("tok"));
    assert_eq!(t.len(), 16);
    assert_ne!(t, Keyring::new(b).tag(&Secret::new("tok")));
}

#[test]
fn keys_parse_from_text_and_never_print() {
    let k = StoreKey::parse("prod-2026.1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=").unwrap();
    assert_eq!(k.id(), "prod-2026.1");
    assert!(!format!("{k:?}").contains("AQEB"));
    for bad in [
        "nokey",
        "k:not base64!",
        "k:AQEB",
        ":AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
        "a b:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
    ] {
        assert!(StoreKey::parse(bad).is_err(), "{bad}");
    }
}
