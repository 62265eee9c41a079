// The token field is a `Secret`, so the token never reaches logs.
pub mod login {
    use auth_sdk::response;

    /// A session.
    #[response(200, token = access_token)]
    pub struct Response {
        /// The token.
        pub access_token: String,
    }
}

fn main() {}
