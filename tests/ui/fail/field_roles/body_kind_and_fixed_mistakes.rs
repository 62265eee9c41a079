// `body = ..` takes json or form; `fixed(..)` needs a body and is never also a field.
pub mod misspelt {
    use auth_sdk::{endpoint, response};

    /// Posts.
    #[endpoint(name = misspelt, provider = auth_sdk::coopfin::Client, POST "/a", auth = token, body = from)]
    pub struct Request {
        /// Text.
        pub text: String,
    }

    /// Done.
    #[response(200)]
    pub struct Response {}
}

pub mod on_get {
    use auth_sdk::{endpoint, response};

    /// Reads.
    #[endpoint(name = on_get, provider = auth_sdk::coopfin::Client, GET "/b", auth = token, fixed(kind = "x"))]
    pub struct Request {}

    /// Done.
    #[response(200)]
    pub struct Response {}
}

pub mod twice {
    use auth_sdk::{endpoint, response};

    /// Posts.
    #[endpoint(name = twice, provider = auth_sdk::coopfin::Client, POST "/c", auth = token, body = form, fixed(grant_type = "client_credentials"))]
    pub struct Request {
        /// Also the grant type.
        pub grant_type: String,
    }

    /// Done.
    #[response(200)]
    pub struct Response {}
}

fn main() {}
