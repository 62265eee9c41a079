//! `GET /auth`: the message a user's wallet must sign to prove ownership.
//!
//! Only the wallet header is documented. Assumption: the blockchain header may be needed by
//! some chains, so it can be added as an optional input (it is not sent by default).

use auth_macros::{endpoint, response};

/// Gets the message the user's wallet must sign (input of the signed-wallet header set).
#[endpoint(name = get_message, provider = super::Client, GET "/auth", auth = none, client_method)]
pub struct Request {
    /// The user's wallet address.
    #[header("x-coinflow-auth-wallet")]
    pub wallet: String,
    /// The wallet's chain; not documented for this call, sent only when set.
    #[header("x-coinflow-auth-blockchain")]
    pub blockchain: Option<super::Blockchain>,
}

/// The message to sign.
#[response(200)]
pub struct Response {
    /// Text to sign with the wallet.
    pub message: String,
    /// Undocumented; presumably a serialized transaction for wallets that cannot sign messages.
    pub transaction: Option<String>,
}
