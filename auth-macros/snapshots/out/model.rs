// Expansion of auth-macros/snapshots/in/model.rs: generated, do not edit.
// Regenerate with `SNAPSHOTS=overwrite cargo test -p auth-macros`.

use auth_sdk::Secret;
#[derive(
    Debug,
    Clone,
    ::auth_sdk::__private::serde::Serialize,
    ::auth_sdk::__private::serde::Deserialize
)]
#[serde(crate = "::auth_sdk::__private::serde")]
#[non_exhaustive]
/// An error detail.
#[serde(rename_all = "camelCase")]
pub struct Detail {
    /// Code.
    pub error_code: Option<String>,
    /// Messages.
    #[serde(default)]
    pub messages: Vec<String>,
}
#[derive(
    Debug,
    Clone,
    ::auth_sdk::__private::serde::Serialize,
    ::auth_sdk::__private::serde::Deserialize
)]
#[serde(crate = "::auth_sdk::__private::serde")]
/// One of two shapes.
#[serde(untagged)]
pub enum ErrorBody {
    /// Nested.
    Nested {
        /// The detail.
        #[serde(deserialize_with = "::auth_sdk::__private::de_field")]
        error: Detail,
    },
    /// A map of messages.
    Fields(std::collections::HashMap<String, Vec<String>>),
}
#[derive(Debug, Clone, ::auth_sdk::__private::serde::Deserialize)]
#[serde(crate = "::auth_sdk::__private::serde")]
#[non_exhaustive]
/// A stored key (read-only: it holds a `Secret`).
pub struct StoredKey {
    /// The key.
    pub token: Secret,
    /// Its name.
    pub name: String,
}
