//! Checks that generated code runs at compile time, so that a spec mistake the macros
//! cannot see (they expand one item at a time) is one error on the user's token, with the
//! fix in its message, and no follow-on errors.

use std::time::SystemTime;

use serde::{Deserialize, Deserializer};

use crate::spec::endpoint::DecodeFailure;
use crate::spec::endpoint::Endpoint;
use crate::spec::provider::{FromCredentials, Provider, SchemeId, SchemeKind};
use crate::spec::request::{BaseUrl, RequestBuilder};
use crate::spec::token::TokenResponse;

/// A message built during constant evaluation (for `panic!` in a const item).
#[derive(Clone, Copy)]
pub struct ConstMessage {
    buf: [u8; 512],
    len: usize,
}

impl ConstMessage {
    /// An empty message.
    pub const fn new() -> Self {
        ConstMessage {
            buf: [0; 512],
            len: 0,
        }
    }

    /// Appends `s` if it fits whole.
    pub const fn push(mut self, s: &str) -> Self {
        let b = s.as_bytes();
        if self.len + b.len() > self.buf.len() {
            return self;
        }
        let mut i = 0;
        while i < b.len() {
            self.buf[self.len + i] = b[i];
            i += 1;
        }
        self.len += b.len();
        self
    }

    /// The text.
    pub const fn as_str(&self) -> &str {
        let (head, _) = self.buf.split_at(self.len);
        match core::str::from_utf8(head) {
            Ok(s) => s,
            Err(_) => "",
        }
    }
}

impl Default for ConstMessage {
    fn default() -> Self {
        Self::new()
    }
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The scheme of `P` named `name`, looked up at compile time.
pub const fn find_scheme<P: Provider>(name: &str) -> Option<SchemeId> {
    let mut i = 0;
    while i < P::SCHEMES.len() {
        if str_eq(P::SCHEMES[i].name, name) {
            return Some(SchemeId(i as u16));
        }
        i += 1;
    }
    None
}

/// [`find_scheme`] for the provider of endpoint `E` (no bound on the provider is
/// repeated at the call site, so a wrong `provider = ...` is reported once).
pub const fn find_endpoint_scheme<E: Endpoint>(name: &str) -> Option<SchemeId> {
    find_scheme::<E::Provider>(name)
}

/// "`auth = tokn`: CoopFin has no auth scheme `tokn`; its schemes are `token` ...".
/// `before` and `after` surround the name as the spec wrote it; `hint` ends the message.
pub const fn unknown_scheme<P: Provider>(
    before: &str,
    name: &str,
    after: &str,
    hint: &str,
) -> ConstMessage {
    let mut m = ConstMessage::new()
        .push("`")
        .push(before)
        .push(name)
        .push(after)
        .push("`: ")
        .push(P::NAME)
        .push(" has no auth scheme `")
        .push(name)
        .push("`; ");
    if P::SCHEMES.is_empty() {
        m = m.push("it declares none (add one with `scheme(..)` in its #[provider])");
    } else {
        m = m.push("its schemes are ");
        let mut i = 0;
        while i < P::SCHEMES.len() {
            if i > 0 {
                m = m.push(", ");
            }
            m = m.push("`").push(P::SCHEMES[i].name).push("`");
            i += 1;
        }
    }
    m.push(hint)
}

/// [`unknown_scheme`] for the provider of endpoint `E`.
pub const fn unknown_endpoint_scheme<E: Endpoint>(name: &str) -> ConstMessage {
    unknown_scheme::<E::Provider>(
        "auth = ",
        name,
        "",
        "; write one of them, or `auth = none` for a call without auth",
    )
}

/// Whether scheme `id` of `E`'s provider is a token minted by `endpoint` itself: such an
/// endpoint, authenticated by it, would wait for its own token exchange.
pub const fn issues_own_scheme<E: Endpoint>(id: SchemeId, endpoint: &str) -> bool {
    let schemes = <E::Provider as Provider>::SCHEMES;
    let i = id.0 as usize;
    if i >= schemes.len() {
        return false;
    }
    match &schemes[i].kind {
        SchemeKind::Issued { issuer, .. } => str_eq(issuer, endpoint),
        _ => false,
    }
}

/// "`auth = token`: `create_token` mints the `token` scheme's token ...".
pub const fn self_issued_scheme(scheme: &str, endpoint: &str) -> ConstMessage {
    ConstMessage::new()
        .push("`auth = ")
        .push(scheme)
        .push("`: `")
        .push(endpoint)
        .push("` is the issuer of the `")
        .push(scheme)
        .push("` scheme's token, so it cannot be authenticated by that token (its call would wait for its own exchange); write `auth = none`, or the scheme of the credentials the issuer needs")
}

/// The response of a token issuer: declared with `#[response(token = field)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not say where the token is",
    label = "this issuer's response has no `token = field`",
    note = "declare the issuer's response with `#[response(200, token = field)]`, where `field` is a `Secret` field holding the token"
)]
pub trait IssuesToken: TokenResponse {}
#[diagnostic::do_not_recommend]
impl<T: TokenResponse> IssuesToken for T {}

/// An endpoint that can mint the tokens of a provider's scheme.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a token issuer of `{P}`",
    label = "`issued(..)` must name the module of an endpoint declared with `issuer`",
    note = "add `issuer` to that endpoint's #[endpoint(..)] (its fields are filled from the client's credentials of the same names), and `token = field` to its #[response(..)]"
)]
pub trait Issuer<P: Provider>: Endpoint<Provider = P> + FromCredentials<P> + 'static {}
#[diagnostic::do_not_recommend]
impl<P: Provider, E> Issuer<P> for E where E: Endpoint<Provider = P> + FromCredentials<P> + 'static {}

