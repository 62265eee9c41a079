// Expansion of auth-macros/snapshots/in/response.rs: generated, do not edit.
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
    /// Client id.
    client_id: ::auth_sdk::__private::Option<Secret>,
}
impl Credentials {
    /// No credentials; add them with the `with_*` methods.
    pub fn new() -> Self {
        ::core::default::Default::default()
    }
    /// Client id.
    #[must_use]
    pub fn with_client_id(mut self, value: impl ::core::convert::Into<Secret>) -> Self {
        self.client_id = ::auth_sdk::__private::Option::Some(value.into());
        self
    }
    ///The `client_id` credential, if set.
    pub fn client_id(&self) -> ::auth_sdk::__private::Option<&Secret> {
        self.client_id.as_ref()
    }
    ///Reads nothing: this provider declares no environment variables.
    pub fn from_env() -> Self {
        Self {
            client_id: ::auth_sdk::__private::Option::None,
        }
    }
    /// Whether no credential is set.
    pub fn is_empty(&self) -> bool {
        self.client_id.is_none()
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
    ///The `jwt` auth scheme (for `#[endpoint(auth = jwt)]`).
    #[doc(hidden)]
    #[allow(non_upper_case_globals)]
    pub const jwt: ::auth_sdk::__private::SchemeId = ::auth_sdk::__private::SchemeId(
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
            name: "jwt",
            kind: ::auth_sdk::__private::issued_kind::<
                Self,
                session::Request,
            >(
                ::auth_sdk::__private::Placement::Header("x-session"),
                0usize,
                "session",
                "the credentials of `session`",
            ),
        },
    ];
    const TOKEN_SLOTS: usize = 1usize;
    const ENVELOPE: ::auth_sdk::__private::Option<::auth_sdk::__private::Envelope> = ::auth_sdk::__private::Option::None;
    fn credential_secrets(
        credentials: &Credentials,
        each: &mut dyn FnMut(&::auth_sdk::__private::Secret),
    ) {
        if let ::auth_sdk::__private::Option::Some(s) = &credentials.client_id {
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
/// `GET /items`.
pub mod list_items {
    ///Request of `GET /items`.
    ///
    /// Lists items.
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
    ///Error of `GET /items`: the runtime's staged error with this provider's typed error body.
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
            name: "list_items",
            method: ::auth_sdk::__private::http::Method::GET,
            path: "/items",
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
            >("jwt") {
                ::auth_sdk::__private::Option::Some(
                    id,
                ) if ::auth_sdk::__private::issues_own_scheme::<
                    Request,
                >(id, "list_items") => {
                    ::core::panic!(
                        "{}", ::auth_sdk::__private::self_issued_scheme("jwt",
                        "list_items").as_str()
                    )
                }
                ::auth_sdk::__private::Option::Some(id) => id,
                ::auth_sdk::__private::Option::None => {
                    ::core::panic!(
                        "{}", ::auth_sdk::__private::unknown_endpoint_scheme:: < Request
                        > ("jwt").as_str()
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
            rb.path("/items");
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
    /// A page.
    #[derive(Debug, Clone)]
    #[non_exhaustive]
    pub struct Response {
        /// Items.
        #[allow(dead_code)]
        pub items: Vec<String>,
        /// Pages.
        #[allow(dead_code)]
        pub page_total: Option<u32>,
    }
    impl ::auth_sdk::__private::ResponseSpec for Response {
        const SUCCESS: &'static [u16] = &[200u16, 206u16];
        fn decode(
            headers: &::auth_sdk::__private::http::HeaderMap,
            body: &[u8],
        ) -> ::auth_sdk::__private::Result<Self, ::auth_sdk::__private::DecodeFailure> {
            ::auth_sdk::__private::Result::Ok(Self {
                items: ::auth_sdk::__private::decode_body(body)?,
                page_total: ::auth_sdk::__private::decode_header(
                    headers,
                    {
                        static NAME: ::auth_sdk::__private::http::HeaderName = ::auth_sdk::__private::http::HeaderName::from_static(
                            "page-total",
                        );
                        &NAME
                    },
                )?,
            })
        }
    }
}
/// `GET /session`.
pub mod session {
    use auth_sdk::Secret;
    ///Request of `GET /session`.
    ///
    /// A session.
    #[derive(Debug, Clone)]
    #[non_exhaustive]
    pub struct Request {
        /// Client id.
        pub client_id: Secret,
    }
    impl Request {
        /// Builds the request from its required inputs; optional inputs are set with the methods below.
        #[allow(clippy::new_without_default, dead_code)]
        pub fn new(client_id: impl ::core::convert::Into<Secret>) -> Self {
            Self {
                client_id: client_id.into(),
            }
        }
    }
    ///Error of `GET /session`: the runtime's staged error with this provider's typed error body.
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
            name: "session",
            method: ::auth_sdk::__private::http::Method::GET,
            path: "/session",
            idempotent: true,
            success: <self::Response as ::auth_sdk::__private::ResponseSpec>::SUCCESS,
            accept: <self::Response as ::auth_sdk::__private::ResponseSpec>::ACCEPT,
        };
        fn auth(
            &self,
        ) -> ::auth_sdk::__private::Option<::auth_sdk::__private::SchemeId> {
            ::auth_sdk::__private::Option::None
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
            rb.path("/session");
            rb.header(
                {
                    static NAME: ::auth_sdk::__private::http::HeaderName = ::auth_sdk::__private::http::HeaderName::from_static(
                        "x-client-id",
                    );
                    &NAME
                },
                "client_id",
                &self.client_id,
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
    impl ::auth_sdk::__private::FromCredentials<super::Client> for Request {
        fn from_credentials(
            credentials: &<super::Client as ::auth_sdk::__private::Provider>::Credentials,
        ) -> ::auth_sdk::__private::Result<
            Self,
            ::auth_sdk::__private::MissingCredential,
        > {
            ::auth_sdk::__private::Result::Ok(Self {
                client_id: credentials
                    .client_id()
                    .cloned()
                    .ok_or(::auth_sdk::__private::MissingCredential {
                        provider: <super::Client as ::auth_sdk::__private::Provider>::NAME,
                        scheme: "session",
                        credential: "client_id",
                    })?,
            })
        }
        fn credentials_ready(
            credentials: &<super::Client as ::auth_sdk::__private::Provider>::Credentials,
        ) -> bool {
            credentials.client_id().is_some()
        }
    }
    /// A JWT.
    #[derive(Debug, Clone)]
    #[non_exhaustive]
    pub struct Response {
        /// The JWT.
        #[allow(dead_code)]
        pub jwt: Secret,
        /// A renamed member.
        #[allow(dead_code)]
        pub session_id: Option<String>,
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
                jwt: Secret,
                #[serde(rename = "sessionId")]
                session_id: Option<String>,
            }
            let __b: __Body = ::auth_sdk::__private::decode_json(body)?;
            ::auth_sdk::__private::Result::Ok(Self {
                jwt: __b.jwt,
                session_id: __b.session_id,
            })
        }
    }
    impl ::auth_sdk::__private::TokenResponse for Response {
        fn issued_token(&self) -> ::auth_sdk::__private::IssuedToken {
            ::auth_sdk::__private::IssuedToken::new(
                    ::auth_sdk::__private::IsSecret::to_secret(&self.jwt),
                    ::auth_sdk::__private::Lifetime::Jwt,
                )
                .with_max_lifetime(
                    ::auth_sdk::__private::Option::Some(
                        ::core::time::Duration::from_secs(1800u64),
                    ),
                )
        }
    }
}
