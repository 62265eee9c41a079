//! The pieces every provider shares: the [`Provider`] list and prefixes, the
//! request/token counters behind [`crate::Sandbox::stats`], the [`Shared`]
//! config/clock/origin bundle, and [`ProviderState`], which pairs them with
//! one provider's own state. It knows no provider module: each provider owns
//! its state type, and `server.rs` composes them.

use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::clock::Clock;
use crate::config::SandboxConfig;

/// The five emulated providers, and a generic OAuth2 authorization server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Provider {
    Coopfin,
    Coinflow,
    Coolset,
    Akool,
    Loccus,
    Oauth2,
}

impl Provider {
    /// Every provider, in a fixed order.
    pub(crate) const ALL: [Provider; 6] = [
        Provider::Coopfin,
        Provider::Coinflow,
        Provider::Coolset,
        Provider::Akool,
        Provider::Loccus,
        Provider::Oauth2,
    ];

    /// Path prefix of the provider on the sandbox (its "base URL" path).
    pub(crate) const fn prefix(self) -> &'static str {
        match self {
            Provider::Coopfin => "/coopfin/v1",
            Provider::Coinflow => "/coinflow/api",
            Provider::Coolset => "/coolset/api",
            Provider::Akool => "/akool",
            Provider::Loccus => "/loccus/v1",
            Provider::Oauth2 => "/oauth2",
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
    /// The OAuth2 server (`tokens_issued` = access tokens from `POST /token`).
    pub oauth2: ProviderStats,
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
            self.oauth2,
        ]
        .iter()
        .map(|p| p.requests)
        .sum()
    }
}

/// Live counters.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    requests: [AtomicU64; 6],
    tokens: [AtomicU64; 6],
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
            oauth2: get(Provider::Oauth2),
        }
    }
}

/// What every handler may need besides its provider's own state; cheap to
/// clone.
#[derive(Debug, Clone)]
pub(crate) struct Shared {
    pub(crate) config: Arc<SandboxConfig>,
    pub(crate) clock: Clock,
    pub(crate) counters: Arc<Counters>,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub(crate) origin: Arc<str>,
}

impl Shared {
    pub(crate) fn new(config: SandboxConfig, origin: String) -> Self {
        Self {
            config: Arc::new(config),
            clock: Clock::default(),
            counters: Arc::new(Counters::default()),
            origin: origin.into(),
        }
    }

    /// Sleeps for the configured token-endpoint latency, if any.
    pub(crate) async fn token_endpoint_delay(&self) {
        let delay = self.config.token_endpoint_delay;
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
    }
}

/// The router state of one provider: the [`Shared`] pieces (reachable through
/// `Deref`) plus that provider's own state `T`, behind a mutex. Cheap to clone.
#[derive(Debug)]
pub(crate) struct ProviderState<T> {
    shared: Shared,
    own: Arc<Mutex<T>>,
}

impl<T> Clone for ProviderState<T> {
    fn clone(&self) -> Self {
        Self {
            shared: self.shared.clone(),
            own: Arc::clone(&self.own),
        }
    }
}

impl<T> ProviderState<T> {
    pub(crate) fn new(shared: Shared, own: T) -> Self {
        Self {
            shared,
            own: Arc::new(Mutex::new(own)),
        }
    }

    /// Locks the provider's own state, recovering the data if a previous
    /// holder panicked (handlers never leave state half-updated across a
    /// panic point).
    pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
        self.own.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<T> Deref for ProviderState<T> {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.shared
    }
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
