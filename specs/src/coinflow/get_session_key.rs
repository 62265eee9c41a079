//! `GET /auth/session-key`: a session key for one end user.
//!
//! Exactly one of three header sets is sent; [`Identity`] has one variant per set, so a
//! mix cannot be built. Every header listed in a set is taken as required (the docs mark
//! none optional), including the merchant id of the signed-wallet set. The signature is
//! passed through as given: its encoding depends on the chain and is not documented.
//! The key is a JWT whose `exp` is read, capped at 30 minutes (see the module docs).

use auth_macros::{endpoint, header_group, response};
use auth_runtime::Secret;

use super::Blockchain;

/// Gets a session key for the end user identified by one of the three header sets.
#[endpoint(
    name = get_session_key,
    provider = super::Client,
    GET "/auth/session-key",
    auth = none,
    issuer,
    client_method
)]
pub struct Request {
    /// Which end user, and how they are vouched for.
    #[headers]
    pub identity: Identity,
}

/// The three documented ways to identify the end user.
#[header_group(provider = super::Client)]
pub enum Identity {
    /// Set A: the merchant's own user id, vouched for by the merchant key.
    #[auth(merchant)]
    UserId {
        /// Stable id of the user in the merchant's system (no personal data).
        #[header("x-coinflow-auth-user-id")]
        user_id: String,
    },
    /// Set B: a wallet that signed the message from `get_message`, without the merchant key.
    SignedWallet {
        /// The wallet's signature of the message, already encoded for its chain.
        #[header("x-coinflow-auth-signed-message")]
        signed_message: Secret,
        /// The wallet address.
        #[header("x-coinflow-auth-wallet")]
        wallet: String,
        /// The wallet's chain.
        #[header("x-coinflow-auth-blockchain")]
        blockchain: Blockchain,
        /// The merchant the session is for.
        #[header("x-coinflow-auth-merchant-id")]
        merchant_id: String,
    },
    /// Set C: a wallet vouched for by the merchant key.
    #[auth(merchant)]
    MerchantWallet {
        /// The wallet address.
        #[header("x-coinflow-auth-wallet")]
        wallet: String,
        /// The wallet's chain.
        #[header("x-coinflow-auth-blockchain")]
        blockchain: Blockchain,
    },
}

/// A session key.
#[response(200, token = key, jwt_exp, max_lifetime = 1800)]
pub struct Response {
    /// The session key (a JWT); send as `x-coinflow-auth-session-key`.
    pub key: Secret,
}
