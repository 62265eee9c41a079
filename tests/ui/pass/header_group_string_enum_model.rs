//! `#[header_group]` (with `#[auth]` on a variant), `#[string_enum]` (with `rename_all` and
//! `#[wire]`) and `#[model]` (struct and enum, with and without a `Secret`), under
//! `deny(missing_docs, warnings)`.
#![deny(missing_docs, warnings)]

use auth_sdk::{Endpoint, Secret, model, provider, string_enum};

/// Client for the Example API.
#[provider(
    name = "Example",
    base_url = "https://api.example.com",
    error = ErrorBody,
    scheme(merchant = authorization(merchant_key)),
)]
pub struct Client {
    /// Merchant key.
    merchant_key: Secret,
}

/// Errors: one of two shapes.
#[model]
#[serde(untagged)]
pub enum ErrorBody {
    /// `{"error": {..}}`.
    Nested {
        /// The error.
        error: Detail,
    },
    /// `{"message": ".."}`.
    Flat {
        /// The message.
        message: String,
    },
}

/// An error's detail.
#[model]
#[serde(rename_all = "camelCase")]
pub struct Detail {
    /// Code.
    pub error_code: Option<String>,
    /// Messages.
    #[serde(default)]
    pub messages: Vec<String>,
}

/// A stored key: holds a `Secret`, so it only deserializes.
#[model]
pub struct StoredKey {
    /// The key.
    pub token: Secret,
    /// Chain.
    pub chain: Chain,
}

/// A chain, lower case on the wire; unknown values are kept.
#[string_enum(rename_all = "lowercase")]
pub enum Chain {
    /// Solana.
    Solana,
    /// Ethereum.
    Eth,
    /// Polygon PoS, with its own wire value.
    #[wire("polygon-pos")]
    PolygonPos,
}

/// A sort order with exact wire values.
#[string_enum]
pub enum Sort {
    /// By creation time.
    #[wire("createdAt")]
    CreatedAt,
    /// By name (`Name` on the wire).
    Name,
}

/// `GET /session`.
pub mod session {
    use auth_sdk::{endpoint, header_group, response};

    /// Gets a session for one of two identities.
    #[endpoint(name = session, provider = super::Client, GET "/session", auth = none)]
    pub struct Request {
        /// Who the session is for.
        #[headers]
        pub identity: Identity,
        /// Sort order of something.
        #[query]
        pub sort: Option<super::Sort>,
    }

    /// Who the session is for.
    #[header_group(provider = super::Client)]
    pub enum Identity {
        /// A user, vouched for by the merchant key.
        #[auth(merchant)]
        User {
            /// User id.
            #[header("x-user-id")]
            user_id: String,
        },
        /// A wallet that signed a message.
        Wallet {
            /// Address.
            #[header("x-wallet")]
            wallet: String,
            /// Chain.
            #[header("x-chain")]
            chain: super::Chain,
            /// Optional signature.
            #[header("x-signature")]
            signature: Option<auth_sdk::Secret>,
        },
    }

    /// A session.
    #[response(200)]
    pub struct Response {
        /// The stored key.
        pub key: super::StoredKey,
    }
}

fn main() {
    assert_eq!(Chain::PolygonPos.as_str(), "polygon-pos");
    assert_eq!(Chain::from("eth"), Chain::Eth);
    assert_eq!(Chain::from("tron"), Chain::Other("tron".into()));
    assert_eq!(Sort::CreatedAt.to_string(), "createdAt");
    assert_eq!("Name".parse::<Sort>(), Ok(Sort::Name));

    let detail: ErrorBody =
        auth_sdk::serde_json::from_str(r#"{"error":{"errorCode":"E1"}}"#).expect("nested");
    assert!(matches!(detail, ErrorBody::Nested { error } if error.error_code.as_deref() == Some("E1") && error.messages.is_empty()));
    let flat = auth_sdk::serde_json::to_string(&ErrorBody::Flat { message: "m".into() }).expect("serializes");
    assert_eq!(flat, r#"{"message":"m"}"#);
    let key: StoredKey =
        auth_sdk::serde_json::from_str(r#"{"token":"tok_test","chain":"polygon-pos"}"#).expect("a key");
    assert_eq!(key.chain, Chain::PolygonPos);

    let base = auth_sdk::BaseUrl::parse("https://api.example.com").expect("a base URL");
    let user = session::Request::new(session::Identity::User { user_id: "u1".into() });
    assert_eq!(user.auth(), Some(Client::merchant));
    let http = user.to_http_request(&base).expect("a request");
    assert_eq!(http.headers()["x-user-id"], "u1");
    let wallet = session::Request::new(session::Identity::Wallet {
        wallet: "w1".into(),
        chain: Chain::Solana,
        signature: None,
    })
    .sort(Sort::CreatedAt);
    assert_eq!(wallet.auth(), None);
    let http = wallet.to_http_request(&base).expect("a request");
    assert_eq!(http.uri(), "https://api.example.com/session?sort=createdAt");
    assert_eq!(http.headers()["x-chain"], "solana");
    assert!(!http.headers().contains_key("x-signature"));
}
