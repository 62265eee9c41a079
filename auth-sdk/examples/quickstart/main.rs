//! Quickstart: all 15 authentication calls of auth-sdk, one provider after the other.
//!
//! ```sh
//! cargo run -p auth-sdk --example quickstart
//! ```
//!
//! By default every call goes to the loopback sandbox (`auth-sandbox`), started inside this
//! process on `127.0.0.1`: no network, no account, fake credentials only. Each step prints
//! one line with the typed result; secrets print as `Secret([REDACTED])` and are never
//! exposed for printing. Calls that must be refused print the error they got. The example
//! exits with an error if a call that should succeed fails, or one that should fail succeeds.
//!
//! A last step declares a provider of its own in the spec language (`own_provider.rs`):
//! OAuth2 client credentials against the sandbox's RFC 6749 authorization server.
//!
//! Traces: `RUST_LOG=auth_sdk=debug cargo run -p auth-sdk --example quickstart` prints the
//! span of every call and attempt (method, path template, server, status, resends) and the
//! token events on stderr.
//!
//! Real credentials: when any variable of a provider is set, that provider uses its real API
//! (`Client::from_env()`) instead of the sandbox and runs only its read-only calls. The
//! variables (the base URL one is optional and overrides the provider's default host):
//!
//! - CoopFin: `COOPFIN_API_KEY`, `COOPFIN_SECRET_KEY` (`COOPFIN_BASE_URL`): `create_token`.
//! - Coinflow: `COINFLOW_MERCHANT_KEY` (`COINFLOW_BASE_URL`): skipped, every call needs an
//!   end user's wallet or id.
//! - Coolset: `COOLSET_API_TOKEN` (`COOLSET_BASE_URL`): `user_config`, `list_workspaces`.
//! - Akool: `AKOOL_API_KEY`, `AKOOL_CLIENT_ID`, `AKOOL_CLIENT_SECRET` (`AKOOL_BASE_URL`):
//!   `quota_info`.
//! - Loccus: `LOCCUS_HANDLE`, `LOCCUS_PASSWORD`, `LOCCUS_API_KEY` (`LOCCUS_BASE_URL`):
//!   `sign_in` (with handle and password), `get_user`.

use std::fmt::Display;

use auth_sandbox::Sandbox;
use auth_sdk::Error;

mod flows;
mod own_provider;
use flows::{akool_flow, coinflow_flow, coolset_flow, coopfin_flow, loccus_flow};

/// A sandbox-only CoopFin endpoint, declared here with the public spec language.
mod whoami {
    use auth_sdk::{Secret, endpoint, response};

    /// `GET /_sandbox/whoami`: which key pair the bearer token was issued to.
    #[endpoint(name = whoami, provider = auth_sdk::coopfin::Client, GET "/_sandbox/whoami", auth = token)]
    pub struct Request {}

    /// The token's owner and remaining lifetime.
    #[response(200)]
    pub struct Response {
        /// The API key the token was issued for.
        pub api_key: Secret,
        /// Milliseconds until the token expires.
        pub token_expires_in_ms: u64,
    }
}

type BoxError = Box<dyn std::error::Error>;
pub(crate) type Result<T = (), E = BoxError> = std::result::Result<T, E>;

/// Counts and prints the steps, and the distinct calls they made.
#[derive(Default)]
struct Report {
    passed: usize,
    /// `(provider, call)` of every step named after a call (not `(wallet signs)` or
    /// `whoami (declared)`).
    calls: std::collections::BTreeSet<(String, String)>,
}

impl Report {
    fn count(&mut self, provider: &str, step: &str) {
        self.passed += 1;
        if step.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            self.calls.insert((provider.to_owned(), step.to_owned()));
        }
    }

    /// A step that succeeded.
    fn ok(&mut self, provider: &str, step: &str, detail: impl Display) {
        self.count(provider, step);
        println!("  ✓ {provider:<9}{step:<18}{detail}");
    }

    /// A remark that is not a step.
    fn note(&self, provider: &str, text: impl Display) {
        println!("  · {provider:<9}{text}");
    }

    /// A step that must fail, and fail the way `expected` says.
    fn refused<T, B: std::fmt::Debug>(
        &mut self,
        provider: &str,
        step: &str,
        context: &str,
        result: Result<T, Error<B>>,
        expected: impl FnOnce(&Error<B>) -> bool,
    ) -> Result {
        match result {
            Ok(_) => {
                Err(format!("{provider} {step}: succeeded, but should have been refused").into())
            }
            Err(e) if expected(&e) => {
                self.count(provider, step);
                println!("  ✓ {provider:<9}{step:<18}{context}: refused as expected: {e}");
                Ok(())
            }
            Err(e) => Err(format!("{provider} {step}: refused, but not as expected: {e}").into()),
        }
    }
}

/// Whether `e` is a provider answer with HTTP `status`.
fn is_status<B>(e: &Error<B>, status: u16) -> bool {
    matches!(e, Error::Provider(pe) if pe.status.as_u16() == status)
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

#[tokio::main]
async fn main() -> Result {
    // `RUST_LOG=auth_sdk=debug` shows each call's and attempt's span (see the README's
    // "Logging and tracing"); without RUST_LOG nothing is logged.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let sandbox = Sandbox::start().await?;
    println!("auth-sdk quickstart: the 15 auth calls of CoopFin, Coinflow, Coolset, Akool, Loccus");
    println!(
        "sandbox on http://{} (loopback only, fake credentials; set <PROVIDER>_* variables to use a real API)",
        sandbox.addr()
    );
    let mut report = Report::default();
    coopfin_flow(&sandbox, &mut report).await?;
    coinflow_flow(&sandbox, &mut report).await?;
    coolset_flow(&sandbox, &mut report).await?;
    akool_flow(&sandbox, &mut report).await?;
    loccus_flow(&sandbox, &mut report).await?;
    let yours = own_provider::own_provider_flow(&sandbox).await?;
    println!(
        "  ✓ {:<9}{:<18}OAuth2 client credentials, declared in examples/quickstart/own_provider.rs: {yours}",
        "yours", "me"
    );
    let stats = sandbox.stats();
    if report.calls.len() != 15 {
        return Err(format!(
            "the steps made {} distinct calls, not 15",
            report.calls.len()
        )
        .into());
    }
    println!(
        "done: {} steps passed, covering all {} calls (some calls run more than once, to show a refresh, a replay or a refusal), and the step with a provider of your own; the sandbox served {} requests and issued {} tokens",
        report.passed,
        report.calls.len(),
        stats.total_requests(),
        stats.coopfin.tokens_issued
            + stats.coinflow.tokens_issued
            + stats.akool.tokens_issued
            + stats.loccus.tokens_issued
            + stats.oauth2.tokens_issued
    );
    sandbox.shutdown().await;
    Ok(())
}

/// Prints an optional number, `?` when absent.
fn opt<T: Display>(value: Option<T>) -> String {
    value.map_or_else(|| "?".to_owned(), |v| v.to_string())
}
