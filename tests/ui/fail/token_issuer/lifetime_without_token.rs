// A lifetime is the lifetime of a token: the response must say which field is the token.
pub mod login {
    use auth_sdk::{Secret, response};

    /// A session.
    #[response(200, expires_in = expires_in)]
    pub struct Response {
        /// The token.
        pub access_token: Secret,
        /// Seconds.
        pub expires_in: u64,
    }
}

fn main() {}
