//! Router state shared by every handler of one sandbox instance, and the
//! request/token counters behind [`crate::Sandbox::stats`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::clock::Clock;
use crate::config::SandboxConfig;
use crate::{akool, coinflow, coolset, coopfin, loccus};

/// The five emulated providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Provider {
    Coopfin,
    Coinflow,
    Coolset,
    Akool,
    Loccus,
}

impl Provider {
    /// Every provider, in a fixed order.
    pub(crate) const ALL: [Provider; 5] = [
        Provider::Coopfin,
        Provider::Coinflow,
        Provider::Coolset,
        Provider::Akool,
        Provider::Loccus,
    ];

    /// Path prefix of the provider on the sandbox (its "base URL" path).
    pub(crate) const fn prefix(self) -> &'static str {
        match self {
            Provider::Coopfin => "/coopfin/v1",
            Provider::Coinflow => "/coinflow/api",
            Provider::Coolset => "/coolset/api",
            Provider::Akool => "/akool",
            Provider::Loccus => "/loccus/v1",
        }
    }

    /// The provider owning `path`, if any.
    pub(crate) fn for_path(path: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| {
            path.strip_prefix(p.prefix())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }

    const fn index(self) -> usize {
        self as usize
    }
}

/// Counters of one provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProviderStats {
    /// Every HTTP request whose path is under the provider's prefix,
    /// whatever its outcome (including 404s and rejected credentials).
    pub requests: u64,
    /// Successfully issued tokens: CoopFin access tokens, Coinflow session
    /// keys, Akool `getToken` tokens, Loccus session tokens (API keys created
    /// with `POST /user/keys` are not counted). Always 0 for Coolset.
    pub tokens_issued: u64,
}

/// Snapshot of the sandbox counters, see [`crate::Sandbox::stats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// CoopFin (`tokens_issued` = access tokens from `POST /sandbox/token`).
    pub coopfin: ProviderStats,
    /// Coinflow (`tokens_issued` = session keys from `GET /auth/session-key`).
    pub coinflow: ProviderStats,
    /// Coolset (no token issuance; `tokens_issued` stays 0).
    pub coolset: ProviderStats,
    /// Akool (`tokens_issued` = tokens from `POST /api/open/v3/getToken`).
    pub akool: ProviderStats,
    /// Loccus (`tokens_issued` = sessions from `POST /auth/credentials`).
    pub loccus: ProviderStats,
}

impl Stats {
    /// Requests over all providers.
    pub fn total_requests(&self) -> u64 {
        [
            self.coopfin,
            self.coinflow,
            self.coolset,
            self.akool,
            self.loccus,
        ]
        .iter()
        .map(|p| p.requests)
        .sum()
    }
}

/// Live counters.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    requests: [AtomicU64; 5],
    tokens: [AtomicU64; 5],
}

impl Counters {
    pub(crate) fn request(&self, provider: Provider) {
        self.requests[provider.index()].fetch_add(1, Ordering::SeqCst);
    }

    pub(crate) fn token_issued(&self, provider: Provider) {
        self.tokens[provider.index()].fetch_add(1, Ordering::SeqCst);
    }

    pub(crate) fn snapshot(&self) -> Stats {
        let get = |p: Provider| ProviderStats {
            requests: self.requests[p.index()].load(Ordering::SeqCst),
            tokens_issued: self.tokens[p.index()].load(Ordering::SeqCst),
        };
        Stats {
            coopfin: get(Provider::Coopfin),
            coinflow: get(Provider::Coinflow),
            coolset: get(Provider::Coolset),
            akool: get(Provider::Akool),
            loccus: get(Provider::Loccus),
        }
    }
}

/// Everything a handler may need; cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct AppState {
    pub(crate) config: Arc<SandboxConfig>,
    pub(crate) clock: Clock,
    pub(crate) counters: Arc<Counters>,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub(crate) origin: Arc<str>,
    pub(crate) coopfin: Arc<Mutex<coopfin::State>>,
    pub(crate) coinflow: Arc<Mutex<coinflow::State>>,
    pub(crate) coolset: Arc<Mutex<coolset::State>>,
    pub(crate) akool: Arc<Mutex<akool::State>>,
    pub(crate) loccus: Arc<Mutex<loccus::State>>,
}

impl AppState {
    pub(crate) fn new(config: SandboxConfig, origin: String) -> Self {
        let loccus = loccus::State::seeded(&config.credentials.loccus);
        Self {
            config: Arc::new(config),
            clock: Clock::default(),
            counters: Arc::new(Counters::default()),
            origin: origin.into(),
            coopfin: Arc::default(),
            coinflow: Arc::default(),
            coolset: Arc::default(),
            akool: Arc::default(),
            loccus: Arc::new(Mutex::new(loccus)),
        }
    }
}

impl AppState {
    /// Sleeps for the configured token-endpoint latency, if any.
    pub(crate) async fn token_endpoint_delay(&self) {
        let delay = self.config.token_endpoint_delay;
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
    }
}

/// Locks a mutex, recovering the data if a previous holder panicked (handlers
/// never leave state half-updated across a panic point).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_match_whole_segments() {
        assert_eq!(
            Provider::for_path("/coopfin/v1/sandbox/token"),
            Some(Provider::Coopfin)
        );
        assert_eq!(Provider::for_path("/akool"), Some(Provider::Akool));
        assert_eq!(Provider::for_path("/akoolx/api"), None);
        assert_eq!(Provider::for_path("/"), None);
    }
}
