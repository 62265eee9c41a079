//! The five providers of auth-sdk, written only in its spec language.
//!
//! Each provider is a module with a `Client` declared by `#[provider]` and one module per
//! documented auth call holding `Request` (`#[endpoint]`) and `Response` (`#[response]`).
//! Every assumption taken where a provider's contract is unclear is written in the doc
//! comment of the spec it affects. Users depend on `auth-sdk`, which re-exports these.
#![deny(missing_docs)]

#[cfg(feature = "akool")]
pub mod akool;
#[cfg(feature = "coinflow")]
pub mod coinflow;
#[cfg(feature = "coolset")]
pub mod coolset;
#[cfg(feature = "coopfin")]
pub mod coopfin;
#[cfg(feature = "loccus")]
pub mod loccus;
