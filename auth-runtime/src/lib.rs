//! Runtime of auth-sdk: everything the code generated from specs calls.
//!
//! Users normally depend on `auth-sdk`, which re-exports this crate. The pieces:
//! [`Secret`] for credentials, [`Error`] classified by stage, [`ClientBuilder`] with
//! [`Timeouts`] and [`RetryPolicy`], the [`Transport`] trait with a reqwest default, the
//! token cache with an injectable [`Clock`], and the sans-IO [`Endpoint`] trait.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

// Layers, bottom to top; each imports only from the layers listed before it.
mod auth;
mod call;
mod config;
mod error;
pub mod interceptors;
mod secret;
mod spec;
mod store;
mod transport;

pub use auth::cache::{CachedToken, TokenCache};
pub use call::builder::ClientBuilder;
pub use call::client::{ClientCore, ProviderClient};
pub use call::interceptor::{AttemptContext, BoxError, Interceptor, ResponseHead};
pub use config::budget::RetryBudget;
pub use config::clock::{Clock, ManualClock, SystemClock};
pub use config::retry::{backoff, parse_retry_after};
pub use config::{Config, RetryPolicy, Timeouts};
pub use error::rate_limit::RateLimit;
pub use error::transient::is_transient_status;
pub use error::{
    BuildError, DecodeError, Error, InvalidInput, MissingCredential, ProviderError, RateLimited,
    Timeout, TimeoutKind, TokenExchangeError, TransportError, TransportErrorKind,
};
pub use secret::{RawBody, Secret};
pub use spec::decode::parse_response;
pub use spec::endpoint::{Endpoint, HeaderGroup, Metadata, ResponseSpec};
pub use spec::params::{ToHeader, ToParam};
pub use spec::provider::{Provider, SchemeId};
pub use spec::request::{BaseUrl, PreparedRequest};
pub use spec::secret_url::SecretUrl;
pub use spec::timestamp::Timestamp;
pub use spec::token::{IssuedToken, Lifetime, jwt_exp};
#[cfg(feature = "redis")]
pub use store::redis::RedisStore;
pub use store::{
    FleetCache, FleetStats, MemoryStore, StoreError, StoreEvent, StoreKey, TokenStore,
};
pub use transport::{ReqwestTransport, Transport};

/// What generated code uses. Not a public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use ::bytes;
    pub use ::http;
    pub use ::serde;
    pub use ::serde_json;
    pub use ::std::{
        boxed::Box, format, option::Option, result::Result, string::String, sync::Arc, vec::Vec,
    };

    pub use crate::call::builder::{ClientBuilder, env_credential};
    pub use crate::call::client::ClientCore;
    pub use crate::call::issue::issue_with;
    pub use crate::error::{BuildError, Error, InvalidInput, MissingCredential};
    pub use crate::secret::{Secret, serialize_exposed};
    pub use crate::spec::decode::{FromHeader, decode_header, decode_json};
    pub use crate::spec::endpoint::{
        DecodeFailure, Endpoint, Expose, HeaderGroup, Metadata, ResponseSpec,
    };
    pub use crate::spec::params::{CharRange, ToHeader, ToParam};
    pub use crate::spec::provider::{
        Envelope, FromCredentials, Placement, Provider, Scheme, SchemeId, SchemeKind, issuer_ready,
    };
    pub use crate::spec::request::{BaseUrl, PreparedRequest, RequestBuilder};
    pub use crate::spec::token::{
        IssuedToken, Lifetime, LifetimeInstant, LifetimeSeconds, TokenResponse,
    };

    /// Marks a response field as required to be a `Secret` (token fields of issuers).
    #[diagnostic::on_unimplemented(
        message = "a token field must be typed `Secret`, not `{Self}`",
        label = "this field holds the token",
        note = "declare the field as `auth_sdk::Secret` so it is redacted in Debug and zeroized on drop"
    )]
    pub trait IsSecret {
        /// A copy of the secret (the issued token the cache keeps).
        fn to_secret(&self) -> crate::secret::Secret;
    }
    impl IsSecret for crate::secret::Secret {
        fn to_secret(&self) -> crate::secret::Secret {
            self.clone()
        }
    }

    /// Compile-time check helper.
    pub const fn assert_secret<T: IsSecret>() {}

    pub use crate::call::issue::issued_kind;
    pub use crate::spec::checks::*;
}
