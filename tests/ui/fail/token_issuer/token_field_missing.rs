// `token = ..` names a field of the response.
pub mod login {
    use auth_sdk::{Secret, response};

    /// A session.
    #[response(200, token = acces_token)]
    pub struct Response {
        /// The token.
        pub access_token: Secret,
    }
}

fn main() {}
