//! Authorizing a request: the call's auth scheme resolved (`any` picks the first configured
//! alternative), its credential placed, or its token taken from the cache, or fetched first
//! (one fetch at a time per cache slot, bounded by the token-exchange timeout).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http::HeaderMap;

use crate::auth::cache::{CachedToken, TokenCache};
use crate::auth::placement::{form_encoded as form_encoded_half, place, place_once};
use crate::call::auth_failure::AuthFailure;
use crate::call::client::{ClientCore, ProviderClient, Shared};
use crate::config::clock::Clock;
use crate::error::{Error, InvalidInput, MissingCredential, Timeout, TimeoutKind};
use crate::secret::Secret;
use crate::spec::provider::{IssueFuture, Placement, Provider, Scheme, SchemeId, SchemeKind};
use crate::spec::request::PreparedRequest;
use crate::store::fleet::{FleetCache, SlotKeys};

/// A token attached to a request, remembered so it can be dropped if the provider rejects it.
pub(crate) type UsedToken = (usize, Arc<CachedToken>);

/// How a request gets its auth: at once, or after a token fetch.
pub(crate) enum AuthStep<'a> {
    /// Applied (with the cached token used, if any).
    Ready(Option<UsedToken>),
    /// A token must be fetched first; then it goes where `placement` says.
    Fetch {
        fetch: Pin<Box<dyn Future<Output = Result<Arc<CachedToken>, AuthFailure>> + Send + 'a>>,
        slot: usize,
        placement: Placement,
        issuer: &'static str,
    },
}

impl<P: ProviderClient> ClientCore<P> {
    /// Applies `scheme` to `headers`: at once when the credential or a fresh cached token is
    /// at hand, else the token fetch to await first. Only the provider-specific lookups are
    /// generic here; the placing, the cache and the fetch are compiled once (`Shared`).
    pub(crate) fn authorize(
        &self,
        scheme: Option<SchemeId>,
        req: &mut PreparedRequest,
    ) -> Result<AuthStep<'_>, AuthFailure> {
        let Some(id) = scheme else {
            return Ok(AuthStep::Ready(None));
        };
        let (resolved, scheme) = self.resolve(id)?;
        let missing = |credential| {
            AuthFailure::Missing(MissingCredential {
                provider: P::NAME,
                scheme: scheme.name,
                credential,
            })
        };
        match &scheme.kind {
            SchemeKind::Credential {
                placement,
                credential,
                get,
            } => {
                let secret = get(&self.credentials).ok_or_else(|| missing(credential))?;
                if let Placement::Query(name) = placement {
                    req.append_query(name, secret.expose_secret());
                    return Ok(AuthStep::Ready(None));
                }
                self.shared
                    .place_credential(resolved, *placement, secret, credential, req.headers_mut())
                    .map_err(AuthFailure::Input)?;
                Ok(AuthStep::Ready(None))
            }
            SchemeKind::Basic {
                user,
                password,
                get_user,
                get_password,
                form_encoded,
            } => {
                let u = get_user(&self.credentials).ok_or_else(|| missing(user))?;
                let p = get_password(&self.credentials).ok_or_else(|| missing(password))?;
                self.shared
                    .place_basic(resolved, (u, p, *form_encoded), user, req.headers_mut())
                    .map_err(AuthFailure::Input)?;
                Ok(AuthStep::Ready(None))
            }
            SchemeKind::Issued {
                placement,
                slot,
                issuer,
                needs,
                ready,
                issue,
                identity,
            } => {
                if let Some(used) =
                    self.shared
                        .place_cached(*slot, *placement, issuer, req.headers_mut())?
                {
                    return Ok(AuthStep::Ready(Some(used)));
                }
                // Checked only when a token must be fetched: `ready` builds the issuer
                // request (cloning secrets), and a cached token proves it (a client's
                // credentials never change).
                if !ready(&self.credentials) {
                    return Err(missing(needs));
                }
                let fleet = self.fleet_slot(*slot, scheme.name, *identity);
                Ok(self
                    .shared
                    .fetch_step(*slot, *placement, issuer, fleet, issue(self)))
            }
            SchemeKind::Any(_) => Err(nested_any()),
        }
    }

    /// Resolves `Any` schemes to the first alternative whose credentials are configured.
    fn resolve(&self, id: SchemeId) -> Result<(SchemeId, &'static Scheme<P>), AuthFailure> {
        let scheme = scheme_at::<P>(id)?;
        let SchemeKind::Any(alternatives) = &scheme.kind else {
            return Ok((id, scheme));
        };
        for alt in alternatives.iter() {
            let s = scheme_at::<P>(*alt)?;
            let ready = match &s.kind {
                SchemeKind::Credential { get, .. } => get(&self.credentials).is_some(),
                SchemeKind::Basic {
                    get_user,
                    get_password,
                    ..
                } => {
                    get_user(&self.credentials).is_some()
                        && get_password(&self.credentials).is_some()
                }
                // A fresh cached token proves the issuer's credentials (they never change)
                // without `ready` building the issuer request.
                SchemeKind::Issued { ready, slot, .. } => {
                    self.shared.caches[*slot]
                        .fresh(&*self.shared.clock)
                        .is_some()
                        || ready(&self.credentials)
                }
                SchemeKind::Any(_) => false,
            };
            if ready {
                return Ok((*alt, s));
            }
        }
        Err(AuthFailure::Missing(MissingCredential {
            provider: P::NAME,
            scheme: scheme.name,
            credential: "any of its alternatives' credentials",
        }))
    }
}

