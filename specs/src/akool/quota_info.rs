//! `GET /api/open/v3/faceswap/quota/info`: the account's remaining credit.
//!
//! Accepts the API key or the legacy token (`api_key_or_token`). `data.credit` is read as a
//! float (its numeric type is not specified).

use auth_macros::{endpoint, model, response};

/// Reads the account's credit balance; the cheapest way to check credentials work.
#[endpoint(
    name = quota_info,
    provider = super::Client,
    GET "/api/open/v3/faceswap/quota/info",
    auth = api_key_or_token,
    client_method
)]
pub struct Request {}

/// The credit balance, in Akool's envelope.
#[response(200)]
pub struct Response {
    /// Business code, 1000.
    pub code: i64,
    /// Message (`"OK"`).
    pub msg: String,
    /// The payload.
    pub data: QuotaData,
}

/// Credit information.
#[model]
pub struct QuotaData {
    /// Remaining credit.
    pub credit: f64,
}
