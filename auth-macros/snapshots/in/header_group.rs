// `#[header_group]` with `#[auth]` on a variant, used by a request's `#[headers]` field.

use auth_sdk::Secret;

/// Client for the Example API.
#[auth_sdk::provider(
    name = "Example",
    base_url = "https://api.example.com",
    error = ErrorBody,
    scheme(merchant = authorization(merchant_key)),
)]
pub struct Client {
    /// Merchant key.
    merchant_key: Secret,
}

/// The error body.
#[auth_sdk::model]
pub struct ErrorBody {
    /// Message.
    pub message: String,
}

/// `GET /session`.
pub mod session {
    /// Gets a session.
    #[auth_sdk::endpoint(name = session, provider = super::Client, GET "/session", auth = none)]
    pub struct Request {
        /// Who.
        #[headers]
        pub identity: Identity,
    }

    /// Who the session is for.
    #[auth_sdk::header_group(provider = super::Client)]
    pub enum Identity {
        /// A user vouched for by the merchant key.
        #[auth(merchant)]
        User {
            /// User id.
            #[header("x-user-id")]
            user_id: String,
        },
        /// A signed wallet.
        Wallet {
            /// Address.
            #[header("x-wallet")]
            wallet: String,
            /// Signature.
            #[header("x-signature")]
            signature: Option<auth_sdk::Secret>,
        },
    }

    /// A session.
    #[auth_sdk::response(200)]
    pub struct Response {
        /// Key.
        pub key: auth_sdk::Secret,
    }
}
