//! `auth-sandbox`: a loopback HTTP emulator of the documented authentication
//! behaviour of five web APIs (CoopFin, Coinflow, Coolset, Akool, Loccus).
//!
//! One axum server serves all five providers on a single `127.0.0.1` port, each
//! under its own path prefix, so a client pointed at
//! [`BaseUrls::coopfin`] (`http://127.0.0.1:PORT/coopfin/v1`) calls
//! `/sandbox/token` relative to it exactly like against the real host.
//!
//! The sandbox is written independently from the SDK's provider contracts: it
//! has its own wire types, so a misread contract cannot hide by being wrong on
//! both sides.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = auth_sandbox::Sandbox::start().await?;
//! let urls = sandbox.base_urls();
//! println!("CoopFin lives at {}", urls.coopfin);
//! println!("its API key is {}", sandbox.credentials().coopfin.api_key);
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Every credential in here is fake sandbox data.

mod akool;
mod clock;
mod coinflow;
mod config;
mod coolset;
mod coopfin;
mod http_util;
mod loccus;
mod oauth2;
mod server;
mod state;
mod token;

pub use config::{
    AkoolCredentials, CoinflowCredentials, CoolsetCredentials, CoopfinCredentials,
    LoccusCredentials, Oauth2Credentials, RateLimit, SandboxConfig, SeededCredentials,
};
pub use server::{BaseUrls, Sandbox};
pub use state::{ProviderStats, Stats};
pub use token::sign_message;
