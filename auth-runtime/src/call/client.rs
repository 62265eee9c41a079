//! [`ClientCore`]: the configured state of one provider client (base URL, transport,
//! configuration, clock, interceptors, retry budget, token caches, credentials), shared by
//! the client's clones. The calls it sends are in `shell` and `pipeline`.

use std::fmt;
use std::sync::Arc;

use crate::auth::cache::TokenCache;
use crate::auth::placement::form_encoded as form_encoded_half;
use crate::call::fleet::{Caches, Fleet};
use crate::call::interceptor::Interceptors;
use crate::config::Config;
use crate::config::budget::BudgetState;
use crate::config::clock::Clock;
use crate::secret::scrub::Scrubber;
use crate::spec::provider::{Placement, Provider};
use crate::spec::request::BaseUrl;
use crate::store::fleet::FleetCache;
use crate::transport::Sender;

/// Configured state of one provider client. Generated clients hold it in an `Arc`, so
/// cloning a client is cheap and clones share the token cache.
pub struct ClientCore<P: Provider> {
    pub(crate) shared: Shared,
    pub(crate) credentials: P::Credentials,
}

/// A provider whose client wraps a [`ClientCore`]: every `#[provider]` client. Generic code
/// that builds or calls clients of any provider bounds its type parameter with this
/// (`P: ProviderClient`) rather than with [`Provider`] alone, which, as the sans-IO
/// description of a provider, does not name the call layer's core.
pub trait ProviderClient: Provider<Core = ClientCore<Self>> {}
impl<P: Provider<Core = ClientCore<P>>> ProviderClient for P {}

/// The provider-independent part of a client: everything the call pipeline needs. The
/// pipeline is written against this and a type-erased endpoint (`CallOps`), so it is
/// compiled once in this crate instead of once per endpoint in every crate of specs.
pub(crate) struct Shared {
    pub(crate) base: BaseUrl,
    pub(crate) transport: Sender,
    pub(crate) caches: Caches,
    /// The level-2 cache shared with other processes, if the client was given one.
    pub(crate) fleet: Option<Fleet>,
    pub(crate) config: Config,
    pub(crate) clock: Arc<dyn Clock>,
    /// The user's steps of every call, in order.
    pub(crate) interceptors: Interceptors,
    /// The client-wide retry budget, shared by clones (they share this core).
    pub(crate) budget: BudgetState,
    /// The header of each credential scheme (by scheme index), built at its first use.
    pub(crate) credential_headers: Box<[CredentialHeader]>,
    /// The client's secret credentials, to scrub from what servers send back.
    credential_scrubber: Scrubber,
}

/// A credential's header, built once (see [`crate::auth::placement::place_once`]).
pub(crate) type CredentialHeader =
    std::sync::OnceLock<(Placement, http::header::HeaderName, http::HeaderValue)>;

/// A checked configuration, ready to become a client's core.
pub(crate) struct Checked {
    pub(crate) base: BaseUrl,
    pub(crate) transport: Sender,
    pub(crate) config: Config,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) interceptors: Interceptors,
    pub(crate) fleet: Option<FleetCache>,
}

impl<P: Provider> fmt::Debug for ClientCore<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("provider", &P::NAME)
            .field("base_url", &self.shared.base.as_str())
            .field("credentials", &self.credentials)
            .field("config", &self.shared.config)
            .field("interceptors", &self.shared.interceptors)
            .field("fleet_cache", &self.shared.fleet.as_ref().map(|f| &f.cache))
            .finish_non_exhaustive()
    }
}

impl<P: Provider> ClientCore<P> {
    /// Assembles a core from a checked configuration (see
    /// [`ClientBuilder::build`](crate::ClientBuilder::build)).
    pub(crate) fn from_parts(checked: Checked, credentials: P::Credentials) -> Self {
        let mut scrubber = Scrubber::new();
        P::credential_secrets(&credentials, &mut |s| scrubber.add(s.expose_secret()));
        // A Basic pair whose user id is public still hides the password in its base64.
        for scheme in P::SCHEMES {
            if let crate::spec::provider::SchemeKind::Basic {
                get_user,
                get_password,
                form_encoded,
                ..
            } = &scheme.kind
                && let (Some(u), Some(p)) = (get_user(&credentials), get_password(&credentials))
            {
                if *form_encoded {
                    scrubber.add_pair(&form_encoded_half(u), &form_encoded_half(p.expose_secret()));
                } else {
                    scrubber.add_pair(u, p.expose_secret());
                }
            }
        }
        ClientCore {
            shared: Shared::new(checked, P::TOKEN_SLOTS, P::SCHEMES.len(), scrubber),
            credentials,
        }
    }

    /// The client's credentials.
    pub fn credentials(&self) -> &P::Credentials {
        &self.credentials
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &BaseUrl {
        &self.shared.base
    }

    /// Timeouts, retries and the body cap.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// How many tokens the client holds in its in-process cache now (at most one per
    /// scheme whose token an issuer mints).
    pub fn cached_tokens(&self) -> usize {
        self.shared
            .caches
            .iter()
            .filter(|c| c.peek().is_some())
            .count()
    }

    /// Drops every cached token (the next authenticated call fetches new ones) and ends
    /// the backoff after a failed token exchange.
    pub fn clear_tokens(&self) {
        for c in self.shared.caches.iter() {
            c.clear();
        }
    }
}

impl Shared {
    /// What errors scrub from a server's answer: the secret credentials and every token
    /// cached now. Built only for an answer that is not a success.
    pub(crate) fn scrubber(&self) -> Scrubber {
        let mut s = self.credential_scrubber.clone();
        for cache in self.caches.iter() {
            if let Some(t) = cache.peek() {
                s.add(t.token.expose_secret());
            }
        }
        s
    }

    fn new(checked: Checked, token_slots: usize, schemes: usize, scrubber: Scrubber) -> Self {
        let Checked {
            base,
            transport,
            config,
            clock,
            interceptors,
            fleet,
        } = checked;
        Shared {
            base,
            transport,
            caches: (0..token_slots).map(|_| TokenCache::new()).collect(),
            fleet: fleet.map(|f| Fleet::new(f, token_slots)),
            budget: BudgetState::new(config.retry.budget),
            credential_headers: (0..schemes).map(|_| CredentialHeader::new()).collect(),
            credential_scrubber: scrubber,
            config,
            clock,
            interceptors,
        }
    }
}
