//! `auth-sandbox` binary: serves every emulated provider on `127.0.0.1:PORT`
//! until Ctrl-C, after printing the base URLs and the (fake) credentials.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use auth_sandbox::{Sandbox, SandboxConfig};

const USAGE: &str = "\
Usage: auth-sandbox [--port N]

Serves loopback emulators of the CoopFin, Coinflow, Coolset, Akool and Loccus
authentication APIs on 127.0.0.1 (never any other address).

Options:
  --port N    TCP port to listen on (default 8080; 0 picks a free port)
  -h, --help  Print this help";

/// What the command line asked for.
enum Command {
    Serve { port: u16 },
    Help,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut port = 8080u16;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--port" => args.next().ok_or("--port needs a value")?,
            other => match other.strip_prefix("--port=") {
                Some(value) => value.to_owned(),
                None => return Err(format!("unknown argument `{other}`")),
            },
        };
        port = value
            .parse()
            .map_err(|_| format!("invalid port `{value}` (expected 0-65535)"))?;
    }
    Ok(Command::Serve { port })
}

fn print_banner(sandbox: &Sandbox) {
    let urls = sandbox.base_urls();
    let c = sandbox.credentials();
    println!("auth-sandbox listening on http://{}", sandbox.addr());
    println!();
    println!("Base URLs:");
    println!("  coopfin   {}", urls.coopfin);
    println!("  coinflow  {}", urls.coinflow);
    println!("  coolset   {}", urls.coolset);
    println!("  akool     {}", urls.akool);
    println!("  loccus    {}", urls.loccus);
    println!(
        "  oauth2    {} (RFC 6749 client credentials: /token)",
        urls.oauth2
    );
    println!();
    println!("Seeded credentials (fake sandbox values):");
    println!(
        "  coopfin   api_key={} secret_key={}",
        c.coopfin.api_key, c.coopfin.secret_key
    );
    println!(
        "  coinflow  merchant_key={} merchant_id={} user_id={} wallet={} blockchain={}",
        c.coinflow.merchant_key,
        c.coinflow.merchant_id,
        c.coinflow.user_id,
        c.coinflow.wallet,
        c.coinflow.blockchain
    );
    println!(
        "  coolset   token={} forbidden_token={}",
        c.coolset.token, c.coolset.forbidden_token
    );
    println!(
        "  akool     api_key={} client_id={} client_secret={} banned_client_id={} banned_api_key={}",
        c.akool.api_key,
        c.akool.client_id,
        c.akool.client_secret,
        c.akool.banned_client_id,
        c.akool.banned_api_key
    );
    println!(
        "  loccus    handle={} password={} email={}",
        c.loccus.handle, c.loccus.password, c.loccus.email
    );
    println!(
        "  loccus    handle={} password={} email={} (second user)",
        c.loccus.second_handle, c.loccus.second_password, c.loccus.second_email
    );
    println!(
        "  oauth2    client_id={} client_secret={} scopes={}",
        c.oauth2.client_id,
        c.oauth2.client_secret,
        c.oauth2.scopes.join(" ")
    );
    println!();
    println!("Coinflow wallet signatures: auth_sandbox::sign_message(wallet, message)");
    println!("Press Ctrl-C to stop.");
}

#[tokio::main]
async fn main() -> ExitCode {
    let port = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::Serve { port }) => port,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let sandbox = match Sandbox::bind(addr, SandboxConfig::default()).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("error: cannot listen on {addr}: {error}");
            return ExitCode::FAILURE;
        }
    };
    print_banner(&sandbox);
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {error}");
    }
    println!("shutting down");
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::{Command, parse_args};

    fn parse(args: &[&str]) -> Result<Command, String> {
        parse_args(args.iter().map(|a| (*a).to_owned()))
    }

    #[test]
    fn parses_port_and_help() {
        assert!(matches!(parse(&[]), Ok(Command::Serve { port: 8080 })));
        assert!(matches!(
            parse(&["--port", "9000"]),
            Ok(Command::Serve { port: 9000 })
        ));
        assert!(matches!(
            parse(&["--port=0"]),
            Ok(Command::Serve { port: 0 })
        ));
        assert!(matches!(parse(&["--help"]), Ok(Command::Help)));
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "70000"]).is_err());
        assert!(parse(&["--host", "0.0.0.0"]).is_err());
    }
}
