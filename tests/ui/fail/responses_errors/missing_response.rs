// An endpoint module without its `Response` type.
pub mod whoami {
    use auth_sdk::endpoint;

    /// Who am I.
    #[endpoint(name = whoami, provider = auth_sdk::coopfin::Client, GET "/me", auth = token)]
    pub struct Request {}
}

fn main() {}
