//! # auth-sdk
//!
//! Typed clients for the authentication calls of five web APIs, generated at compile time
//! from declarative specs: [CoopFin Network](coopfin), [Coinflow](coinflow),
//! [Coolset](coolset), [Akool](akool) and [Loccus / Hiya Audio Intel](loccus).
//!
//! Each provider module has a `Client` with one method per documented call. A client
//! configured with credentials authenticates by itself: it obtains tokens from the provider's
//! issuer endpoint, caches them, refreshes them before they expire, fetches them once under
//! concurrency, and on a 401 (or Akool's code 1101) fetches a new one and replays once.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use auth_sdk::coopfin;
//!
//! let client = coopfin::Client::builder()
//!     .credentials(coopfin::Credentials::new().with_api_key("pk_test_123").with_secret_key("sk_test_456"))
//!     .build()?;
//! let token = client.create_token("pk_test_123", "sk_test_456").await?;
//! println!("token lives {} s", token.expires_in);
//! # Ok(()) }
//! ```
//!
//! The spec language ([`provider`], [`endpoint`], [`response`], [`header_group`],
//! [`string_enum`], [`model`]) is public: declare the calls a provider has that this crate
//! does not cover, and send them with the provider's `Client::send`, with the same automatic
//! authentication.
#![deny(missing_docs)]

pub use auth_macros::{endpoint, header_group, model, provider, response, string_enum};
pub use auth_runtime::*;

#[cfg(feature = "akool")]
pub use auth_specs::akool;
#[cfg(feature = "coinflow")]
pub use auth_specs::coinflow;
#[cfg(feature = "coolset")]
pub use auth_specs::coolset;
#[cfg(feature = "coopfin")]
pub use auth_specs::coopfin;
#[cfg(feature = "loccus")]
pub use auth_specs::loccus;

/// The `bytes` crate this SDK uses (request and response bodies, e.g. for a custom [`Transport`]).
pub use auth_runtime::__private::bytes;
/// The `http` crate this SDK uses, so callers name the same version.
pub use auth_runtime::__private::http;
/// The `serde_json` crate this SDK uses (for `serde_json::Value` fields in specs).
pub use auth_runtime::__private::serde_json;
/// The `reqwest` crate this SDK uses, so a caller's `reqwest::ClientBuilder` is the same type.
pub use reqwest;

/// The README's examples, compiled as doc tests so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
