// `#[body]` takes JSON, `#[body(text)]` or `#[body(bytes)]`.
pub mod export {
    use auth_sdk::{endpoint, response};

    /// Exports.
    #[endpoint(name = export, provider = auth_sdk::coolset::Client, GET "/export", auth = token)]
    pub struct Request {}

    /// The export.
    #[response(200)]
    pub struct Response {
        /// The body.
        #[body(txt)]
        pub csv: String,
    }
}

fn main() {}
