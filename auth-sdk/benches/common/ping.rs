//! Two copies of one CoopFin call that differ only in auth (a cached bearer token, or none),
//! and the in-memory transport that answers them: the token call with a token, anything
//! else with `{"ok":true}`. Used by the token-cache and fleet-store benches.

/// A call authenticated with the CoopFin token (cached after the first call).
pub mod ping_token {
    use auth_sdk::{endpoint, response};
    /// A call authenticated with the CoopFin token (cached after the first call).
    #[endpoint(name = ping_token, provider = auth_sdk::coopfin::Client, GET "/ping", auth = token)]
    pub struct Request {}
    /// The answer.
    #[response(200)]
    pub struct Response {
        /// Always true.
        pub ok: bool,
    }
}

/// The same call without auth.
pub mod ping_none {
    use auth_sdk::{endpoint, response};
    /// The same call without auth.
    #[endpoint(name = ping_none, provider = auth_sdk::coopfin::Client, GET "/ping", auth = none)]
    pub struct Request {}
    /// The answer.
    #[response(200)]
    pub struct Response {
        /// Always true.
        pub ok: bool,
    }
}

/// Answers the token call with a token, anything else with `{"ok":true}`.
#[derive(Debug)]
pub struct Router {
    pub token: super::MemoryTransport,
    pub other: super::MemoryTransport,
}

impl Router {
    /// A CoopFin token for the token call, `{"ok":true}` for the rest.
    pub fn coopfin() -> Self {
        Router {
            token: super::MemoryTransport::new(&super::response(200, super::COOPFIN_TOKEN, &[])),
            other: super::MemoryTransport::new(&super::response(200, r#"{"ok":true}"#, &[])),
        }
    }
}

#[async_trait::async_trait]
impl auth_sdk::Transport for Router {
    async fn send(
        &self,
        request: http::Request<bytes::Bytes>,
        max_body: usize,
    ) -> Result<http::Response<bytes::Bytes>, auth_sdk::TransportError> {
        if request.uri().path().ends_with("/sandbox/token") {
            self.token.send(request, max_body).await
        } else {
            self.other.send(request, max_body).await
        }
    }
}
