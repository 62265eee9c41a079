// Expansion of auth-macros/snapshots/in/header_group.rs: generated, do not edit.
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
    /// Merchant key.
    merchant_key: ::auth_sdk::__private::Option<Secret>,
}
impl Credentials {
    /// No credentials; add them with the `with_*` methods.
    pub fn new() -> Self {
        ::core::default::Default::default()
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
    ///Reads nothing: this provider declares no environment variables.
    pub fn from_env() -> Self {
        Self {
            merchant_key: ::auth_sdk::__private::Option::None,
        }
    }
    /// Whether no credential is set.
    pub fn is_empty(&self) -> bool {
        self.merchant_key.is_none()
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
    ///The `merchant` auth scheme (for `#[endpoint(auth = merchant)]`).
    #[doc(hidden)]
    #[allow(non_upper_case_globals)]
    pub const merchant: ::auth_sdk::__private::SchemeId = ::auth_sdk::__private::SchemeId(
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
            name: "merchant",
            kind: ::auth_sdk::__private::SchemeKind::Credential {
                placement: ::auth_sdk::__private::Placement::Authorization,
                credential: "merchant_key",
                get: Credentials::merchant_key,
            },
        },
    ];
    const TOKEN_SLOTS: usize = 0usize;
    const ENVELOPE: ::auth_sdk::__private::Option<::auth_sdk::__private::Envelope> = ::auth_sdk::__private::Option::None;
    fn credential_secrets(
        credentials: &Credentials,
        each: &mut dyn FnMut(&::auth_sdk::__private::Secret),
    ) {
        if let ::auth_sdk::__private::Option::Some(s) = &credentials.merchant_key {
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
/// `GET /session`.
pub mod session {
    ///Request of `GET /session`.
    ///
    /// Gets a session.
    #[derive(Debug, Clone)]
    #[non_exhaustive]
    pub struct Request {
        /// Who.
        pub identity: Identity,
    }
    impl Request {
        /// Builds the request from its required inputs; optional inputs are set with the methods below.
        #[allow(clippy::new_without_default, dead_code)]
        pub fn new(identity: impl ::core::convert::Into<Identity>) -> Self {
            Self { identity: identity.into() }
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
            ::auth_sdk::__private::HeaderGroup::<super::Client>::auth(&self.identity)
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
            ::auth_sdk::__private::HeaderGroup::<
                super::Client,
            >::apply(&self.identity, &mut rb)?;
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
    /// Who the session is for.
    #[derive(Debug, Clone)]
    pub enum Identity {
        /// A user vouched for by the merchant key.
        User {
            /// User id.
            user_id: String,
        },
        /// A signed wallet.
        Wallet {
            /// Address.
            wallet: String,
            /// Signature.
            signature: Option<auth_sdk::Secret>,
        },
    }
    impl ::auth_sdk::__private::HeaderGroup<super::Client> for Identity {
        fn apply(
            &self,
            rb: &mut ::auth_sdk::__private::RequestBuilder,
        ) -> ::auth_sdk::__private::Result<(), ::auth_sdk::__private::InvalidInput> {
            match self {
                Self::User { user_id } => {
                    rb.header(
                        {
                            static NAME: ::auth_sdk::__private::http::HeaderName = ::auth_sdk::__private::http::HeaderName::from_static(
                                "x-user-id",
                            );
                            &NAME
                        },
                        "user_id",
                        user_id,
                    )?;
                }
                Self::Wallet { wallet, signature } => {
                    rb.header(
                        {
                            static NAME: ::auth_sdk::__private::http::HeaderName = ::auth_sdk::__private::http::HeaderName::from_static(
                                "x-wallet",
                            );
                            &NAME
                        },
                        "wallet",
                        wallet,
                    )?;
                    if let ::auth_sdk::__private::Option::Some(v) = signature {
                        rb.header(
                            {
                                static NAME: ::auth_sdk::__private::http::HeaderName = ::auth_sdk::__private::http::HeaderName::from_static(
                                    "x-signature",
                                );
                                &NAME
                            },
                            "signature",
                            v,
                        )?;
                    }
                }
            }
            ::auth_sdk::__private::Result::Ok(())
        }
        fn auth(
            &self,
        ) -> ::auth_sdk::__private::Option<::auth_sdk::__private::SchemeId> {
            match self {
                Self::User { .. } => {
                    #[allow(clippy::panic)]
                    const SCHEME: ::auth_sdk::__private::SchemeId = match ::auth_sdk::__private::find_scheme::<
                        super::Client,
                    >("merchant") {
                        ::auth_sdk::__private::Option::Some(id) => id,
                        ::auth_sdk::__private::Option::None => {
                            ::core::panic!(
                                "{}", ::auth_sdk::__private::unknown_scheme:: <
                                super::Client > ("#[auth(", "merchant", ")]",
                                "; write one of them").as_str()
                            )
                        }
                    };
                    ::auth_sdk::__private::Option::Some(SCHEME)
                }
                Self::Wallet { .. } => ::auth_sdk::__private::Option::None,
            }
        }
    }
    /// A session.
    #[derive(Debug, Clone)]
    #[non_exhaustive]
    pub struct Response {
        /// Key.
        #[allow(dead_code)]
        pub key: auth_sdk::Secret,
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
                key: auth_sdk::Secret,
            }
            let __b: __Body = ::auth_sdk::__private::decode_json(body)?;
            ::auth_sdk::__private::Result::Ok(Self { key: __b.key })
        }
    }
}
