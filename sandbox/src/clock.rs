//! The sandbox clock: real time plus a manually advanced offset.
//!
//! Expiry is always enforced with [`Instant`] precision, so lifetimes of a few
//! milliseconds behave exactly. [`Clock::advance`] lets tests jump forward
//! without sleeping; both the monotonic and the wall clock move together.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use time::OffsetDateTime;
use time::macros::format_description;

/// Shared, cheaply cloneable clock.
#[derive(Debug, Clone, Default)]
pub(crate) struct Clock {
    /// Manual offset in nanoseconds (saturating; ~584 years of headroom).
    offset_nanos: Arc<AtomicU64>,
}

impl Clock {
    /// Moves the clock forward by `by`.
    pub(crate) fn advance(&self, by: Duration) {
        let add = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        // fetch_update never fails with a closure that always returns Some.
        let _ = self
            .offset_nanos
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |cur| {
                Some(cur.saturating_add(add))
            });
    }

    fn offset(&self) -> Duration {
        Duration::from_nanos(self.offset_nanos.load(Ordering::SeqCst))
    }

    /// Monotonic "now", used for every expiry decision.
    pub(crate) fn now(&self) -> Instant {
        let real = Instant::now();
        real.checked_add(self.offset()).unwrap_or(real)
    }

    /// Wall-clock "now", used for timestamps on the wire.
    pub(crate) fn wall(&self) -> SystemTime {
        let real = SystemTime::now();
        real.checked_add(self.offset()).unwrap_or(real)
    }

    /// Wall-clock "now" as a UTC date-time truncated to microseconds.
    pub(crate) fn utc_micros(&self) -> OffsetDateTime {
        truncate_micros(OffsetDateTime::from(self.wall()))
    }

    /// Wall-clock "now" in whole Unix seconds.
    pub(crate) fn unix_secs(&self) -> u64 {
        unix_secs(self.wall())
    }
}

/// Whole Unix seconds of `at` (0 before the epoch).
pub(crate) fn unix_secs(at: SystemTime) -> u64 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Lifetimes beyond this are treated as this (about 100 years), so that even
/// `Duration::MAX` yields a representable deadline.
const MAX_TTL: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// The instant a credential issued at `now` with lifetime `ttl` expires.
pub(crate) fn deadline(now: Instant, ttl: Duration) -> Instant {
    now.checked_add(ttl.min(MAX_TTL)).unwrap_or(now)
}

/// Unix seconds of `at`, rounded up to the next whole second.
pub(crate) fn unix_secs_ceil(at: SystemTime) -> u64 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map(ceil_secs)
        .unwrap_or(0)
}

/// A duration rounded up to whole seconds (`1 ms` → `1`, `2 s` → `2`).
pub(crate) fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// Milliseconds as an integer, rounded down, saturating.
pub(crate) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Drops sub-microsecond precision.
pub(crate) fn truncate_micros(at: OffsetDateTime) -> OffsetDateTime {
    let micros = at.microsecond();
    at.replace_microsecond(micros).unwrap_or(at)
}

/// Formats as RFC 3339 in UTC with exactly six fractional digits,
/// e.g. `2026-01-01T00:00:00.000000Z`.
pub(crate) fn rfc3339_micros(at: OffsetDateTime) -> String {
    let fmt =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
    at.to_offset(time::UtcOffset::UTC)
        .format(&fmt)
        .unwrap_or_else(|_| String::from("1970-01-01T00:00:00.000000Z"))
}

/// Parses an RFC 3339 date-time (any offset, any fractional precision).
pub(crate) fn parse_rfc3339(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn ceil_rounds_up_only_fractions() {
        assert_eq!(ceil_secs(Duration::from_millis(1)), 1);
        assert_eq!(ceil_secs(Duration::from_secs(2)), 2);
        assert_eq!(ceil_secs(Duration::from_millis(2001)), 3);
        assert_eq!(ceil_secs(Duration::ZERO), 0);
    }

    #[test]
    fn formats_with_six_digits() {
        let at = time::macros::datetime!(2026-01-01 00:00:00.123_456_789 UTC);
        assert_eq!(
            rfc3339_micros(truncate_micros(at)),
            "2026-01-01T00:00:00.123456Z"
        );
        let back = parse_rfc3339("2026-01-01T00:00:00.123456Z").unwrap();
        assert_eq!(back, truncate_micros(at));
    }

    #[test]
    fn advance_moves_both_clocks() {
        let clock = Clock::default();
        let before = clock.now();
        clock.advance(Duration::from_secs(60));
        assert!(clock.now().duration_since(before) >= Duration::from_secs(60));
    }
}
