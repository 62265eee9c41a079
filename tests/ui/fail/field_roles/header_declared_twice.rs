// Two fields for one header (names are case-insensitive).
pub mod whoami {
    use auth_sdk::{endpoint, response};

    /// Who am I.
    #[endpoint(name = whoami, provider = auth_sdk::coopfin::Client, GET "/me", auth = token)]
    pub struct Request {
        /// Tenant.
        #[header("X-Tenant")]
        pub tenant: String,
        /// Tenant again.
        #[header("x-tenant")]
        pub organisation: String,
    }

    /// Me.
    #[response(200)]
    pub struct Response {}
}

fn main() {}
