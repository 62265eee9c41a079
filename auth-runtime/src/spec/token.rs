//! Tokens minted by a provider's issuer endpoint, and how long they live.

use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;

use crate::config::clock::Clock;
use crate::secret::Secret;

/// Where a token's lifetime comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Lifetime {
    /// Seconds from receipt (`expires_in`). Zero or negative means "already expired".
    Seconds(i64),
    /// An absolute instant (`expiresAt`), converted once, at receipt, to a monotonic deadline.
    At(SystemTime),
    /// The `exp` claim of the token, read as a JWT (no signature check).
    Jwt,
    /// Not stated: the token is kept until the provider rejects it.
    Unknown,
}

/// A token and its lifetime, as returned by an issuer endpoint.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// The token.
    pub token: Secret,
    /// Its lifetime.
    pub lifetime: Lifetime,
    /// A cap on the lifetime, whatever the provider says (e.g. Coinflow's 30 minutes).
    pub max_lifetime: Option<Duration>,
}

impl IssuedToken {
    /// A token with the given lifetime.
    pub fn new(token: Secret, lifetime: Lifetime) -> Self {
        IssuedToken {
            token,
            lifetime,
            max_lifetime: None,
        }
    }

    /// Caps the lifetime.
    pub fn with_max_lifetime(mut self, max: Option<Duration>) -> Self {
        self.max_lifetime = max;
        self
    }

    /// The monotonic deadline of the token, computed once at receipt. `None` means it has no
    /// known end. `Some(now)` means it is already expired.
    pub fn deadline(&self, clock: &dyn Clock) -> Option<Instant> {
        let now = clock.now();
        let life = match self.lifetime {
            Lifetime::Seconds(s) => Some(Duration::from_secs(u64::try_from(s).unwrap_or(0))),
            Lifetime::At(at) => Some(
                at.duration_since(clock.system_now())
                    .unwrap_or(Duration::ZERO),
            ),
            Lifetime::Jwt => jwt_exp(self.token.expose_secret()).map(|exp| {
                exp.duration_since(clock.system_now())
                    .unwrap_or(Duration::ZERO)
            }),
            Lifetime::Unknown => None,
        };
        let life = match (life, self.max_lifetime) {
            (Some(l), Some(m)) => Some(l.min(m)),
            (None, Some(m)) => Some(m),
            (l, None) => l,
        };
        // Lifetimes beyond ten years are treated as unbounded (and cannot overflow Instant).
        life.filter(|l| *l < Duration::from_secs(10 * 365 * 24 * 3600))
            .map(|l| now.checked_add(l).unwrap_or(now))
    }
}

/// Reads the `exp` claim (Unix seconds) of a JWT without checking its signature.
pub fn jwt_exp(token: &str) -> Option<SystemTime> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    #[derive(serde::Deserialize)]
    struct Claims {
        exp: Option<f64>,
    }
    let exp = serde_json::from_slice::<Claims>(&bytes).ok()?.exp?;
    if !exp.is_finite() || !(0.0..=1e12).contains(&exp) {
        return None;
    }
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs_f64(exp))
}

/// Integer seconds of an `expires_in` field, whatever integer type the spec declares.
pub trait LifetimeSeconds {
    /// The seconds, or `None` when absent.
    fn lifetime_seconds(&self) -> Option<i64>;
}
macro_rules! lifetime_int {
    ($($t:ty),*) => {$(
        impl LifetimeSeconds for $t {
            fn lifetime_seconds(&self) -> Option<i64> {
                Some(i64::try_from(*self).unwrap_or(i64::MAX))
            }
        }
    )*};
}
lifetime_int!(u32, u64, i32, i64, usize);
impl<T: LifetimeSeconds> LifetimeSeconds for Option<T> {
    fn lifetime_seconds(&self) -> Option<i64> {
        self.as_ref().and_then(T::lifetime_seconds)
    }
}

/// An absolute expiry field (`expiresAt`).
pub trait LifetimeInstant {
    /// The instant, or `None` when absent.
    fn lifetime_instant(&self) -> Option<SystemTime>;
}
impl LifetimeInstant for crate::spec::timestamp::Timestamp {
    fn lifetime_instant(&self) -> Option<SystemTime> {
        Some(self.to_system_time())
    }
}
impl LifetimeInstant for SystemTime {
    fn lifetime_instant(&self) -> Option<SystemTime> {
        Some(*self)
    }
}
impl<T: LifetimeInstant> LifetimeInstant for Option<T> {
    fn lifetime_instant(&self) -> Option<SystemTime> {
        self.as_ref().and_then(T::lifetime_instant)
    }
}

/// A response that carries a token: generated from `#[response(token = ..)]`.
pub trait TokenResponse {
    /// The token and its lifetime.
    fn issued_token(&self) -> IssuedToken;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::clock::ManualClock;

    fn jwt(payload: &str) -> String {
        let e = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.sig",
            e.encode("{\"alg\":\"HS256\"}"),
            e.encode(payload)
        )
    }

    #[test]
    fn t6_deadlines_by_lifetime_kind() {
        let clock = ManualClock::new();
        let now = clock.now();
        let t = |l| IssuedToken::new(Secret::new("t"), l);
        assert_eq!(
            t(Lifetime::Seconds(60)).deadline(&clock),
            Some(now + Duration::from_secs(60))
        );
        assert_eq!(t(Lifetime::Seconds(0)).deadline(&clock), Some(now));
        assert_eq!(t(Lifetime::Seconds(-5)).deadline(&clock), Some(now));
        assert_eq!(t(Lifetime::Seconds(i64::MAX)).deadline(&clock), None);
        assert_eq!(t(Lifetime::Unknown).deadline(&clock), None);
        let at = clock.system_now() + Duration::from_secs(30);
        assert_eq!(
            t(Lifetime::At(at)).deadline(&clock),
            Some(now + Duration::from_secs(30))
        );
        let past = clock.system_now() - Duration::from_secs(30);
        assert_eq!(t(Lifetime::At(past)).deadline(&clock), Some(now));
        let capped =
            t(Lifetime::Seconds(86_400)).with_max_lifetime(Some(Duration::from_secs(1800)));
        assert_eq!(
            capped.deadline(&clock),
            Some(now + Duration::from_secs(1800))
        );
        let unknown_capped = t(Lifetime::Unknown).with_max_lifetime(Some(Duration::from_secs(5)));
        assert_eq!(
            unknown_capped.deadline(&clock),
            Some(now + Duration::from_secs(5))
        );
    }

    #[test]
    fn jwt_exp_is_read_and_garbage_ignored() {
        assert_eq!(
            jwt_exp(&jwt("{\"exp\":1700000000}")),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000))
        );
        assert_eq!(jwt_exp(&jwt("{\"iat\":1}")), None);
        assert_eq!(jwt_exp(&jwt("{\"exp\":-1}")), None);
        assert_eq!(jwt_exp(&jwt("{\"exp\":\"soon\"}")), None);
        assert_eq!(jwt_exp("not-a-jwt"), None);
        assert_eq!(jwt_exp("a.!!!.c"), None);
    }
}
