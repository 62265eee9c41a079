// `#[model]`: a struct, an untagged enum, and a read-only model holding a `Secret`.

use auth_sdk::Secret;

/// An error detail.
#[auth_sdk::model]
#[serde(rename_all = "camelCase")]
pub struct Detail {
    /// Code.
    pub error_code: Option<String>,
    /// Messages.
    #[serde(default)]
    pub messages: Vec<String>,
}

/// One of two shapes.
#[auth_sdk::model]
#[serde(untagged)]
pub enum ErrorBody {
    /// Nested.
    Nested {
        /// The detail.
        error: Detail,
    },
    /// A map of messages.
    Fields(std::collections::HashMap<String, Vec<String>>),
}

/// A stored key (read-only: it holds a `Secret`).
#[auth_sdk::model]
pub struct StoredKey {
    /// The key.
    pub token: Secret,
    /// Its name.
    pub name: String,
}
