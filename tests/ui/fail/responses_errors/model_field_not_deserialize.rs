// The same inside a #[model]: one error, on the field's type. (The model holds a `Secret`, so
// it is read-only: it derives `Deserialize` only.)
use auth_sdk::{Secret, model};

/// Not deserializable.
#[derive(Debug, Clone, PartialEq)]
pub struct Cents(pub u64);

/// An API key and its price.
#[model]
pub struct PricedKey {
    /// The key.
    pub token: Secret,
    /// Amount.
    pub amount: Cents,
    /// Currency.
    pub currency: Option<String>,
}

fn main() {}
