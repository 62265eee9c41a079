// A string enum and a header group with mistakes keep their variants and impls: the request
// using them and the code below report nothing more.
use auth_sdk::string_enum;

/// A chain.
#[string_enum(rename_all = "lowercas")]
pub enum Chain {
    /// Solana.
    Solana,
    /// Ethereum.
    Eth,
}

/// `GET /session`, declared for Coinflow.
pub mod session {
    use auth_sdk::{endpoint, header_group, response};

    /// Gets a session.
    #[endpoint(name = session, provider = auth_sdk::coinflow::Client, GET "/auth/session-key", auth = none)]
    pub struct Request {
        /// Who.
        #[headers]
        pub identity: Identity,
        /// The chain.
        #[query]
        pub chain: Option<super::Chain>,
    }

    /// Who the session is for.
    #[header_group(provider = auth_sdk::coinflow::Client)]
    pub enum Identity {
        /// A wallet.
        Wallet {
            /// Address.
            #[header("x wallet")]
            wallet: String,
        },
    }

    /// A session.
    #[response(200)]
    pub struct Response {
        /// Key.
        pub key: auth_sdk::Secret,
    }
}

pub async fn run(client: auth_sdk::coinflow::Client) -> Result<String, session::Error> {
    let identity = session::Identity::Wallet { wallet: "w".into() };
    let request = session::Request::new(identity).chain(Chain::Solana);
    let chain = Chain::Eth.to_string();
    let answer = client.send(request).await?;
    Ok(format!("{chain}{}", answer.key.len()))
}

fn main() {}
