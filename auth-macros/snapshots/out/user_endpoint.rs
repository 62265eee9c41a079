// Expansion of auth-macros/snapshots/in/user_endpoint.rs: generated, do not edit.
// Regenerate with `SNAPSHOTS=overwrite cargo test -p auth-macros`.

/// `GET /accounts/{account}`.
pub mod account {
    ///Request of `GET /accounts/{account}`.
    ///
    /// Reads one account.
    #[derive(Debug, Clone)]
    #[non_exhaustive]
    pub struct Request {
        /// Account id.
        pub account: String,
        /// Include details.
        pub details: Option<bool>,
    }
    impl Request {
        /// Builds the request from its required inputs; optional inputs are set with the methods below.
        #[allow(clippy::new_without_default, dead_code)]
        pub fn new(account: impl ::core::convert::Into<String>) -> Self {
            Self {
                account: account.into(),
                details: ::auth_sdk::__private::Option::None,
            }
        }
        /// Include details.
        #[must_use]
        #[allow(dead_code)]
        pub fn details(mut self, value: bool) -> Self {
            self.details = ::auth_sdk::__private::Option::Some(value);
            self
        }
    }
    ///Error of `GET /accounts/{account}`: the runtime's staged error with this provider's typed error body.
    pub type Error = ::auth_sdk::__private::Error<
        <Request as ::auth_sdk::__private::Endpoint>::ErrorBody,
    >;
    impl ::auth_sdk::__private::Endpoint for Request
    where
        auth_sdk::coopfin::Client: ::auth_sdk::__private::Provider,
    {
        type Provider = auth_sdk::coopfin::Client;
        type Response = self::Response;
        type ErrorBody = <<Self as ::auth_sdk::__private::Endpoint>::Provider as ::auth_sdk::__private::Provider>::ErrorBody;
        const METADATA: ::auth_sdk::__private::Metadata = ::auth_sdk::__private::Metadata {
            name: "account",
            method: ::auth_sdk::__private::http::Method::GET,
            path: "/accounts/{account}",
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
            >("token") {
                ::auth_sdk::__private::Option::Some(
                    id,
                ) if ::auth_sdk::__private::issues_own_scheme::<
                    Request,
                >(id, "account") => {
                    ::core::panic!(
                        "{}", ::auth_sdk::__private::self_issued_scheme("token",
                        "account").as_str()
                    )
                }
                ::auth_sdk::__private::Option::Some(id) => id,
                ::auth_sdk::__private::Option::None => {
                    ::core::panic!(
                        "{}", ::auth_sdk::__private::unknown_endpoint_scheme:: < Request
                        > ("token").as_str()
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
            rb.path("/accounts/");
            rb.path_param("account", &self.account, &[])?;
            if let ::auth_sdk::__private::Option::Some(v) = &self.details {
                rb.query("details", v);
            }
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
    /// The account.
    #[derive(Debug, Clone)]
    #[non_exhaustive]
    pub struct Response {
        /// Its id.
        #[allow(dead_code)]
        pub id: String,
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
                id: String,
            }
            let __b: __Body = ::auth_sdk::__private::decode_json(body)?;
            ::auth_sdk::__private::Result::Ok(Self { id: __b.id })
        }
    }
}
