// A response field's type must deserialize (declare it with #[model]).
pub mod me {
    use auth_sdk::{endpoint, response};

    /// The account's plan; forgot `#[model]`.
    #[derive(Debug, Clone)]
    pub struct Plan {
        /// Plan name.
        pub name: String,
    }

    /// Reads the account.
    #[endpoint(name = me, provider = auth_sdk::coopfin::Client, GET "/me", auth = token)]
    pub struct Request {}

    /// The account.
    #[response(200)]
    pub struct Response {
        /// Its id.
        pub id: String,
        /// Its plan.
        pub plan: Plan,
    }
}

fn main() {}
