// `#[endpoint]`: every field role and key, `client_method` with and without optional inputs.

use auth_sdk::Secret;

/// Client for the Example API.
#[auth_sdk::provider(
    name = "Example",
    base_url = "https://api.example.com",
    error = ErrorBody,
    scheme(key = header("x-api-key", api_key)),
)]
pub struct Client {
    /// API key.
    api_key: Secret,
}

/// The error body.
#[auth_sdk::model]
pub struct ErrorBody {
    /// Message.
    pub message: String,
}

/// Another error body.
#[auth_sdk::model]
pub struct UpdateError {
    /// Errors.
    pub errors: Vec<String>,
}

/// `PATCH /keys/{key}`.
pub mod update_key {
    use auth_sdk::Secret;

    /// Updates a key.
    #[auth_sdk::endpoint(
        name = update_key,
        provider = super::Client,
        PATCH "/keys/{key}",
        auth = key,
        idempotent = false,
        client_method,
        error = super::UpdateError,
        rename_all = "camelCase",
    )]
    pub struct Request {
        /// Handle.
        #[path(charset = "a-z0-9-")]
        pub key: String,
        /// Dry run.
        #[query(rename = "dry-run")]
        pub dry_run: Option<bool>,
        /// Request id.
        #[header("x-request-id")]
        pub request_id: String,
        /// Display name.
        pub display_name: Option<String>,
        /// TTL.
        #[body(rename = "TTL")]
        pub ttl_seconds: u64,
        /// Signing secret.
        #[secret]
        pub signing_secret: Option<Secret>,
    }

    /// The key.
    #[auth_sdk::response(200)]
    pub struct Response {
        /// Handle.
        pub handle: String,
    }
}

/// `GET /keys/count`.
pub mod count_keys {
    /// Counts keys.
    #[auth_sdk::endpoint(name = count_keys, provider = super::Client, GET "/keys/count", auth = key, client_method)]
    pub struct Request {}

    /// The count.
    #[auth_sdk::response(200)]
    pub struct Response {
        /// Count.
        pub count: u64,
    }
}
