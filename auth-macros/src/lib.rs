//! The spec language of auth-sdk: attributes that turn declarations into typed clients.
//!
//! Use these through `auth_sdk` (`#[auth_sdk::endpoint(...)]`), which re-exports them; their
//! docs below are the reference of the language, and `docs/spec-language.md` (in the
//! repository) is the guide. Every example here is compiled as a doc test.
//!
//! Each entry point parses the spec into a model, validates the whole model (every mistake
//! reported at once, each on the offending token, with what to write instead), then expands.
//! After a mistake the same items are still generated with stub bodies, so that code using
//! them produces no second error. Facts the macros cannot see (is this path a provider, does
//! the provider have this scheme, is this endpoint an issuer, does this type deserialize) are
//! checked by the compiler with messages of our own, on the token you wrote.
//!
//! Snapshots of the expansions are in `auth-macros/snapshots/`; bless them with
//! `SNAPSHOTS=overwrite cargo test -p auth-macros`. The compile-fail cases are in
//! `tests/ui/`; bless them with `TRYBUILD=overwrite cargo test -p auth-tests --test ui`.
#![forbid(unsafe_code)]

use proc_macro::TokenStream;

mod args;
mod diag;
mod endpoint;
mod header_group;
mod kw;
mod model;
mod path_template;
mod provider;
mod response;
mod string_enum;
mod util;

#[cfg(test)]
mod snapshot_tests;

/// The guide, `docs/spec-language.md`: its examples are doc tests of this crate.
#[cfg(doctest)]
#[doc = include_str!("../../docs/spec-language.md")]
mod spec_language_guide {}

/// Declares a provider: its client type, credentials and auth schemes.
///
#[doc = include_str!("../docs/provider.md")]
#[proc_macro_attribute]
pub fn provider(args: TokenStream, item: TokenStream) -> TokenStream {
    provider::expand(args.into(), item.into()).into()
}

/// Declares an endpoint on its request struct.
///
/// | Key | Meaning |
/// |---|---|
/// | `name = get_key` | name in traces and errors, and of the client method (required) |
/// | `provider = super::Client` | the provider's client type (required) |
/// | `GET "/user/keys/{key}"` | method (GET, POST, PUT, PATCH, DELETE, HEAD) and path template (required) |
/// | `auth = none` / `auth = scheme` | no auth, or one of the provider's schemes (required) |
/// | `idempotent` / `idempotent = false` | safe to retry after sending (default: GET, HEAD, PUT, DELETE) |
/// | `issuer` | the request is built from the client's credentials of the same names: it can mint the tokens of an `issued(..)` scheme |
/// | `client_method` | also generate `Client::<name>(..)` (only for a provider of the same crate) |
/// | `error = OtherBody` | the error body, when it differs from the provider's |
/// | `rename_all = "camelCase"` | wire names of body members (serde's rules) |
///
/// Field roles: `#[path]` (one percent-encoded segment, required; `#[path(charset = "a-z0-9-")]`
/// checks its characters before sending), `#[query]`, `#[header("x-name")]`, `#[headers]`
/// (a [`macro@header_group`]), `#[body]` (a JSON member; the default on POST, PUT and PATCH).
/// `#[query(rename = "page-size")]` and `#[body(rename = "TTL")]` set the wire name. A field
/// typed `Option<T>` is an optional input; `#[secret]` asks for a `Secret` type. Secrets
/// never go in paths or queries.
///
/// Generated in the module: `Request::new(required..)` with a setter per optional input,
/// `type Error` (the staged error with the typed body), the `Endpoint` impl, and with
/// `client_method` the client method: it returns the response, or a `Builder` (finished by
/// `.send().await` or `.await`) when the endpoint has optional inputs. The module must also
/// declare its `Response` with [`macro@response`].
///
/// ```
/// use auth_sdk::{Secret, model, provider};
///
/// /// Client for the Example API.
/// #[provider(name = "Example", base_url = "https://api.example.com", error = ErrorBody,
///            scheme(key = header("x-api-key", api_key)))]
/// pub struct Client {
///     /// API key.
///     api_key: Secret,
/// }
///
/// /// Error answers.
/// #[model]
/// pub struct ErrorBody {
///     /// Message.
///     pub message: String,
/// }
///
/// /// `PATCH /keys/{key}`.
/// pub mod update_key {
///     use auth_sdk::{Secret, endpoint, response};
///
///     /// Updates a key.
///     #[endpoint(
///         name = update_key,
///         provider = super::Client,
///         PATCH "/keys/{key}",
///         auth = key,
///         idempotent,
///         client_method,
///         rename_all = "camelCase",
///     )]
///     pub struct Request {
///         /// The key's handle.
///         #[path(charset = "a-z0-9-")]
///         pub key: String,
///         /// Dry run (`?dry-run=true`).
///         #[query(rename = "dry-run")]
///         pub dry_run: Option<bool>,
///         /// Request id.
///         #[header("x-request-id")]
///         pub request_id: String,
///         /// New display name (`displayName` in the body).
///         pub display_name: Option<String>,
///         /// A secret body member.
///         #[secret]
///         pub signing_secret: Option<Secret>,
///     }
///
///     /// The key.
///     #[response(200)]
///     pub struct Response {
///         /// Handle.
///         pub handle: String,
///     }
/// }
///
/// # async fn run(client: Client) -> Result<(), update_key::Error> {
/// let key = client.update_key("my-key", "req-1").dry_run(true).await?;
/// let same = client.send(update_key::Request::new("my-key", "req-2")).await?;
/// # let _ = (key, same); Ok(()) }
/// # fn main() {}
/// ```
///
/// An endpoint a provider of this SDK has but does not cover is declared the same way with
/// `provider = auth_sdk::coopfin::Client` (without `client_method`), and sent with the
/// client's `send`.
#[proc_macro_attribute]
pub fn endpoint(args: TokenStream, item: TokenStream) -> TokenStream {
    endpoint::expand(args.into(), item.into()).into()
}