/// A stand-in table entry for a provider whose spec failed to compile.
pub const fn stub_kind<P: Provider>() -> SchemeKind<P> {
    SchemeKind::Any(&[])
}

/// Starts building the request of endpoint `E`, with its provider's fixed headers.
pub fn request_builder<E: Endpoint>(method: http::Method, base: &BaseUrl) -> RequestBuilder {
    let mut rb = RequestBuilder::new(method, base);
    let accept = E::METADATA.accept;
    if accept != "application/json" {
        rb.headers_mut()
            .insert(http::header::ACCEPT, http::HeaderValue::from_static(accept));
    }
    <E::Provider as Provider>::default_headers(rb.headers_mut());
    rb
}

/// The type of a field named by `#[response(expires_in = field)]`.
#[diagnostic::on_unimplemented(
    message = "`expires_in` must name a field of integer seconds, not `{Self}`",
    label = "`expires_in` names this field",
    note = "type the field `u64` or `i64` (or `Option<..>` of one), or use `expires_at = field` for a `Timestamp`, or `jwt_exp` for a JWT"
)]
pub trait ExpiresIn {
    /// The seconds, if present.
    fn expires_in(&self) -> Option<i64>;
}
macro_rules! expires_in_int {
    ($($t:ty),*) => {$(
        impl ExpiresIn for $t {
            fn expires_in(&self) -> Option<i64> {
                crate::spec::token::LifetimeSeconds::lifetime_seconds(self)
            }
        }
    )*};
}
expires_in_int!(u32, u64, i32, i64, usize);
impl<T: ExpiresIn> ExpiresIn for Option<T> {
    fn expires_in(&self) -> Option<i64> {
        self.as_ref().and_then(T::expires_in)
    }
}

/// The type of a field named by `#[response(expires_at = field)]`.
#[diagnostic::on_unimplemented(
    message = "`expires_at` must name a field holding an instant, not `{Self}`",
    label = "`expires_at` names this field",
    note = "type the field `auth_sdk::Timestamp` (RFC 3339), an integer of Unix seconds (`i64`, `u64`), or an `Option` of one; or use `expires_in = field` for a number of seconds from now"
)]
pub trait ExpiresAt {
    /// The instant, if present.
    fn expires_at(&self) -> Option<SystemTime>;
}
impl ExpiresAt for crate::spec::timestamp::Timestamp {
    fn expires_at(&self) -> Option<SystemTime> {
        Some(self.to_system_time())
    }
}
impl ExpiresAt for SystemTime {
    fn expires_at(&self) -> Option<SystemTime> {
        Some(*self)
    }
}
/// Unix seconds (`"expires_at": 1767225600`). Before 1970 reads as 1970 (already expired);
/// beyond what the system clock can hold, as unknown.
impl ExpiresAt for i64 {
    fn expires_at(&self) -> Option<SystemTime> {
        let secs = u64::try_from(*self).unwrap_or(0);
        SystemTime::UNIX_EPOCH.checked_add(std::time::Duration::from_secs(secs))
    }
}
impl ExpiresAt for u64 {
    fn expires_at(&self) -> Option<SystemTime> {
        SystemTime::UNIX_EPOCH.checked_add(std::time::Duration::from_secs(*self))
    }
}
impl<T: ExpiresAt> ExpiresAt for Option<T> {
    fn expires_at(&self) -> Option<SystemTime> {
        self.as_ref().and_then(T::expires_at)
    }
}

/// A type read from JSON in a response or `#[model]` (one bound per field, so a type
/// that does not deserialize is one error on the field's type).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from JSON: it does not implement `Deserialize`",
    label = "this type does not deserialize",
    note = "declare it with `#[auth_sdk::model]` (or derive `serde::Deserialize`), or use a type that deserializes such as `String` or `auth_sdk::serde_json::Value`"
)]
pub trait FromJson<'de>: Sized {
    /// Deserializes the value.
    fn from_json<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}
#[diagnostic::do_not_recommend]
impl<'de, T: Deserialize<'de>> FromJson<'de> for T {
    fn from_json<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d)
    }
}

/// `#[serde(deserialize_with)]` of the fields of generated bodies.
pub fn de_field<'de, D: Deserializer<'de>, T: FromJson<'de>>(d: D) -> Result<T, D::Error> {
    T::from_json(d)
}

/// Decodes a whole JSON body into a `#[body]` field.
pub fn decode_body<T: for<'de> FromJson<'de>>(body: &[u8]) -> Result<T, DecodeFailure> {
    // As `decode_json`: the error's position gives the failing value's path.
    let value: JsonField<T> = serde_json::from_slice(body)?;
    Ok(value.0)
}

/// A whole text body into a `#[body(text)]` field: UTF-8, or a decode error.
pub fn decode_text(body: &[u8]) -> Result<String, DecodeFailure> {
    String::from_utf8(body.to_vec()).map_err(|_| DecodeFailure::NotText)
}

/// A whole body, as received, into a `#[body(bytes)]` field (`Vec<u8>` or `Bytes`).
pub fn decode_bytes<T: From<Vec<u8>>>(body: &[u8]) -> Result<T, DecodeFailure> {
    Ok(T::from(body.to_vec()))
}

struct JsonField<T>(T);
impl<'de, T: FromJson<'de>> Deserialize<'de> for JsonField<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::from_json(d).map(JsonField)
    }
}
