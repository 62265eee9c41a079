//! Endpoints the SDK does not ship, declared with the public spec language, that several
//! suites call: a CoopFin call on the issued token, a Coinflow call on the session key, and
//! a Coolset call with a user-supplied header, and the sandbox's CoopFin `whoami` probe.

/// CoopFin `GET /me` on the issued bearer token.
pub mod whoami {
    use auth_sdk::{endpoint, response};

    /// Reads the account the token belongs to.
    #[endpoint(name = whoami, provider = auth_sdk::coopfin::Client, GET "/me", auth = token)]
    pub struct Request {}

    /// The account.
    #[response(200)]
    pub struct Response {
        /// Account id.
        pub user_id: String,
    }
}

/// Coinflow `GET /me` on the cached session key.
pub mod cf_me {
    use auth_sdk::{endpoint, response};

    /// Reads the end user the session key belongs to.
    #[endpoint(name = cf_me, provider = auth_sdk::coinflow::Client, GET "/me", auth = session)]
    pub struct Request {}

    /// The end user.
    #[response(200)]
    pub struct Response {
        /// Id.
        pub user_id: String,
    }
}

/// Coolset `GET /note` with a user-supplied `x-note` header.
pub mod note {
    use auth_sdk::{endpoint, response};

    /// Sends free text in a header.
    #[endpoint(name = note, provider = auth_sdk::coolset::Client, GET "/note", auth = token)]
    pub struct Request {
        /// Free text.
        #[header("x-note")]
        pub note: String,
    }

    /// Answer.
    #[response(200)]
    pub struct Response {
        /// Whether it worked.
        pub ok: bool,
    }
}

/// The sandbox's CoopFin `GET /_sandbox/whoami` on the issued bearer token.
pub mod sandbox_whoami {
    use auth_sdk::{Secret, endpoint, response};

    /// `GET /_sandbox/whoami`.
    #[endpoint(name = whoami, provider = auth_sdk::coopfin::Client, GET "/_sandbox/whoami", auth = token)]
    pub struct Request {}

    /// The token's owner.
    #[response(200)]
    pub struct Response {
        /// The API key the token was issued for.
        pub api_key: Secret,
        /// Milliseconds until the token expires.
        pub token_expires_in_ms: u64,
    }
}