/// Declares the success response of the endpoint in the same module.
///
/// | Key | Meaning |
/// |---|---|
/// | `200`, `201`, .. | the success statuses, first (required) |
/// | `token = field` | issuers: the `Secret` field holding the token |
/// | `expires_in = field` | the token lives this many seconds (an integer field) |
/// | `expires_at = field` | the token expires at this instant (a `Timestamp` field) |
/// | `jwt_exp` | the token is a JWT whose `exp` claim is its expiry |
/// | `max_lifetime = 1800` | a cap, in seconds, on the token's lifetime |
/// | `rename_all = "camelCase"` | wire names of the JSON members |
///
/// Fields are JSON members by default (`#[serde(..)]` attributes work as usual);
/// `#[header("page-total")]` reads a response header (a string or an integer; `Option` if it
/// may be absent); a single `#[body]` field receives the whole body (a JSON array, say). A
/// response without fields ignores the body.
///
/// ```
/// /// `GET /keys` (declared for Loccus, which this SDK covers).
/// pub mod list {
///     use auth_sdk::{endpoint, response};
///
///     /// Lists keys.
///     #[endpoint(name = list, provider = auth_sdk::loccus::Client, GET "/user/keys", auth = session)]
///     pub struct Request {}
///
///     /// A page of keys: the body is an array, the paging is in headers.
///     #[response(200, 206)]
///     pub struct Response {
///         /// The keys.
///         #[body]
///         pub keys: Vec<auth_sdk::serde_json::Value>,
///         /// Number of pages.
///         #[header("page-total")]
///         pub page_total: Option<u32>,
///     }
/// }
///
/// /// A token response (of an issuer endpoint).
/// pub mod session {
///     use auth_sdk::{Secret, response};
///
///     /// A session key: a JWT, kept at most 30 minutes.
///     #[response(200, token = key, jwt_exp, max_lifetime = 1800, rename_all = "camelCase")]
///     pub struct Response {
///         /// The key.
///         pub key: Secret,
///         /// `sessionId` on the wire.
///         pub session_id: Option<String>,
///     }
/// }
/// # fn main() {}
/// ```
#[proc_macro_attribute]
pub fn response(args: TokenStream, item: TokenStream) -> TokenStream {
    response::expand(args.into(), item.into()).into()
}

