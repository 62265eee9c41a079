// Expansion of auth-macros/snapshots/in/provider.rs: generated, do not edit.
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
    /// Merchant key.
    merchant_key: ::auth_sdk::__private::Option<Secret>,
    /// The user's name.
    user: ::auth_sdk::__private::Option<String>,
    /// The user's password.
    password: ::auth_sdk::__private::Option<Secret>,
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
    /// Merchant key.
    #[must_use]
    pub fn with_merchant_key(
        mut self,
        value: impl ::core::convert::Into<Secret>,
    ) -> Self {
        self.merchant_key = ::auth_sdk::__private::Option::Some(value.into());
        self
    }
    ///The `merchant_key` credential, if set.
    pub fn merchant_key(&self) -> ::auth_sdk::__private::Option<&Secret> {
        self.merchant_key.as_ref()
    }
    /// The user's name.
    #[must_use]
    pub fn with_user(mut self, value: impl ::core::convert::Into<String>) -> Self {
        self.user = ::auth_sdk::__private::Option::Some(value.into());
        self
    }
    ///The `user` credential, if set.
    pub fn user(&self) -> ::auth_sdk::__private::Option<&String> {
        self.user.as_ref()
    }
    /// The user's password.
    #[must_use]
    pub fn with_password(mut self, value: impl ::core::convert::Into<Secret>) -> Self {
        self.password = ::auth_sdk::__private::Option::Some(value.into());
        self
    }
    ///The `password` credential, if set.
    pub fn password(&self) -> ::auth_sdk::__private::Option<&Secret> {
        self.password.as_ref()
    }
    ///Reads the credentials from the environment: `EXAMPLE_API_KEY` (api_key), `EXAMPLE_USER` (user). Unset or empty variables leave a credential unset.
    pub fn from_env() -> Self {
        Self {
            api_key: ::auth_sdk::__private::env_credential("EXAMPLE_API_KEY")
                .map(
                    <Secret as ::core::convert::From<
                        ::auth_sdk::__private::String,
                    >>::from,
                ),
            merchant_key: ::auth_sdk::__private::Option::None,
            user: ::auth_sdk::__private::env_credential("EXAMPLE_USER"),
            password: ::auth_sdk::__private::Option::None,
        }
    }
    /// Whether no credential is set.
    pub fn is_empty(&self) -> bool {
        self.api_key.is_none() && self.merchant_key.is_none() && self.user.is_none()
            && self.password.is_none()
    }
}
impl Client {
    ///Default base URL: `https://api.example.com/v1`.
    pub const BASE_URL: &'static str = "https://api.example.com/v1";
    ///Base URL `eu`: `https://eu.api.example.com/v1`.
    pub const BASE_URL_EU: &'static str = "https://eu.api.example.com/v1";
    /// Starts building a client: credentials, base URL, timeouts, retries, transport.
    pub fn builder() -> ::auth_sdk::__private::ClientBuilder<Self> {
        ::auth_sdk::__private::ClientBuilder::new()
    }
    ///Builds a client from environment variables. Reads the credentials from the environment: `EXAMPLE_API_KEY` (api_key), `EXAMPLE_USER` (user). Unset or empty variables leave a credential unset. The base URL is read from `EXAMPLE_BASE_URL` when set (plain http is then allowed for loopback hosts only).
    pub fn from_env() -> ::auth_sdk::__private::Result<
        Self,
        ::auth_sdk::__private::BuildError,
    > {
        let mut builder = Self::builder().credentials(Credentials::from_env());
        if let ::auth_sdk::__private::Option::Some(url) = ::auth_sdk::__private::env_credential(
            "EXAMPLE_BASE_URL",
        ) {
            builder = builder.base_url(url).allow_http_loopback(true);
        }
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
    ///The `merchant` auth scheme (for `#[endpoint(auth = merchant)]`).
    #[doc(hidden)]
    #[allow(non_upper_case_globals)]
    pub const merchant: ::auth_sdk::__private::SchemeId = ::auth_sdk::__private::SchemeId(
        1u16,
    );
    ///The `token` auth scheme (for `#[endpoint(auth = token)]`).
    #[doc(hidden)]
    #[allow(non_upper_case_globals)]
    pub const token: ::auth_sdk::__private::SchemeId = ::auth_sdk::__private::SchemeId(
        2u16,
    );
    ///The `session` auth scheme (for `#[endpoint(auth = session)]`).
    #[doc(hidden)]
    #[allow(non_upper_case_globals)]
    pub const session: ::auth_sdk::__private::SchemeId = ::auth_sdk::__private::SchemeId(
        3u16,
    );
    ///The `key_or_token` auth scheme (for `#[endpoint(auth = key_or_token)]`).
    #[doc(hidden)]
    #[allow(non_upper_case_globals)]
    pub const key_or_token: ::auth_sdk::__private::SchemeId = ::auth_sdk::__private::SchemeId(
        4u16,
    );
}
impl ::auth_sdk::__private::Provider for Client {
    type Credentials = Credentials;
    type ErrorBody = ErrorBody;
    const NAME: &'static str = "Example";
    const DEFAULT_BASE_URL: &'static str = "https://api.example.com/v1";
    const SCHEMES: &'static [::auth_sdk::__private::Scheme<Self>] = &[
        ::auth_sdk::__private::Scheme {
            name: "key",
            kind: ::auth_sdk::__private::SchemeKind::Credential {
                placement: ::auth_sdk::__private::Placement::Header("x-api-key"),
                credential: "api_key",
                get: Credentials::api_key,
            },
        },
        ::auth_sdk::__private::Scheme {
            name: "merchant",
            kind: ::auth_sdk::__private::SchemeKind::Credential {
                placement: ::auth_sdk::__private::Placement::Authorization,
                credential: "merchant_key",
                get: Credentials::merchant_key,
            },
        },
        ::auth_sdk::__private::Scheme {
            name: "token",
            kind: ::auth_sdk::__private::issued_kind::<
                Self,
                login::Request,
            >(
                ::auth_sdk::__private::Placement::Bearer,
                0usize,
                "login",
                "the credentials of `login`",
            ),
        },
        ::auth_sdk::__private::Scheme {
            name: "session",
            kind: ::auth_sdk::__private::issued_kind::<
                Self,
                open_session::Request,
            >(
                ::auth_sdk::__private::Placement::Header("x-session"),
                1usize,
                "open_session",
                "the credentials of `open_session`",
            ),
        },
        ::auth_sdk::__private::Scheme {
            name: "key_or_token",
            kind: ::auth_sdk::__private::SchemeKind::Any(
                &[
                    ::auth_sdk::__private::SchemeId(0u16),
                    ::auth_sdk::__private::SchemeId(2u16),
                ],
            ),
        },
    ];
    const TOKEN_SLOTS: usize = 2usize;
    const ENVELOPE: ::auth_sdk::__private::Option<::auth_sdk::__private::Envelope> = ::auth_sdk::__private::Option::Some(::auth_sdk::__private::Envelope {
        code_field: "code",
        success: 0,
        reauth: &[40101],
    });
    fn default_headers(headers: &mut ::auth_sdk::__private::http::HeaderMap) {
        static HEADERS: [(
            ::auth_sdk::__private::http::HeaderName,
            ::auth_sdk::__private::http::HeaderValue,
        ); 1usize] = [
            (
                ::auth_sdk::__private::http::HeaderName::from_static("content-type"),
                ::auth_sdk::__private::http::HeaderValue::from_static("application/json"),
            ),
        ];
        for (name, value) in &HEADERS {
            headers.insert(name.clone(), value.clone());
        }
    }
    fn credential_secrets(
        credentials: &Credentials,
        each: &mut dyn FnMut(&::auth_sdk::__private::Secret),
    ) {
        if let ::auth_sdk::__private::Option::Some(s) = &credentials.api_key {
            each(s);
        }
        if let ::auth_sdk::__private::Option::Some(s) = &credentials.merchant_key {
            each(s);
        }
        if let ::auth_sdk::__private::Option::Some(s) = &credentials.password {
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
    /// Business code.
    pub code: i64,
    /// Message.
    pub message: Option<String>,
}
/// `POST /login`.
pub mod login {
    use auth_sdk::Secret;
    ///Request of `POST /login`.
    ///
    /// Signs in.
    #[derive(Debug, Clone)]
    #[non_exhaustive]
    pub struct Request {
        /// User.
        pub user: String,
        /// Password.
        pub password: Secret,
    }
    impl Request {
        /// Builds the request from its required inputs; optional inputs are set with the methods below.
        #[allow(clippy::new_without_default, dead_code)]
        pub fn new(
            user: impl ::core::convert::Into<String>,
            password: impl ::core::convert::Into<Secret>,
        ) -> Self {
            Self {
                user: user.into(),
                password: password.into(),
            }
        }
    }
    ///Error of `POST /login`: the runtime's staged error with this provider's typed error body.
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
            name: "login",
            method: ::auth_sdk::__private::http::Method::POST,
            path: "/login",
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
            >(::auth_sdk::__private::http::Method::POST, base);
            rb.path("/login");
            #[derive(::auth_sdk::__private::serde::Serialize)]
            #[serde(crate = "::auth_sdk::__private::serde")]
            struct __Body<'a> {
                #[serde(rename = "user")]
                user: &'a String,
                #[serde(rename = "password")]
                password: ::auth_sdk::__private::Expose<'a>,
            }
            rb.json(
                &__Body {
                    user: &self.user,
                    password: ::auth_sdk::__private::Expose(&self.password),
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
    impl ::auth_sdk::__private::FromCredentials<super::Client> for Request {
        fn from_credentials(
            credentials: &<super::Client as ::auth_sdk::__private::Provider>::Credentials,
        ) -> ::auth_sdk::__private::Result<
            Self,
            ::auth_sdk::__private::MissingCredential,
        > {
            ::auth_sdk::__private::Result::Ok(Self {
                user: credentials
                    .user()
                    .cloned()
                    .ok_or(::auth_sdk::__private::MissingCredential {
                        provider: <super::Client as ::auth_sdk::__private::Provider>::NAME,
                        scheme: "login",
                        credential: "user",
                    })?,
                password: credentials
                    .password()
                    .cloned()
                    .ok_or(::auth_sdk::__private::MissingCredential {
                        provider: <super::Client as ::auth_sdk::__private::Provider>::NAME,
                        scheme: "login",
                        credential: "password",
                    })?,
            })
        }
        fn credentials_ready(
            credentials: &<super::Client as ::auth_sdk::__private::Provider>::Credentials,
        ) -> bool {
            credentials.user().is_some() && credentials.password().is_some()
        }
    }
    impl super::Client {
        /**Signs in.

Sends `POST /login`.*/
        ///
        pub async fn login(
            &self,
            user: impl ::core::convert::Into<String>,
            password: impl ::core::convert::Into<Secret>,
        ) -> ::auth_sdk::__private::Result<self::Response, Error> {
            self.send(Request::new(user, password)).await
        }
    }
    /// A token.
    #[derive(Debug, Clone)]
    #[non_exhaustive]
    pub struct Response {
        /// The token.
        #[allow(dead_code)]
        pub access_token: Secret,
        /// Seconds.
        #[allow(dead_code)]
        pub expires_in: u64,
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
                access_token: Secret,
                expires_in: u64,
            }
            let __b: __Body = ::auth_sdk::__private::decode_json(body)?;
            ::auth_sdk::__private::Result::Ok(Self {
                access_token: __b.access_token,
                expires_in: __b.expires_in,
            })
        }
    }
    impl ::auth_sdk::__private::TokenResponse for Response {
        fn issued_token(&self) -> ::auth_sdk::__private::IssuedToken {
            ::auth_sdk::__private::IssuedToken::new(
                    ::auth_sdk::__private::IsSecret::to_secret(&self.access_token),
                    match ::auth_sdk::__private::ExpiresIn::expires_in(
                        &self.expires_in,
                    ) {
                        ::auth_sdk::__private::Option::Some(s) => {
                            ::auth_sdk::__private::Lifetime::Seconds(s)
                        }
                        ::auth_sdk::__private::Option::None => {
                            ::auth_sdk::__private::Lifetime::Unknown
                        }
                    },
                )
                .with_max_lifetime(::auth_sdk::__private::Option::None)
        }
    }
}
/// `POST /sessions`.
pub mod open_session {
    use auth_sdk::{Secret, Timestamp};
    ///Request of `POST /sessions`.
    ///
    /// Opens a session.
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
    ///Error of `POST /sessions`: the runtime's staged error with this provider's typed error body.
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
            name: "open_session",
            method: ::auth_sdk::__private::http::Method::POST,
            path: "/sessions",
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
                >(id, "open_session") => {
                    ::core::panic!(
                        "{}", ::auth_sdk::__private::self_issued_scheme("key",
                        "open_session").as_str()
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
            >(::auth_sdk::__private::http::Method::POST, base);
            rb.path("/sessions");
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
            _credentials: &<super::Client as ::auth_sdk::__private::Provider>::Credentials,
        ) -> ::auth_sdk::__private::Result<
            Self,
            ::auth_sdk::__private::MissingCredential,
        > {
            ::auth_sdk::__private::Result::Ok(Self {})
        }
        fn credentials_ready(
            _credentials: &<super::Client as ::auth_sdk::__private::Provider>::Credentials,
        ) -> bool {
            true
        }
    }
    /// A session.
    #[derive(Debug, Clone)]
    #[non_exhaustive]
    pub struct Response {
        /// Key.
        #[allow(dead_code)]
        pub key: Secret,
        /// Expiry.
        #[allow(dead_code)]
        pub expires_at: Timestamp,
    }
    impl ::auth_sdk::__private::ResponseSpec for Response {
        const SUCCESS: &'static [u16] = &[201u16];
        fn decode(
            _headers: &::auth_sdk::__private::http::HeaderMap,
            body: &[u8],
        ) -> ::auth_sdk::__private::Result<Self, ::auth_sdk::__private::DecodeFailure> {
            #[derive(::auth_sdk::__private::serde::Deserialize)]
            #[serde(crate = "::auth_sdk::__private::serde")]
            #[serde(rename_all = "camelCase")]
            struct __Body {
                key: Secret,
                expires_at: Timestamp,
            }
            let __b: __Body = ::auth_sdk::__private::decode_json(body)?;
            ::auth_sdk::__private::Result::Ok(Self {
                key: __b.key,
                expires_at: __b.expires_at,
            })
        }
    }
    impl ::auth_sdk::__private::TokenResponse for Response {
        fn issued_token(&self) -> ::auth_sdk::__private::IssuedToken {
            ::auth_sdk::__private::IssuedToken::new(
                    ::auth_sdk::__private::IsSecret::to_secret(&self.key),
                    match ::auth_sdk::__private::ExpiresAt::expires_at(
                        &self.expires_at,
                    ) {
                        ::auth_sdk::__private::Option::Some(t) => {
                            ::auth_sdk::__private::Lifetime::At(t)
                        }
                        ::auth_sdk::__private::Option::None => {
                            ::auth_sdk::__private::Lifetime::Unknown
                        }
                    },
                )
                .with_max_lifetime(::auth_sdk::__private::Option::None)
        }
    }
}