impl Shared {
    /// Places a credential scheme's secret; its header is built once per client (its
    /// credentials never change), then cloned.
    fn place_credential(
        &self,
        resolved: SchemeId,
        placement: Placement,
        secret: &Secret,
        credential: &'static str,
        headers: &mut HeaderMap,
    ) -> Result<(), InvalidInput> {
        match self.credential_headers.get(usize::from(resolved.0)) {
            Some(cell) => place_once(cell, headers, placement, secret.expose_secret(), credential),
            None => place(headers, placement, secret.expose_secret(), credential),
        }
    }

    /// Places `Authorization: Basic base64(user:password)`, built once per client.
    fn place_basic(
        &self,
        resolved: SchemeId,
        (user, password, form_encoded): (&str, &Secret, bool),
        user_field: &'static str,
        headers: &mut HeaderMap,
    ) -> Result<(), InvalidInput> {
        let cell = self.credential_headers.get(usize::from(resolved.0));
        if let Some((_, name, value)) = cell.and_then(|c| c.get()) {
            headers.insert(name.clone(), value.clone());
            return Ok(());
        }
        let value = basic_value(user, password.expose_secret(), form_encoded, user_field)?;
        match cell {
            Some(cell) => place_once(cell, headers, Placement::Authorization, &value, user_field),
            None => place(headers, Placement::Authorization, &value, user_field),
        }
    }

    /// Places the fresh cached token of `slot`, if there is one.
    fn place_cached(
        &self,
        slot: usize,
        placement: Placement,
        issuer: &'static str,
        headers: &mut HeaderMap,
    ) -> Result<Option<UsedToken>, AuthFailure> {
        match self.caches[slot].fresh(&*self.clock) {
            Some(token) => {
                token
                    .place_into(headers, placement, issuer)
                    .map_err(AuthFailure::Input)?;
                Ok(Some((slot, token)))
            }
            None => Ok(None),
        }
    }

    /// The fetch of a token for `slot` through `issue`, which runs only if no other caller's
    /// fetch serves this one.
    fn fetch_step<'a>(
        &'a self,
        slot: usize,
        placement: Placement,
        issuer: &'static str,
        fleet: Option<(&'a FleetCache, &'a SlotKeys)>,
        issue: IssueFuture<'a>,
    ) -> AuthStep<'a> {
        tracing::debug!(target: "auth_sdk", issuer, "obtaining a token");
        AuthStep::Fetch {
            fetch: fetch_token(
                &self.caches[slot],
                &*self.clock,
                self.config.timeouts.token_exchange,
                fleet.map(|(f, k)| (f, k, self.lock_ttl())),
                issue,
            ),
            slot,
            placement,
            issuer,
        }
    }
}

/// A request authorized, with the cached token it carries (if any).
pub(crate) type Authorized = (PreparedRequest, Option<UsedToken>);

