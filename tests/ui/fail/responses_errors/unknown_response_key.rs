// A misspelt response key gets a suggestion.
pub mod login {
    use auth_sdk::{Secret, response};

    /// A session.
    #[response(200, token = token, expires = expires_in)]
    pub struct Response {
        /// The token.
        pub token: Secret,
        /// Seconds.
        pub expires_in: u64,
    }
}

fn main() {}
