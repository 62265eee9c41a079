//! RFC 3339 timestamps as providers send them.

use std::fmt;
use std::time::SystemTime;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// An RFC 3339 date-time (e.g. Loccus `expiresAt`), kept exactly as received and parsed once.
#[derive(Clone, PartialEq, Eq)]
pub struct Timestamp {
    text: String,
    at: OffsetDateTime,
}

impl Timestamp {
    /// Parses an RFC 3339 date-time.
    pub fn parse(text: &str) -> Result<Self, time::error::Parse> {
        let at = OffsetDateTime::parse(text, &Rfc3339)?;
        Ok(Timestamp {
            text: text.to_owned(),
            at,
        })
    }

    /// From a point in time (formatted as RFC 3339, UTC).
    pub fn from_system_time(t: SystemTime) -> Self {
        let at = OffsetDateTime::from(t);
        let text = at.format(&Rfc3339).unwrap_or_default();
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
        write!(f, "Timestamp({})", self.text)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
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
        // The received string becomes the kept text (no second copy).
        let text = String::deserialize(d)?;
        let at = OffsetDateTime::parse(&text, &Rfc3339)
            .map_err(|_| serde::de::Error::custom("expected an RFC 3339 date-time"))?;
        Ok(Timestamp { text, at })
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

#[cfg(test)]
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
}
