// `rename_all` takes serde's rules, with their exact spelling.
pub mod login {
    use auth_sdk::{endpoint, response};

    /// Logs in.
    #[endpoint(name = login, provider = auth_sdk::coopfin::Client, POST "/login", auth = none, rename_all = "camelcase")]
    pub struct Request {
        /// User.
        pub user_name: String,
    }

    /// Done.
    #[response(200)]
    pub struct Response {}
}

fn main() {}
