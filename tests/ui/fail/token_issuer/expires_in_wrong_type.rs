// `expires_in` names a field of integer seconds.
pub mod login {
    use auth_sdk::{Secret, response};

    /// A session.
    #[response(200, token = access_token, expires_in = expires_in)]
    pub struct Response {
        /// The token.
        pub access_token: Secret,
        /// "3600s".
        pub expires_in: String,
    }
}

fn main() {}
