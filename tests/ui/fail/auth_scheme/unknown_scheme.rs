// `auth = ...` names a scheme the provider declares; CoopFin only has `token`.
pub mod me {
    use auth_sdk::{endpoint, response};

    /// Reads the account.
    #[endpoint(name = me, provider = auth_sdk::coopfin::Client, GET "/me", auth = session)]
    pub struct Request {}

    /// The account.
    #[response(200)]
    pub struct Response {}
}

fn main() {}
