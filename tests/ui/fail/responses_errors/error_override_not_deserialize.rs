// `error = Type` is decoded from error answers: it must deserialize.
pub mod me {
    use auth_sdk::{endpoint, response};

    /// Not a model.
    #[derive(Debug)]
    pub struct Problem;

    /// Reads the account.
    #[endpoint(name = me, provider = auth_sdk::coopfin::Client, GET "/me", auth = token, error = Problem)]
    pub struct Request {}

    /// The account.
    #[response(200)]
    pub struct Response {}
}

fn main() {}