/// Waits for a token (within the total deadline) and places it into `req`. The cold part of
/// authorizing, boxed so that the call loop's state keeps no room for it.
pub(crate) fn with_token<'a>(
    mut req: PreparedRequest,
    fetch: Pin<Box<dyn Future<Output = Result<Arc<CachedToken>, AuthFailure>> + Send + 'a>>,
    slot: usize,
    placement: Placement,
    issuer: &'static str,
    total: Option<(tokio::time::Instant, std::time::Duration)>,
) -> Pin<Box<dyn Future<Output = Result<Authorized, Error<std::convert::Infallible>>> + Send + 'a>>
{
    Box::pin(async move {
        let token = match total {
            Some((at, limit)) => tokio::time::timeout_at(at, fetch)
                .await
                .map_err(|_| Timeout::new(TimeoutKind::Total, limit, true))??,
            None => fetch.await?,
        };
        token
            .place_into(req.headers_mut(), placement, issuer)
            .map_err(Error::InvalidInput)?;
        Ok((req, Some((slot, token))))
    })
}

/// A token fetch through `cache`, for any provider: `issue` runs only if this caller does
/// the fetch (and, with a fleet cache, only if no other process's token serves it). The
/// exchange's own timeout is inside the fetch, so a timed-out refresh is a failed refresh
/// (the cache falls back to a still-valid token); waiting for another caller's refresh is
/// bounded by twice it, plus the fleet lock's lifetime with a fleet cache. Not generic, so
/// it is compiled once here rather than once per provider in every crate of specs.
fn fetch_token<'a>(
    cache: &'a TokenCache<AuthFailure>,
    clock: &'a dyn Clock,
    limit: Option<std::time::Duration>,
    fleet: Option<(&'a FleetCache, &'a SlotKeys, std::time::Duration)>,
    issue: IssueFuture<'a>,
) -> Pin<Box<dyn Future<Output = Result<Arc<CachedToken>, AuthFailure>> + Send + 'a>> {
    Box::pin(async move {
        let get = cache.get(clock, move || async move {
            let exchange = async move {
                match limit {
                    Some(limit) => tokio::time::timeout(limit, issue)
                        .await
                        .map_err(|_| exchange_timeout(limit))?
                        .map_err(AuthFailure::Exchange),
                    None => issue.await.map_err(AuthFailure::Exchange),
                }
            };
            match fleet {
                Some((fleet, keys, lock_ttl)) => {
                    fleet.obtain(keys, clock, lock_ttl, exchange).await
                }
                None => exchange.await,
            }
        });
        match limit {
            Some(limit) => {
                let lock = fleet.map_or(std::time::Duration::ZERO, |(_, _, ttl)| ttl);
                let outer = limit.saturating_mul(2).saturating_add(lock);
                tokio::time::timeout(outer, get)
                    .await
                    .map_err(|_| exchange_timeout(outer))?
            }
            None => get.await,
        }
    })
}

fn exchange_timeout(after: std::time::Duration) -> AuthFailure {
    AuthFailure::Timeout(Timeout::new(TimeoutKind::TokenExchange, after, false))
}

fn scheme_at<P: Provider>(id: SchemeId) -> Result<&'static Scheme<P>, AuthFailure> {
    P::SCHEMES
        .get(usize::from(id.0))
        .ok_or(AuthFailure::Input(InvalidInput::new(
            "auth",
            "unknown auth scheme index",
        )))
}

#[cold]
fn nested_any() -> AuthFailure {
    AuthFailure::Input(InvalidInput::new(
        "auth",
        "nested `any` schemes are not supported",
    ))
}

/// `Basic base64(user:password)`, zeroized when dropped. RFC 7617 forbids a `:` in the user
/// id (the password may hold one); `client_secret_basic` form-encodes both halves first
/// (RFC 6749 §2.3.1), which escapes a `:`.
fn basic_value(
    user: &str,
    password: &str,
    form_encoded: bool,
    user_field: &'static str,
) -> Result<zeroize::Zeroizing<String>, InvalidInput> {
    use base64::Engine as _;
    if form_encoded {
        let (u, p) = (form_encoded_half(user), form_encoded_half(password));
        return basic_value(&u, &p, false, user_field);
    }
    if user.contains(':') {
        return Err(InvalidInput::new(
            user_field,
            "an HTTP Basic user id cannot contain `:` (RFC 7617)",
        ));
    }
    let pair = zeroize::Zeroizing::new(format!("{user}:{password}"));
    let mut value = zeroize::Zeroizing::new(String::from("Basic "));
    base64::engine::general_purpose::STANDARD.encode_string(pair.as_bytes(), &mut value);
    Ok(value)
}
