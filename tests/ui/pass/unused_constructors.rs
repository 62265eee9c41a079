//! A binary whose own endpoints are built with struct literals only: the generated
//! constructors and setters it never calls raise no warning.
#![deny(missing_docs, warnings)]

mod ping {
    use auth_sdk::{endpoint, response};

    /// Pings.
    #[endpoint(name = ping, provider = auth_sdk::coolset::Client, GET "/ping", auth = token)]
    pub struct Request {}

    /// Pong.
    #[response(200)]
    pub struct Response {
        /// Ok.
        pub ok: bool,
    }
}

mod notes {
    use auth_sdk::{endpoint, response};

    /// Lists notes.
    #[endpoint(name = list_notes, provider = auth_sdk::coolset::Client, GET "/notes", auth = token)]
    pub struct Request {
        /// Optional filter.
        #[query]
        pub tag: Option<String>,
        /// Page size.
        #[query]
        pub limit: Option<u32>,
    }

    /// The notes.
    #[response(200)]
    pub struct Response {
        /// Texts.
        pub texts: Vec<String>,
    }
}

fn main() {
    let ping = ping::Request {};
    let notes = notes::Request {
        tag: Some("work".to_owned()),
        limit: None,
    };
    println!("{ping:?} {notes:?}");
}
