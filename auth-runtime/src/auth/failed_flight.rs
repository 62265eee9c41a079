//! The memory of a token cache's failed fetches: the last error (shared with every caller
//! that waited on that fetch, and answered at once to callers inside the backoff), and the
//! backoff between failed fetches (1 s, doubling to 30 s, reset by a success or a clear).

use std::time::{Duration, Instant};

/// The backoff after the first failed fetch.
pub(crate) const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// The longest backoff between failed fetches.
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// The outcome of the last fetch that failed, and when the next may start.
#[derive(Debug)]
pub(crate) struct FailedFlight<E> {
    /// The fetch's error, as its caller got it.
    pub(crate) error: E,
    /// The number of the fetch that failed (see `Flights::completed`).
    pub(crate) flight: u64,
    /// No new fetch before this instant; callers get `error` instead.
    pub(crate) retry_at: Instant,
    /// The backoff that produced `retry_at` (doubled by the next failure).
    backoff: Duration,
}

impl<E: Clone> FailedFlight<E> {
    /// The record of fetch number `flight` failing with `error` at `now`, after `previous`
    /// (the record of the fetch before, if it failed too). `cap`, when given, shortens the
    /// backoff (e.g. so that a still-valid token is refreshed before it expires).
    pub(crate) fn after(
        previous: Option<&FailedFlight<E>>,
        error: E,
        flight: u64,
        now: Instant,
        cap: Option<Duration>,
    ) -> Self {
        let backoff = previous.map_or(FIRST_BACKOFF, |p| (p.backoff * 2).min(MAX_BACKOFF));
        let wait = cap.map_or(backoff, |c| backoff.min(c));
        FailedFlight {
            error,
            flight,
            retry_at: now + wait,
            backoff,
        }
    }

    /// The error to answer at `now`, if a new fetch may not start yet.
    pub(crate) fn within_backoff(&self, now: Instant) -> Option<E> {
        (now < self.retry_at).then(|| self.error.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_the_cap() {
        let now = Instant::now();
        let mut last: Option<FailedFlight<&str>> = None;
        let mut waits = Vec::new();
        for n in 0..8 {
            let f = FailedFlight::after(last.as_ref(), "down", n, now, None);
            waits.push((f.retry_at - now).as_secs());
            last = Some(f);
        }
        assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30, 30]);
    }

    #[test]
    fn cap_shortens_the_wait_not_the_backoff() {
        let now = Instant::now();
        let a = FailedFlight::after(None, (), 0, now, Some(Duration::from_millis(200)));
        assert_eq!(a.retry_at - now, Duration::from_millis(200));
        let b = FailedFlight::after(Some(&a), (), 1, now, None);
        assert_eq!(b.retry_at - now, Duration::from_secs(2));
    }

    #[test]
    fn answers_the_error_only_inside_the_backoff() {
        let now = Instant::now();
        let f = FailedFlight::after(None, "down", 0, now, None);
        assert_eq!(f.within_backoff(now), Some("down"));
        assert_eq!(f.within_backoff(now + Duration::from_secs(1)), None);
    }
}
