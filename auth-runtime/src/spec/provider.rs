//! Providers: what `#[provider]` generates for a client type, and its auth schemes.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use http::HeaderMap;

use crate::error::MissingCredential;
use crate::secret::Secret;
use crate::spec::token::IssuedToken;

/// A provider's client type. Implemented by `#[provider]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an auth-sdk provider",
    label = "not a provider client",
    note = "`provider = ...` must name a client type declared with `#[auth_sdk::provider(...)]`, e.g. `auth_sdk::coopfin::Client`"
)]
pub trait Provider: Sized + Send + Sync + 'static {
    /// The credentials the client can hold.
    type Credentials: Default + fmt::Debug + Send + Sync + 'static;
    /// The provider's error body.
    type ErrorBody: DeserializeOwned + fmt::Debug + Send + Sync + 'static;
    /// Display name.
    const NAME: &'static str;
    /// Base URL used when none is configured.
    const DEFAULT_BASE_URL: &'static str;
    /// The auth schemes, indexed by [`SchemeId`].
    const SCHEMES: &'static [Scheme<Self>];
    /// Number of token cache slots (one per issued scheme).
    const TOKEN_SLOTS: usize;
    /// Envelope rule, for providers that report failures in a success body.
    const ENVELOPE: Option<Envelope>;
    /// Adds the headers sent on every request, e.g. Coolset's `content-type`. Generated
    /// code inserts names and values built at compile time (statics), so a call does not
    /// parse them; the default adds none.
    fn default_headers(headers: &mut HeaderMap) {
        let _ = headers;
    }
    /// Calls `each` with every secret credential set in `credentials` (not the
    /// `#[credential(public)]` ones), so errors can scrub a server's echo of them.
    fn credential_secrets(credentials: &Self::Credentials, each: &mut dyn FnMut(&Secret));
    /// The client core that runs this provider's calls: `ClientCore<Self>`, as
    /// `#[provider]` sets it. An associated type, so that this sans-IO layer names no type of
    /// the call layer above it.
    type Core: Send + Sync + 'static;
    /// Wraps a configured core.
    fn from_core(core: Arc<Self::Core>) -> Self;
    /// The core.
    fn core(&self) -> &Self::Core;
}

/// Index of a scheme in [`Provider::SCHEMES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SchemeId(pub u16);

/// Where a credential or token goes in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// `Authorization: Bearer <value>`.
    Bearer,
    /// `Authorization: <value>` (raw).
    Authorization,
    /// A named header (lowercase).
    Header(&'static str),
    /// A query parameter (credentials only): the request's URL then holds a secret, which
    /// no `Debug`, error or log of the SDK prints.
    Query(&'static str),
}

/// Reads one credential from the client's credentials.
pub type CredentialFn<P> = fn(&<P as Provider>::Credentials) -> Option<&Secret>;
/// Reads one credential, secret or public, as text (the user id of HTTP Basic).
pub type CredentialTextFn<P> = fn(&<P as Provider>::Credentials) -> Option<&str>;
/// Obtains a token from an issuer endpoint.
pub type IssueFn<P> = for<'a> fn(&'a <P as Provider>::Core) -> IssueFuture<'a>;
/// The future an [`IssueFn`] returns: the token exchange, not started until polled.
pub type IssueFuture<'a> = Pin<
    Box<dyn Future<Output = Result<IssuedToken, crate::error::TokenExchangeError>> + Send + 'a>,
>;
/// The issuer request a client's credentials make (`None` if they are missing): what
/// identifies those credentials, hashed, in a fleet token store.
pub type IdentityFn<P> =
    fn(&<P as Provider>::Core) -> Option<crate::spec::request::PreparedRequest>;
/// Whether the credentials an issuer needs are configured.
pub type ReadyFn<P> = fn(&<P as Provider>::Credentials) -> bool;

/// A named auth scheme of a provider.
pub struct Scheme<P: Provider> {
    /// Its name in the spec.
    pub name: &'static str,
    /// What it does.
    pub kind: SchemeKind<P>,
}

/// The kinds of auth scheme.
pub enum SchemeKind<P: Provider> {
    /// A static credential of the client.
    Credential {
        /// Where it goes.
        placement: Placement,
        /// The credential's name.
        credential: &'static str,
        /// Reads it.
        get: CredentialFn<P>,
    },
    /// A token obtained from an issuer endpoint and cached.
    Issued {
        /// Where it goes.
        placement: Placement,
        /// Its cache slot.
        slot: usize,
        /// The issuer endpoint's name.
        issuer: &'static str,
        /// The credentials the issuer needs, for error messages.
        needs: &'static str,
        /// Whether those are configured.
        ready: ReadyFn<P>,
        /// Fetches a token.
        issue: IssueFn<P>,
        /// The issuer request, to name the token in a fleet store.
        identity: IdentityFn<P>,
    },
    /// HTTP Basic (RFC 7617): `Authorization: Basic base64(user ":" password)` from two
    /// credentials of the client.
    Basic {
        /// The user id credential's name.
        user: &'static str,
        /// The password credential's name.
        password: &'static str,
        /// Reads the user id.
        get_user: CredentialTextFn<P>,
        /// Reads the password.
        get_password: CredentialFn<P>,
        /// Whether each half is form-encoded before Base64 (`client_secret_basic`, RFC 6749
        /// §2.3.1), rather than sent as it is (RFC 7617).
        form_encoded: bool,
    },
    /// The first of several schemes whose credentials are configured.
    Any(&'static [SchemeId]),
}

impl<P: Provider> fmt::Debug for Scheme<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scheme")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Providers whose success bodies carry a status code (Akool: `code == 1000`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Envelope {
    /// Name of the code field.
    pub code_field: &'static str,
    /// The success value.
    pub success: i64,
    /// Codes that mean "credentials rejected": the cached token is dropped and the call replayed once.
    pub reauth: &'static [i64],
}

/// Builds an issuer request from the client's credentials; generated for `#[endpoint(issuer)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be built from the client's credentials",
    note = "mark the issuer endpoint `#[endpoint(..., issuer)]` and name its fields like the provider's credentials"
)]
pub trait FromCredentials<P: Provider>: Sized {
    /// The request, or which credential is missing.
    fn from_credentials(credentials: &P::Credentials) -> Result<Self, MissingCredential>;

    /// Whether [`from_credentials`](Self::from_credentials) would succeed, without building
    /// the request (which copies the secrets). The generated implementation checks that
    /// each required credential is present.
    fn credentials_ready(credentials: &P::Credentials) -> bool {
        Self::from_credentials(credentials).is_ok()
    }
}

/// Whether an issuer's request can be built from these credentials (no secret is copied).
pub fn issuer_ready<P: Provider, E: FromCredentials<P>>(credentials: &P::Credentials) -> bool {
    E::credentials_ready(credentials)
}
