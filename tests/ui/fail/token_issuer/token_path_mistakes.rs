// `token = data.token`: the first segment is a field of the response, the rest fields of
// nested models, and the token a `Secret`.
use auth_sdk::{Secret, model, provider};

/// A provider.
#[provider(
    name = "Example",
    base_url = "https://api.example.com",
    error = ErrorBody,
    scheme(a = bearer(issued(first_missing))),
    scheme(b = bearer(issued(leaf_missing))),
    scheme(c = bearer(issued(not_secret))),
)]
pub struct Client {
    /// Key.
    api_key: Secret,
}

/// Errors.
#[model]
pub struct ErrorBody {
    /// Message.
    pub message: String,
}

/// The payload.
#[model]
pub struct Data {
    /// The token.
    pub token: Secret,
    /// The token's id, not a secret.
    pub token_id: String,
}

macro_rules! issuer {
    ($module:ident, $($spec:tt)*) => {
        /// An issuer.
        pub mod $module {
            use auth_sdk::{Secret, endpoint, response};

            /// Signs in.
            #[endpoint(name = $module, provider = super::Client, POST "/login", auth = none, issuer)]
            pub struct Request {
                /// Key.
                pub api_key: Secret,
            }

            /// The answer.
            #[response(200, $($spec)*)]
            pub struct Response {
                /// The payload.
                pub data: super::Data,
            }
        }
    };
}
issuer!(first_missing, token = dat.token);
issuer!(leaf_missing, token = data.tokn);
issuer!(not_secret, token = data.token_id);

fn main() {}
