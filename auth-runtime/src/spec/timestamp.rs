//! RFC 3339 timestamps as providers send them.

use std::fmt;
use std::time::SystemTime;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// An RFC 3339 date-time (e.g. Loccus `expiresAt`), kept exactly as received and parsed once
/// (by the `time` crate).
#[derive(Clone, PartialEq, Eq)]
pub struct Timestamp {
    text: Box<str>,
    at: OffsetDateTime,
}

impl Timestamp {
    /// Parses an RFC 3339 date-time.
    pub fn parse(text: &str) -> Result<Self, time::error::Parse> {
        let at = OffsetDateTime::parse(text, &Rfc3339)?;
        Ok(Timestamp {
            text: text.into(),
            at,
        })
    }

    /// From a point in time (formatted as RFC 3339, UTC).
    pub fn from_system_time(t: SystemTime) -> Self {
        let at = OffsetDateTime::from(t);
        let text = at.format(&Rfc3339).unwrap_or_default().into_boxed_str();
        Timestamp { text, at }
    }

    /// The text as received.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The instant.
    pub fn to_offset_date_time(&self) -> OffsetDateTime {
        self.at
    }

    /// The instant as a `SystemTime`.
    pub fn to_system_time(&self) -> SystemTime {
        SystemTime::from(self.at)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({})", self.as_str())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Timestamp {
    type Err = time::error::Parse;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // An owned string (JSON with escapes) becomes the kept text without a copy.
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 date-time")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse(v).map_err(|_| invalid(v))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Timestamp, E> {
                let at = OffsetDateTime::parse(&v, &Rfc3339).map_err(|_| invalid(&v))?;
                Ok(Timestamp {
                    text: v.into_boxed_str(),
                    at,
                })
            }
        }
        fn invalid<E: serde::de::Error>(_: &str) -> E {
            E::custom("expected an RFC 3339 date-time")
        }
        d.deserialize_str(Visitor)
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn parses_microseconds_and_keeps_text() {
        let t = Timestamp::parse("2023-01-01T00:00:00.000000Z").ok();
        assert_eq!(
            t.as_ref().map(|t| t.as_str()),
            Some("2023-01-01T00:00:00.000000Z")
        );
        assert!(Timestamp::parse("yesterday").is_err());
    }

    /// Texts of every length (any number of fractional digits) read back exactly, from
    /// borrowed and from owned (escaped) JSON strings.
    #[test]
    fn texts_of_every_length_read_back_exactly() {
        let mut texts = vec![
            "2023-01-01T00:00:00Z".to_owned(),
            "2023-01-01T00:00:00.123456789+05:30".to_owned(),
        ];
        for digits in 1..=20 {
            texts.push(format!("2023-06-30T23:59:59.{}-01:00", "7".repeat(digits)));
        }
        for text in &texts {
            let parsed = Timestamp::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(parsed.as_str(), text);
            assert_eq!(parsed.to_string(), *text);
            assert_eq!(format!("{parsed:?}"), format!("Timestamp({text})"));
            let borrowed: Timestamp =
                serde_json::from_str(&format!("\"{text}\"")).unwrap_or_else(|e| panic!("{e}"));
            // `\u002D` is `-`: serde_json hands an escaped string over owned.
            let escaped = format!("\"{}\"", text.replacen('-', "\\u002D", 1));
            let owned: Timestamp =
                serde_json::from_str(&escaped).unwrap_or_else(|e| panic!("{escaped}: {e}"));
            assert_eq!(borrowed, parsed);
            assert_eq!(owned, parsed);
            assert_eq!(owned.as_str(), text);
            assert_eq!(
                serde_json::to_string(&owned).ok(),
                Some(format!("\"{text}\""))
            );
        }
        let from_reader: Result<Timestamp, _> =
            serde_json::from_reader("\"2023-01-01T00:00:00Z\"".as_bytes());
        assert_eq!(
            from_reader.ok().map(|t| t.to_string()).as_deref(),
            Some("2023-01-01T00:00:00Z")
        );
        for bad in ["\"yesterday\"", "\"2023-13-01T00:00:00Z\"", "12"] {
            let e = serde_json::from_str::<Timestamp>(bad)
                .err()
                .map(|e| e.to_string());
            assert!(e.is_some_and(|e| e.contains("RFC 3339")), "{bad}");
        }
    }
}
