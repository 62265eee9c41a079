//! The sans-IO traits every spec implements: [`Endpoint`] (a request that knows how to
//! become an HTTP request and how to read its answer), [`ResponseSpec`], [`HeaderGroup`],
//! and the [`Metadata`] of an endpoint.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, Method};
use serde::de::DeserializeOwned;

use crate::error::InvalidInput;
use crate::spec::provider::{Provider, SchemeId};
use crate::spec::request::{BaseUrl, PreparedRequest, RequestBuilder};

/// What a spec says about an endpoint, apart from its fields.
#[derive(Debug, Clone)]
pub struct Metadata {
    /// Endpoint name (the spec module's name, e.g. `create_key`).
    pub name: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path template relative to the base URL, e.g. `/user/keys/{key}`.
    pub path: &'static str,
    /// Whether a retry after the request was sent is safe.
    pub idempotent: bool,
    /// Success statuses.
    pub success: &'static [u16],
    /// The request's `Accept` (the response's [`ResponseSpec::ACCEPT`]).
    pub accept: &'static str,
}

/// An endpoint: a request type that knows how to become an `http::Request` and how to read
/// its answer. Implemented by `#[endpoint]`; no I/O happens here.
pub trait Endpoint: Send + Sync + Sized {
    /// The provider (its client type).
    type Provider: Provider;
    /// The decoded success answer.
    type Response: Send;
    /// The typed error body of this endpoint.
    type ErrorBody: DeserializeOwned + fmt::Debug + Send + Sync + 'static;
    /// Method, path, idempotency, success statuses.
    const METADATA: Metadata;

    /// The auth scheme to apply (`None`: no auth).
    fn auth(&self) -> Option<SchemeId>;

    /// Builds the request (without auth) against `base`, in the SDK's own form.
    fn prepare_request(&self, base: &BaseUrl) -> Result<PreparedRequest, InvalidInput>;

    /// Builds the request (without auth) against `base` as an `http::Request`.
    fn to_http_request(&self, base: &BaseUrl) -> Result<http::Request<Bytes>, InvalidInput> {
        self.prepare_request(base)?.into_http()
    }

    /// Decodes a success answer.
    fn decode_response(headers: &HeaderMap, body: &[u8]) -> Result<Self::Response, DecodeFailure>;
}

/// A success response declared with `#[response]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not declared as a response",
    label = "the endpoint's module needs a `Response` declared with `#[response(200)]`",
    note = "declare `#[response(200)] pub struct Response {{ ... }}` beside the request"
)]
pub trait ResponseSpec: Sized {
    /// Success statuses.
    const SUCCESS: &'static [u16];
    /// The request's `Accept`: JSON unless the response takes its body as text or bytes.
    const ACCEPT: &'static str = "application/json";
    /// Decodes the answer.
    fn decode(headers: &HeaderMap, body: &[u8]) -> Result<Self, DecodeFailure>;
}

/// Alternative header sets declared with `#[header_group]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a header group of `{P}`",
    note = "declare the enum with `#[header_group(provider = ...)]` naming the same provider as the endpoint"
)]
pub trait HeaderGroup<P> {
    /// Adds the variant's headers.
    fn apply(&self, rb: &mut RequestBuilder) -> Result<(), InvalidInput>;
    /// The auth scheme the variant asks for.
    fn auth(&self) -> Option<SchemeId>;
}

/// Serializes a borrowed secret in a generated request body.
#[derive(Clone, Copy)]
pub struct Expose<'a>(pub &'a crate::secret::Secret);

impl serde::Serialize for Expose<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.expose_secret())
    }
}

/// Why a success answer could not be decoded.
#[derive(Debug)]
pub enum DecodeFailure {
    /// The JSON body did not match (the error's position locates the failing value).
    Json(serde_json::Error),
    /// A header field was missing or unreadable.
    Header(&'static str),
    /// A `#[body(text)]` body was not UTF-8.
    NotText,
}

impl From<serde_json::Error> for DecodeFailure {
    fn from(e: serde_json::Error) -> Self {
        DecodeFailure::Json(e)
    }
}
