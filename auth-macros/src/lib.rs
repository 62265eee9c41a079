//! The spec language of auth-sdk: attributes that turn declarations into typed clients.
//!
//! Use these through `auth_sdk` (`#[auth_sdk::endpoint(...)]`), whose documentation is the
//! reference of the language. Each entry point parses, validates the whole spec (every
//! mistake reported at once, on the offending token), then expands.
#![forbid(unsafe_code)]

use proc_macro::TokenStream;

mod args;
mod diag;
mod endpoint;
mod header_group;
mod model;
mod path_template;
mod provider;
mod response;
mod string_enum;
mod util;

/// Declares a provider: its client type, credentials and auth schemes.
///
/// Goes on a struct whose fields are the credentials the client can hold. It becomes the
/// provider's `Client` (cheap to clone; clones share the token cache) and generates a
/// `Credentials` type beside it.
///
/// ```text
/// #[provider(
///     name = "CoopFin Network",                              // display name (required)
///     base_url = "https://api.coopfinnetwork.com/v1",        // default base URL (required)
///     base_urls(eu = "https://...", us = "https://..."),     // extra named base URLs -> Client::BASE_URL_EU
///     error = ErrorBody,                                     // the error body type, a #[model] (required)
///     env_prefix = "COOPFIN",                                // Client::from_env reads COOPFIN_BASE_URL
///     envelope(code = "code", success = 1000, reauth = [1101]), // failures reported in a 200 body
///     scheme(token = bearer(issued(create_token))),          // Authorization: Bearer <token from create_token>
///     scheme(key = header("x-api-key", api_key)),            // a credential in a named header
///     scheme(merchant = authorization(merchant_key)),        // a credential as the raw Authorization value
///     scheme(either = any(key, token)),                      // the first alternative whose credentials are set
/// )]
/// pub struct Client {
///     /// Secret key (`sk_...`).
///     #[credential(env = "COOPFIN_SECRET_KEY")]              // read by Credentials::from_env
///     secret_key: Secret,                                    // credentials are secret by default...
///     #[credential(public)]                                  // ...unless marked public
///     handle: String,
/// }
/// ```
///
/// Scheme names become the values of `#[endpoint(auth = ...)]`. `issued(m)` names the spec
/// module `m` of an endpoint declared with `issuer`: its request is built from the
/// credentials of the same names, and its `#[response(token = ..)]` says where the token is.
#[proc_macro_attribute]
pub fn provider(args: TokenStream, item: TokenStream) -> TokenStream {
    provider::expand(args.into(), item.into()).into()
}

/// Declares an endpoint on its request struct.
///
/// ```text
/// #[endpoint(
///     name = get_key,                 // name in traces/errors, and of the client method (required)
///     provider = super::Client,       // the provider's client type (required)
///     GET "/user/keys/{key}",         // method and path template (required)
///     auth = session_or_key,          // `none` or one of the provider's schemes (required)
///     idempotent,                     // safe to retry after sending (default: GET/HEAD/PUT/DELETE)
///     issuer,                         // can be built from the client's credentials (token issuers)
///     client_method,                  // also generate `Client::get_key` (providers of this crate only)
///     error = OtherBody,              // error body, when it differs from the provider's
///     rename_all = "camelCase",       // wire names of body fields
/// )]
/// pub struct Request {
///     /// Handle of the key.
///     #[path(charset = "a-z0-9-")] pub key: String,        // one path segment, checked charset
///     #[query(rename = "page-size")] pub page_size: Option<u32>, // Option = optional input
///     #[header("x-coinflow-auth-wallet")] pub wallet: String,
///     #[headers] pub identity: Identity,                   // a #[header_group] enum
///     #[body(rename = "clientId")] pub client_id: Secret,  // JSON body member (default on POST/PUT/PATCH)
/// }
/// ```
///
/// The module holding the request must also hold a `Response` declared with
/// [`macro@response`]. Generated: `Request::new(required...)` with a setter per optional
/// input, `Error` (the staged error with the typed body), the `Endpoint` impl and, with
/// `client_method`, `Client::<name>(required...)` returning the response, or a `Builder`
/// (finished by `.send().await` or `.await`) when the endpoint has optional inputs.
#[proc_macro_attribute]
pub fn endpoint(args: TokenStream, item: TokenStream) -> TokenStream {
    endpoint::expand(args.into(), item.into()).into()
}

/// Declares the success response of the endpoint in the same module.
///
/// ```text
/// #[response(200, token = token, expires_in = expires_in)]  // statuses; token issuer keys
/// pub struct Response {
///     pub token: Secret,                                   // JSON members by default
///     #[serde(rename = "expiresIn")] pub expires_in: i64,  // serde attributes pass through
///     #[header("page-total")] pub page_total: Option<u32>, // from a response header
/// }
/// ```
///
/// Keys: one or more 2xx statuses; `token = field` (a `Secret` field) for issuers, with the
/// lifetime from `expires_in = field` (seconds), `expires_at = field` (RFC 3339 `Timestamp`),
/// or `jwt_exp` (the token's JWT `exp` claim), optionally capped by `max_lifetime = seconds`;
/// `rename_all = "camelCase"`. A single `#[body]` field receives the whole body instead
/// (a JSON array, or `serde_json::Value`). A response without fields ignores the body.
#[proc_macro_attribute]
pub fn response(args: TokenStream, item: TokenStream) -> TokenStream {
    response::expand(args.into(), item.into()).into()
}

/// Declares alternative sets of headers, exactly one of which is sent.
///
/// ```text
/// #[header_group(provider = super::Client)]
/// pub enum Identity {
///     /// Set A: a user id, vouched for by the merchant key.
///     #[auth(merchant)]                                    // also apply the `merchant` scheme
///     UserId { #[header("x-coinflow-auth-user-id")] user_id: String },
///     /// Set B: a signed wallet message.
///     Wallet { #[header("x-coinflow-auth-wallet")] wallet: String },
/// }
/// ```
///
/// Use it in a request as `#[headers] pub identity: Identity`.
#[proc_macro_attribute]
pub fn header_group(args: TokenStream, item: TokenStream) -> TokenStream {
    header_group::expand(args.into(), item.into()).into()
}

/// Declares an open set of string values; unknown values are kept in an added
/// `Other(String)` variant. `#[string_enum(rename_all = "lowercase")]`, and
/// `#[wire("createdAt")]` on a variant for its exact wire value.
#[proc_macro_attribute]
pub fn string_enum(args: TokenStream, item: TokenStream) -> TokenStream {
    string_enum::expand(args.into(), item.into()).into()
}

/// Declares a data type used in bodies: derives `Debug`, `Clone`, `Deserialize` and, when
/// no field holds a `Secret`, `Serialize`. `#[serde(..)]` attributes work as usual.
#[proc_macro_attribute]
pub fn model(args: TokenStream, item: TokenStream) -> TokenStream {
    model::expand(args.into(), item.into()).into()
}
