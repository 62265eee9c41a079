//! Test support shared by the integration suites (each does `mod common;` and uses a part
//! of it): wiremock matchers and one-line mounts, loopback client builders, fault servers
//! on raw sockets, canary scanners, expected-variant helpers, token-shaped data, and
//! endpoints declared with the public spec language.
#![allow(dead_code, unused_imports, clippy::unwrap_used)]

pub mod canary;
pub mod clients;
pub mod endpoints;
pub mod errors;
pub mod faults;
pub mod fleet_worker;
pub mod matchers;
pub mod mocks;
pub mod redis_server;
pub mod tokens;

pub use canary::*;
pub use clients::*;
pub use errors::*;
pub use faults::*;
pub use fleet_worker::*;
pub use matchers::*;
pub use mocks::*;
pub use redis_server::*;
pub use tokens::*;