/// Declares alternative sets of headers, exactly one of which is sent.
///
/// `#[header_group(provider = super::Client)]` on an enum whose variants have named fields,
/// each `#[header("x-name")]` (`Option` fields are sent only when set). `#[auth(scheme)]` on
/// a variant also applies that scheme of the provider. Use it in a request as
/// `#[headers] pub identity: Identity`.
///
/// ```
/// /// `GET /auth/session-key` (declared for Coinflow).
/// pub mod session_key {
///     use auth_sdk::{Secret, endpoint, header_group, response};
///
///     /// Gets a session key.
///     #[endpoint(name = session_key, provider = auth_sdk::coinflow::Client, GET "/auth/session-key", auth = none)]
///     pub struct Request {
///         /// Who the key is for.
///         #[headers]
///         pub identity: Identity,
///     }
///
///     /// The end user, by one of two header sets.
///     #[header_group(provider = auth_sdk::coinflow::Client)]
///     pub enum Identity {
///         /// A user id, vouched for by the merchant key.
///         #[auth(merchant)]
///         UserId {
///             /// The user.
///             #[header("x-coinflow-auth-user-id")]
///             user_id: String,
///         },
///         /// A wallet that signed a message.
///         Wallet {
///             /// Address.
///             #[header("x-coinflow-auth-wallet")]
///             wallet: String,
///             /// Signature.
///             #[header("x-coinflow-auth-signed-message")]
///             signed_message: Secret,
///         },
///     }
///
///     /// A session key.
///     #[response(200)]
///     pub struct Response {
///         /// The key.
///         pub key: Secret,
///     }
/// }
///
/// # fn main() {
/// let _ = session_key::Request::new(session_key::Identity::UserId { user_id: "u-1".into() });
/// # }
/// ```
#[proc_macro_attribute]
pub fn header_group(args: TokenStream, item: TokenStream) -> TokenStream {
    header_group::expand(args.into(), item.into()).into()
}

/// Declares an open set of string values (for queries, headers and bodies).
///
/// Unknown values are kept in an added `Other(String)` variant. `rename_all` gives the wire
/// form of the variant names (serde's rules); `#[wire("createdAt")]` on a variant gives its
/// exact wire value. Generated: `as_str`, `Display`, `From<&str>`, `FromStr`, serde.
///
/// ```
/// use auth_sdk::string_enum;
///
/// /// A chain.
/// #[string_enum(rename_all = "lowercase")]
/// pub enum Chain {
///     /// Solana (`solana`).
///     Solana,
///     /// Polygon PoS.
///     #[wire("polygon-pos")]
///     PolygonPos,
/// }
///
/// # fn main() {
/// assert_eq!(Chain::PolygonPos.as_str(), "polygon-pos");
/// assert_eq!(Chain::from("tron"), Chain::Other("tron".into()));
/// # }
/// ```
#[proc_macro_attribute]
pub fn string_enum(args: TokenStream, item: TokenStream) -> TokenStream {
    string_enum::expand(args.into(), item.into()).into()
}

/// Declares a data type used in bodies (a struct or an enum).
///
/// Derives `Debug`, `Clone`, `Deserialize` and, when no field holds a `Secret`, `Serialize`
/// (a model holding a secret is read-only). `#[serde(..)]` attributes work as usual.
///
/// ```
/// use auth_sdk::{Secret, model};
///
/// /// Errors come in two shapes.
/// #[model]
/// #[serde(untagged)]
/// pub enum ErrorBody {
///     /// `{"error": {"code": ..}}`.
///     Nested {
///         /// The detail.
///         error: Detail,
///     },
///     /// `{"message": ..}`.
///     Flat {
///         /// The message.
///         message: String,
///     },
/// }
///
/// /// An error's detail.
/// #[model]
/// #[serde(rename_all = "camelCase")]
/// pub struct Detail {
///     /// `errorCode`.
///     pub error_code: Option<String>,
/// }
///
/// /// An API key, with its token: read-only.
/// #[model]
/// pub struct ApiKey {
///     /// Handle.
///     pub handle: String,
///     /// Token.
///     pub token: Secret,
/// }
/// # fn main() {}
/// ```
#[proc_macro_attribute]
pub fn model(args: TokenStream, item: TokenStream) -> TokenStream {
    model::expand(args.into(), item.into()).into()
}
