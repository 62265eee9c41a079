// `#[secret]` needs the `Secret` type to take effect.
pub mod login {
    use auth_sdk::{endpoint, response};

    /// Logs in.
    #[endpoint(name = login, provider = auth_sdk::coopfin::Client, POST "/login", auth = none)]
    pub struct Request {
        /// Password.
        #[secret]
        pub password: String,
    }

    /// Done.
    #[response(200)]
    pub struct Response {}
}

fn main() {}
