//! Compile-time behaviour of the spec language and the generated API, as trybuild ui
//! tests: `ui/pass/*.rs` use every feature under `#![deny(missing_docs, warnings)]` (and
//! run), `ui/fail/<topic>/*.rs` are the mistakes a spec can make, one folder per topic
//! (path_template, field_roles, auth_scheme, token_issuer, secrets, provider,
//! responses_errors, call_sites), each with the expected diagnostics in a `.stderr`: on the
//! user's token, saying what to write instead, and no follow-on errors.
//!
//! The `.stderr` files record rustc's diagnostics on the toolchain pinned in
//! `rust-toolchain.toml`; after an intended change, bless them with
//! `TRYBUILD=overwrite cargo test -p auth-tests --test ui`, then read every changed file.
#![allow(missing_docs)]

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*/*.rs");
}
