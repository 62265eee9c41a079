//! The client-wide retry budget: a token bucket that keeps retries to a fraction of calls.
//!
//! Per-call attempt limits bound one call, but under a sustained outage every call still
//! multiplies its load by `max_attempts`. The budget bounds the sum over all calls of a
//! client (and its clones): every call puts `percent / 100` of a retry into the bucket,
//! every retry takes one out, and the bucket holds at most `burst` retries. So over any
//! stretch of calls, `retries <= burst + calls * percent / 100`, and once the bucket is
//! empty, failing calls are not retried until enough new calls refill it.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::BuildError;

/// Milli-retries: the bucket counts in thousandths of a retry so percentages stay exact.
const UNIT: u64 = 1000;

/// Configuration of the client-wide retry budget (see [`crate::RetryPolicy::budget`]).
///
/// The default allows retries for 20 % of calls, plus a reserve of 10 retries, like the
/// retry budgets of reqwest (20 % extra load) and the AWS SDKs (a token bucket).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryBudget {
    /// Retries earned per 100 calls (default 20).
    pub percent: u32,
    /// Retries the bucket can hold, and holds when the client is built (default 10).
    pub burst: u32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget {
            percent: 20,
            burst: 10,
        }
    }
}

impl RetryBudget {
    pub(crate) fn validate(&self) -> Result<(), BuildError> {
        if self.percent == 0 && self.burst == 0 {
            return Err(BuildError::new(
                "retry.budget",
                "a budget with no percent and no burst never retries; set max_attempts to 1 instead",
            ));
        }
        if self.percent > 10_000 {
            return Err(BuildError::new(
                "retry.budget.percent",
                "must be at most 10000 (100 retries per call); use `budget: None` for no budget",
            ));
        }
        Ok(())
    }
}

/// The shared state of a budget: the bucket's balance in milli-retries.
#[derive(Debug)]
pub(crate) struct BudgetState {
    config: Option<RetryBudget>,
    balance: AtomicU64,
}

impl BudgetState {
    /// A bucket holding `burst` retries; `None` is an unlimited budget.
    pub(crate) fn new(config: Option<RetryBudget>) -> Self {
        let start = config.map_or(0, |c| u64::from(c.burst).saturating_mul(UNIT));
        BudgetState {
            config,
            balance: AtomicU64::new(start),
        }
    }

    /// Records the start of a call: adds `percent / 100` of a retry, up to the capacity.
    pub(crate) fn deposit(&self) {
        let Some(c) = self.config else { return };
        let cap = capacity(&c);
        let add = u64::from(c.percent).saturating_mul(UNIT / 100);
        // A full bucket (the usual state) is only read: no read-modify-write on a cache line
        // that every call of every clone shares.
        if add == 0 || self.balance.load(Ordering::Acquire) >= cap {
            return;
        }
        // `fetch_update` with a closure that always returns `Some` cannot fail.
        let _ = self
            .balance
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |b| {
                Some(b.saturating_add(add).min(cap))
            });
    }

    /// Takes one retry out of the bucket; `false` (and nothing taken) when it holds less.
    pub(crate) fn try_withdraw(&self) -> bool {
        if self.config.is_none() {
            return true;
        }
        self.balance
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |b| b.checked_sub(UNIT))
            .is_ok()
    }

    /// Whole retries left (`None`: unlimited).
    #[cfg(test)]
    pub(crate) fn remaining(&self) -> Option<u64> {
        self.config
            .map(|_| self.balance.load(Ordering::Acquire) / UNIT)
    }
}

fn capacity(c: &RetryBudget) -> u64 {
    // At least one retry's worth, so a percent-only budget can ever retry.
    u64::from(c.burst).saturating_mul(UNIT).max(UNIT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn starts_full_and_empties() {
        let b = BudgetState::new(Some(RetryBudget {
            percent: 0,
            burst: 3,
        }));
        assert_eq!(b.remaining(), Some(3));
        assert!(b.try_withdraw() && b.try_withdraw() && b.try_withdraw());
        assert!(!b.try_withdraw(), "empty bucket refuses");
        assert_eq!(b.remaining(), Some(0));
    }

    #[test]
    fn calls_earn_retries_at_the_percentage() {
        let b = BudgetState::new(Some(RetryBudget {
            percent: 20,
            burst: 2,
        }));
        assert!(b.try_withdraw() && b.try_withdraw());
        assert!(!b.try_withdraw());
        for _ in 0..4 {
            b.deposit();
        }
        assert!(!b.try_withdraw(), "4 calls at 20 % earn 0.8 of a retry");
        b.deposit();
        assert!(b.try_withdraw(), "5 calls earn one retry");
        assert!(!b.try_withdraw());
    }

    #[test]
    fn capacity_caps_the_balance() {
        let b = BudgetState::new(Some(RetryBudget {
            percent: 100,
            burst: 2,
        }));
        for _ in 0..1000 {
            b.deposit();
        }
        assert_eq!(b.remaining(), Some(2));
        let percent_only = BudgetState::new(Some(RetryBudget {
            percent: 50,
            burst: 0,
        }));
        percent_only.deposit();
        percent_only.deposit();
        assert!(percent_only.try_withdraw());
    }

    #[test]
    fn unlimited_always_allows() {
        let b = BudgetState::new(None);
        b.deposit();
        assert!((0..10_000).all(|_| b.try_withdraw()));
        assert_eq!(b.remaining(), None);
    }

    #[test]
    fn sustained_failure_is_bounded() {
        // Every call fails and wants 2 retries: retries stay within burst + 20 % of calls.
        let cfg = RetryBudget::default();
        let b = BudgetState::new(Some(cfg));
        let calls = 1000u64;
        let mut retries = 0u64;
        for _ in 0..calls {
            b.deposit();
            for _ in 0..2 {
                if b.try_withdraw() {
                    retries += 1;
                }
            }
        }
        assert!(
            retries <= u64::from(cfg.burst) + calls * u64::from(cfg.percent) / 100,
            "{retries}"
        );
        assert!(retries >= calls * u64::from(cfg.percent) / 100, "{retries}");
    }

    #[test]
    fn concurrent_withdrawals_never_overdraw() {
        let b = Arc::new(BudgetState::new(Some(RetryBudget {
            percent: 0,
            burst: 50,
        })));
        let granted: usize = (0..8)
            .map(|_| {
                let b = Arc::clone(&b);
                std::thread::spawn(move || (0..100).filter(|_| b.try_withdraw()).count())
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap_or(0))
            .sum();
        assert_eq!(granted, 50);
    }

    #[test]
    fn validation() {
        assert!(RetryBudget::default().validate().is_ok());
        assert!(
            RetryBudget {
                percent: 0,
                burst: 0
            }
            .validate()
            .is_err()
        );
        assert!(
            RetryBudget {
                percent: 20_000,
                burst: 1
            }
            .validate()
            .is_err()
        );
    }
}
