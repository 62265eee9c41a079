// Expansion of auth-macros/snapshots/in/endpoint.rs: generated, do not edit.
// Regenerate with `SNAPSHOTS=overwrite cargo test -p auth-macros`.

use auth_sdk::Secret;
/// Client for the Example API.
#[derive(Clone)]
pub struct Client {
    core: ::auth_sdk::__private::Arc<::auth_sdk::__private::ClientCore<Client>>,
}
impl ::core::fmt::Debug for Client {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        ::core::fmt::Debug::fmt(&*self.core, f)
    }
}
///Credentials of a Example [`Client`]. Secrets print as `Secret([REDACTED])`.
#[derive(Clone, Default, Debug)]
#[non_exhaustive]
pub struct Credentials {
    /// API key.
    api_key: ::auth_sdk::__private::Option<Secret>,
}
impl Credentials {
    /// No credentials; add them with the `with_*` methods.
    pub fn new() -> Self {
        ::core::default::Default::default()
    }
    /// API key.
    #[must_use]
    pub fn with_api_key(mut self, value: impl ::core::convert::Into<Secret>) -> Self {
        self.api_key = ::auth_sdk::__private::Option::Some(value.into());
        self
    }
    ///The `api_key` credential, if set.
    pub fn api_key(&self) -> ::auth_sdk::__private::Option<&Secret> {
        self.api_key.as_ref()
    }
    ///Reads nothing: this provider declares no environment variables.
    pub fn from_env() -> Self {
        Self {
            api_key: ::auth_sdk::__private::Option::None,
        }
    }
    /// Whether no credential is set.
    pub fn is_empty(&self) -> bool {
        self.api_key.is_none()
    }
}
impl Client {
    ///Default base URL: `https://api.example.com`.
    pub const BASE_URL: &'static str = "https://api.example.com";
    /// Starts building a client: credentials, base URL, timeouts, retries, transport.
    pub fn builder() -> ::auth_sdk::__private::ClientBuilder<Self> {
        ::auth_sdk::__private::ClientBuilder::new()
    }
    ///Builds a client from environment variables. Reads nothing: this provider declares no environment variables.
    pub fn from_env() -> ::auth_sdk::__private::Result<
        Self,
        ::auth_sdk::__private::BuildError,
    > {
        let builder = Self::builder().credentials(Credentials::from_env());
        builder.build()
    }
    ///Sends any endpoint of Example, including endpoints declared outside this crate with `#[endpoint(provider = ...)]`: authentication, token caching, retries and timeouts apply as for the generated methods.
    #[allow(clippy::manual_async_fn)]
    pub fn send<E>(
        &self,
        request: E,
    ) -> impl ::core::future::Future<
        Output = ::auth_sdk::__private::Result<
            E::Response,
            ::auth_sdk::__private::Error<E::ErrorBody>,
        >,
    > + Send + use<'_, E>
    where
        E: ::auth_sdk::__private::Endpoint<Provider = Self>,
    {
        async move { self.core.send(&request).await }
    }
    /// The client's configuration, credentials and token caches.
    pub fn core(&self) -> &::auth_sdk::__private::ClientCore<Self> {
        &self.core
    }
    ///The `key` auth scheme (for `#[endpoint(auth = key)]`).
    #[doc(hidden)]
    #[allow(non_upper_case_globals)]
    pub const key: ::auth_sdk::__private::SchemeId = ::auth_sdk::__private::SchemeId(
        0u16,
    );
}
impl ::auth_sdk::__private::Provider for Client {
    type Credentials = Credentials;
    type ErrorBody = ErrorBody;
    const NAME: &'static str = "Example";
    const DEFAULT_BASE_URL: &'static str = "https://api.example.com";
    const SCHEMES: &'static [::auth_sdk::__private::Scheme<Self>] = &[
        ::auth_sdk::__private::Scheme {
            name: "key",
            kind: ::auth_sdk::__private::SchemeKind::Credential {
                placement: ::auth_sdk::__private::Placement::Header("x-api-key"),
                credential: "api_key",
                get: Credentials::api_key,
            },
        },
    ];
    const TOKEN_SLOTS: usize = 0usize;
    const ENVELOPE: ::auth_sdk::__private::Option<::auth_sdk::__private::Envelope> = ::auth_sdk::__private::Option::None;
    fn credential_secrets(
        credentials: &Credentials,
        each: &mut dyn FnMut(&::auth_sdk::__private::Secret),
    ) {
        if let ::auth_sdk::__private::Option::Some(s) = &credentials.api_key {
            each(s);
        }
        let _ = (credentials, each);
    }
    type Core = ::auth_sdk::__private::ClientCore<Self>;
    fn from_core(
        core: ::auth_sdk::__private::Arc<::auth_sdk::__private::ClientCore<Self>>,
    ) -> Self {
        Self { core }
    }
    fn core(&self) -> &::auth_sdk::__private::ClientCore<Self> {
        &self.core
    }
}
#[derive(
    Debug,
    Clone,
    ::auth_sdk::__private::serde::Serialize,
    ::auth_sdk::__private::serde::Deserialize
)]
#[serde(crate = "::auth_sdk::__private::serde")]
#[non_exhaustive]
/// The error body.
pub struct ErrorBody {
    /// Message.
    pub message: String,
}
#[derive(
    Debug,
    Clone,
    ::auth_sdk::__private::serde::Serialize,
    ::auth_sdk::__private::serde::Deserialize
)]
#[serde(crate = "::auth_sdk::__private::serde")]
#[non_exhaustive]
/// Another error body.
pub struct UpdateError {
    /// Errors.
    pub errors: Vec<String>,
}
/// `PATCH /keys/{key}`.
pub mod update_key {
    use auth_sdk::Secret;
    ///Request of `PATCH /keys/{key}`.
    ///
    /// Updates a key.
    #[derive(Debug, Clone)]
    #[non_exhaustive]
    pub struct Request {
        /// Handle.
        pub key: String,
        /// Dry run.
        pub dry_run: Option<bool>,
        /// Request id.
        pub request_id: String,
        /// Display name.
        pub display_name: Option<String>,
        /// TTL.
        pub ttl_seconds: u64,
        /// Signing secret.
        pub signing_secret: Option<Secret>,
    }
    impl Request {
        /// Builds the request from its required inputs; optional inputs are set with the methods below.
        #[allow(clippy::new_without_default, dead_code)]
        pub fn new(
            key: impl ::core::convert::Into<String>,
            request_id: impl ::core::convert::Into<String>,
            ttl_seconds: u64,
        ) -> Self {
            Self {
                key: key.into(),
                dry_run: ::auth_sdk::__private::Option::None,
                request_id: request_id.into(),
                display_name: ::auth_sdk::__private::Option::None,
                ttl_seconds,
                signing_secret: ::auth_sdk::__private::Option::None,
            }
        }
        /// Dry run.
        #[must_use]
        #[allow(dead_code)]
        pub fn dry_run(mut self, value: bool) -> Self {
            self.dry_run = ::auth_sdk::__private::Option::Some(value);
            self
        }
        /// Display name.
        #[must_use]
        #[allow(dead_code)]
        pub fn display_name(
            mut self,
            value: impl ::core::convert::Into<String>,
        ) -> Self {
            self.display_name = ::auth_sdk::__private::Option::Some(value.into());
            self
        }
        /// Signing secret.
        #[must_use]
        #[allow(dead_code)]
        pub fn signing_secret(
            mut self,
            value: impl ::core::convert::Into<Secret>,
        ) -> Self {
            self.signing_secret = ::auth_sdk::__private::Option::Some(value.into());
            self
        }
    }
    ///Error of `PATCH /keys/{key}`: the runtime's staged error with this provider's typed error body.
    pub type Error = ::auth_sdk::__private::Error<
        <Request as ::auth_sdk::__private::Endpoint>::ErrorBody,
    >;
    impl ::auth_sdk::__private::Endpoint for Request
    where
        super::Client: ::auth_sdk::__private::Provider,
    {
        type Provider = super::Client;
        type Response = self::Response;
        type ErrorBody = super::UpdateError;
        const METADATA: ::auth_sdk::__private::Metadata = ::auth_sdk::__private::Metadata {
            name: "update_key",
            method: ::auth_sdk::__private::http::Method::PATCH,
            path: "/keys/{key}",
            idempotent: false,
            success: <self::Response as ::auth_sdk::__private::ResponseSpec>::SUCCESS,
            accept: <self::Response as ::auth_sdk::__private::ResponseSpec>::ACCEPT,
        };
        fn auth(
            &self,
        ) -> ::auth_sdk::__private::Option<::auth_sdk::__private::SchemeId> {
            #[allow(clippy::panic)]
            const SCHEME: ::auth_sdk::__private::SchemeId = match ::auth_sdk::__private::find_endpoint_scheme::<
                Request,
            >("key") {
                ::auth_sdk::__private::Option::Some(
                    id,
                ) if ::auth_sdk::__private::issues_own_scheme::<
                    Request,
                >(id, "update_key") => {
                    ::core::panic!(
                        "{}", ::auth_sdk::__private::self_issued_scheme("key",
                        "update_key").as_str()
                    )
                }
                ::auth_sdk::__private::Option::Some(id) => id,
                ::auth_sdk::__private::Option::None => {
                    ::core::panic!(
                        "{}", ::auth_sdk::__private::unknown_endpoint_scheme:: < Request
                        > ("key").as_str()
                    )
                }
            };
            ::auth_sdk::__private::Option::Some(SCHEME)
        }
        fn prepare_request(
            &self,
            base: &::auth_sdk::__private::BaseUrl,
        ) -> ::auth_sdk::__private::Result<
            ::auth_sdk::__private::PreparedRequest,
            ::auth_sdk::__private::InvalidInput,
        > {
            let mut rb = ::auth_sdk::__private::request_builder::<
                Request,
            >(::auth_sdk::__private::http::Method::PATCH, base);
            rb.path("/keys/");
            rb.path_param("key", &self.key, &[('a', 'z'), ('0', '9'), ('-', '-')])?;
            if let ::auth_sdk::__private::Option::Some(v) = &self.dry_run {
                rb.query("dry-run", v);
            }
            rb.header(
                {
                    static NAME: ::auth_sdk::__private::http::HeaderName = ::auth_sdk::__private::http::HeaderName::from_static(
                        "x-request-id",
                    );
                    &NAME
                },
                "request_id",
                &self.request_id,
            )?;
            #[derive(::auth_sdk::__private::serde::Serialize)]
            #[serde(crate = "::auth_sdk::__private::serde")]
            struct __Body<'a> {
                #[serde(rename = "displayName")]
                #[serde(skip_serializing_if = "Option::is_none")]
                display_name: ::auth_sdk::__private::Option<&'a String>,
                #[serde(rename = "TTL")]
                ttl_seconds: &'a u64,
                #[serde(rename = "signingSecret")]
                #[serde(skip_serializing_if = "Option::is_none")]
                signing_secret: ::auth_sdk::__private::Option<
                    ::auth_sdk::__private::Expose<'a>,
                >,
            }
            rb.json(
                &__Body {
                    display_name: self.display_name.as_ref(),
                    ttl_seconds: &self.ttl_seconds,
                    signing_secret: self
                        .signing_secret
                        .as_ref()
                        .map(::auth_sdk::__private::Expose),
                },
            )?;
            ::auth_sdk::__private::Result::Ok(rb.finish())
        }
        fn decode_response(
            headers: &::auth_sdk::__private::http::HeaderMap,
            body: &[u8],
        ) -> ::auth_sdk::__private::Result<
            self::Response,
            ::auth_sdk::__private::DecodeFailure,
        > {
            <self::Response as ::auth_sdk::__private::ResponseSpec>::decode(
                headers,
                body,
            )
        }
    }
    ///Call builder of `PATCH /keys/{key}`, returned by the client's `update_key` method: set optional inputs, then `.send().await` (or just `.await`).
    #[must_use = "a call builder does nothing until it is sent"]
    #[derive(Debug)]
    pub struct Builder<'a> {
        client: &'a super::Client,
        request: Request,
    }
    impl<'a> Builder<'a> {
        /// Dry run.
        pub fn dry_run(mut self, value: bool) -> Self {
            self.request = self.request.dry_run(value);
            self
        }
        /// Display name.
        pub fn display_name(
            mut self,
            value: impl ::core::convert::Into<String>,
        ) -> Self {
            self.request = self.request.display_name(value);
            self
        }
        /// Signing secret.
        pub fn signing_secret(
            mut self,
            value: impl ::core::convert::Into<Secret>,
        ) -> Self {
            self.request = self.request.signing_secret(value);
            self
        }
        /// Sends the call.
        pub fn send(
            self,
        ) -> impl ::core::future::Future<
            Output = ::auth_sdk::__private::Result<self::Response, Error>,
        > + Send + use<'a> {
            self.client.send(self.request)
        }
        /// The request as built so far.
        pub fn request(&self) -> &Request {
            &self.request
        }
    }
    impl<'a> ::core::future::IntoFuture for Builder<'a> {
        type Output = ::auth_sdk::__private::Result<self::Response, Error>;
        type IntoFuture = ::core::pin::Pin<
            ::auth_sdk::__private::Box<
                dyn ::core::future::Future<Output = Self::Output> + Send + 'a,
            >,
        >;
        fn into_future(self) -> Self::IntoFuture {
            ::auth_sdk::__private::Box::pin(self.send())
        }
    }
    impl super::Client {
        /**Updates a key.

Sends `PATCH /keys/{key}`. Optional inputs are set on the returned [`Builder`].*/
        ///
        pub fn update_key(
            &self,
            key: impl ::core::convert::Into<String>,
            request_id: impl ::core::convert::Into<String>,
            ttl_seconds: u64,
        ) -> Builder<'_> {
            Builder {
                client: self,
                request: Request::new(key, request_id, ttl_seconds),
            }
        }
    }
    /// The key.
    #[derive(Debug, Clone)]
    #[non_exhaustive]
    pub struct Response {
        /// Handle.
        #[allow(dead_code)]
        pub handle: String,
    }
    impl ::auth_sdk::__private::ResponseSpec for Response {
        const SUCCESS: &'static [u16] = &[200u16];
        fn decode(
            _headers: &::auth_sdk::__private::http::HeaderMap,
            body: &[u8],
        ) -> ::auth_sdk::__private::Result<Self, ::auth_sdk::__private::DecodeFailure> {
            #[derive(::auth_sdk::__private::serde::Deserialize)]
            #[serde(crate = "::auth_sdk::__private::serde")]
            struct __Body {
                handle: String,
            }
            let __b: __Body = ::auth_sdk::__private::decode_json(body)?;
            ::auth_sdk::__private::Result::Ok(Self { handle: __b.handle })
        }
    }
}
/// `GET /keys/count`.
pub mod count_keys {
    ///Request of `GET /keys/count`.
    ///
    /// Counts keys.
    #[derive(Debug, Clone)]
    #[non_exhaustive]
    pub struct Request {}
    impl Request {
        /// Builds the request from its required inputs; optional inputs are set with the methods below.
        #[allow(clippy::new_without_default, dead_code)]
        pub fn new() -> Self {
            Self {}
        }
    }
    ///Error of `GET /keys/count`: the runtime's staged error with this provider's typed error body.
    pub type Error = ::auth_sdk::__private::Error<
        <Request as ::auth_sdk::__private::Endpoint>::ErrorBody,
    >;
    impl ::auth_sdk::__private::Endpoint for Request
    where
        super::Client: ::auth_sdk::__private::Provider,
    {
        type Provider = super::Client;
        type Response = self::Response;
        type ErrorBody = <<Self as ::auth_sdk::__private::Endpoint>::Provider as ::auth_sdk::__private::Provider>::ErrorBody;
        const METADATA: ::auth_sdk::__private::Metadata = ::auth_sdk::__private::Metadata {
            name: "count_keys",
            method: ::auth_sdk::__private::http::Method::GET,
            path: "/keys/count",
            idempotent: true,
            success: <self::Response as ::auth_sdk::__private::ResponseSpec>::SUCCESS,
            accept: <self::Response as ::auth_sdk::__private::ResponseSpec>::ACCEPT,
        };
        fn auth(
            &self,
        ) -> ::auth_sdk::__private::Option<::auth_sdk::__private::SchemeId> {
            #[allow(clippy::panic)]
            const SCHEME: ::auth_sdk::__private::SchemeId = match ::auth_sdk::__private::find_endpoint_scheme::<
                Request,
            >("key") {
                ::auth_sdk::__private::Option::Some(
                    id,
                ) if ::auth_sdk::__private::issues_own_scheme::<
                    Request,
                >(id, "count_keys") => {
                    ::core::panic!(
                        "{}", ::auth_sdk::__private::self_issued_scheme("key",
                        "count_keys").as_str()
                    )
                }
                ::auth_sdk::__private::Option::Some(id) => id,
                ::auth_sdk::__private::Option::None => {
                    ::core::panic!(
                        "{}", ::auth_sdk::__private::unknown_endpoint_scheme:: < Request
                        > ("key").as_str()
                    )
                }
            };
            ::auth_sdk::__private::Option::Some(SCHEME)
        }
        fn prepare_request(
            &self,
            base: &::auth_sdk::__private::BaseUrl,
        ) -> ::auth_sdk::__private::Result<
            ::auth_sdk::__private::PreparedRequest,
            ::auth_sdk::__private::InvalidInput,
        > {
            let mut rb = ::auth_sdk::__private::request_builder::<
                Request,
            >(::auth_sdk::__private::http::Method::GET, base);
            rb.path("/keys/count");
            ::auth_sdk::__private::Result::Ok(rb.finish())
        }
        fn decode_response(
            headers: &::auth_sdk::__private::http::HeaderMap,
            body: &[u8],
        ) -> ::auth_sdk::__private::Result<
            self::Response,
            ::auth_sdk::__private::DecodeFailure,
        > {
            <self::Response as ::auth_sdk::__private::ResponseSpec>::decode(
                headers,
                body,
            )
        }
    }
    impl super::Client {
        /**Counts keys.

Sends `GET /keys/count`.*/
        ///
        pub async fn count_keys(
            &self,
        ) -> ::auth_sdk::__private::Result<self::Response, Error> {
            self.send(Request::new()).await
        }
    }
    /// The count.
    #[derive(Debug, Clone)]
    #[non_exhaustive]
    pub struct Response {
        /// Count.
        #[allow(dead_code)]
        pub count: u64,
    }
    impl ::auth_sdk::__private::ResponseSpec for Response {
        const SUCCESS: &'static [u16] = &[200u16];
        fn decode(
            _headers: &::auth_sdk::__private::http::HeaderMap,
            body: &[u8],
        ) -> ::auth_sdk::__private::Result<Self, ::auth_sdk::__private::DecodeFailure> {
            #[derive(::auth_sdk::__private::serde::Deserialize)]
            #[serde(crate = "::auth_sdk::__private::serde")]
            struct __Body {
                count: u64,
            }
            let __b: __Body = ::auth_sdk::__private::decode_json(body)?;
            ::auth_sdk::__private::Result::Ok(Self { count: __b.count })
        }
    }
}
