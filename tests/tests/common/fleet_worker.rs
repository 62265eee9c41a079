//! The command that starts one fleet process (`src/bin/fleet_worker.rs`) against the
//! sandbox's Loccus, with its fleet cache from the documented environment variables: the
//! protocol the fleet suites and the burst benchmark share.

use std::process::Command;

use auth_sandbox::Sandbox;

/// A worker making `calls` concurrent calls with the store at `redis_url` sealed by `key`.
pub fn fleet_worker(
    sb: &Sandbox,
    redis_url: &str,
    key: &str,
    calls: usize,
    exchange_ms: u64,
) -> Command {
    let creds = &sb.credentials().loccus;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fleet_worker"));
    cmd.env("FLEET_BASE_URL", sb.base_urls().loccus)
        .env("FLEET_HANDLE", &creds.handle)
        .env("FLEET_PASSWORD", &creds.password)
        .env("FLEET_CALLS", calls.to_string())
        .env("FLEET_EXCHANGE_TIMEOUT_MS", exchange_ms.to_string())
        .env("AUTH_SDK_REDIS_URL", redis_url)
        .env("AUTH_SDK_STORE_KEY", key)
        // Eight processes start at once on CI's two cores: a store call can wait for a
        // core longer than the 50 ms default, which would (correctly) fall back and make
        // the count of exchanges about the scheduler instead of the lock.
        .env("AUTH_SDK_STORE_TIMEOUT_MS", "2000");
    cmd
}
