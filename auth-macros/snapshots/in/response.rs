// `#[response]`: statuses, header fields, a whole-body field, serde attributes, and the
// token keys (`jwt_exp`, `max_lifetime`).

use auth_sdk::Secret;

/// Client for the Example API.
#[auth_sdk::provider(
    name = "Example",
    base_url = "https://api.example.com",
    error = ErrorBody,
    scheme(jwt = header("x-session", issued(session))),
)]
pub struct Client {
    /// Client id.
    client_id: Secret,
}

/// The error body.
#[auth_sdk::model]
pub struct ErrorBody {
    /// Message.
    pub message: String,
}

/// `GET /items`.
pub mod list_items {
    /// Lists items.
    #[auth_sdk::endpoint(name = list_items, provider = super::Client, GET "/items", auth = jwt)]
    pub struct Request {}

    /// A page.
    #[auth_sdk::response(200, 206)]
    pub struct Response {
        /// Items.
        #[body]
        pub items: Vec<String>,
        /// Pages.
        #[header("page-total")]
        pub page_total: Option<u32>,
    }
}

/// `GET /session`.
pub mod session {
    use auth_sdk::Secret;

    /// A session.
    #[auth_sdk::endpoint(name = session, provider = super::Client, GET "/session", auth = none, issuer)]
    pub struct Request {
        /// Client id.
        #[header("x-client-id")]
        pub client_id: Secret,
    }

    /// A JWT.
    #[auth_sdk::response(200, token = jwt, jwt_exp, max_lifetime = 1800)]
    pub struct Response {
        /// The JWT.
        pub jwt: Secret,
        /// A renamed member.
        #[serde(rename = "sessionId")]
        pub session_id: Option<String>,
    }
}
