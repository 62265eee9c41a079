// A misspelt role gets a suggestion.
pub mod whoami {
    use auth_sdk::{endpoint, response};

    /// Who am I.
    #[endpoint(name = whoami, provider = auth_sdk::coopfin::Client, GET "/me", auth = token)]
    pub struct Request {
        /// Tenant.
        #[hedaer("x-tenant")]
        pub tenant: String,
    }

    /// Me.
    #[response(200)]
    pub struct Response {}
}

fn main() {}
