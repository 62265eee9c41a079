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

mod cache;
mod client;
mod clock;
mod config;
mod endpoint;
mod error;
mod params;
mod provider;
mod ratelimit;
mod retry;
mod secret;
mod timestamp;
mod token;
mod transport;

pub use cache::{CachedToken, TokenCache};
pub use client::{ClientBuilder, ClientCore};
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{Config, RetryPolicy, Timeouts};
pub use endpoint::{BaseUrl, Endpoint, HeaderGroup, Metadata, ResponseSpec, parse_response};
pub use error::{
    BuildError, DecodeError, Error, InvalidInput, MissingCredential, ProviderError, RateLimited,
    Timeout, TimeoutKind, TokenExchangeError, TransportError, TransportErrorKind,
};
pub use params::{ToHeader, ToParam};
pub use provider::{Provider, SchemeId};
pub use ratelimit::RateLimit;
pub use retry::{backoff, is_transient_status, parse_retry_after};
pub use secret::{RawBody, Secret};
pub use timestamp::Timestamp;
pub use token::{IssuedToken, Lifetime, jwt_exp};
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

    pub use crate::client::{ClientBuilder, ClientCore, env_credential};
    pub use crate::endpoint::{
        BaseUrl, DecodeFailure, Endpoint, Expose, FromHeader, HeaderGroup, Metadata,
        RequestBuilder, ResponseSpec, decode_header, decode_json,
    };
    pub use crate::error::{BuildError, Error, InvalidInput, MissingCredential};
    pub use crate::params::{CharRange, ToHeader, ToParam};
    pub use crate::provider::{
        Envelope, FromCredentials, Placement, Provider, Scheme, SchemeId, SchemeKind, issue_with,
        issuer_ready,
    };
    pub use crate::secret::{Secret, serialize_exposed};
    pub use crate::token::{
        IssuedToken, Lifetime, LifetimeInstant, LifetimeSeconds, TokenResponse,
    };

    /// Marks a response field as required to be a `Secret` (token fields of issuers).
    #[diagnostic::on_unimplemented(
        message = "a token field must be typed `Secret`, not `{Self}`",
        label = "this field holds the token",
        note = "declare the field as `auth_sdk::Secret` so it is redacted in Debug and zeroized on drop"
    )]
    pub trait IsSecret {}
    impl IsSecret for crate::secret::Secret {}

    /// Compile-time check helper.
    pub const fn assert_secret<T: IsSecret>() {}
}
