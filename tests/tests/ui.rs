//! Compile-time behaviour of the spec language and the generated API, as trybuild ui
//! tests. The `.stderr` files record rustc's diagnostics on the toolchain pinned in
//! `rust-toolchain.toml`; after an intended change, bless them with
//! `TRYBUILD=overwrite cargo test -p auth-tests --test ui`.
#![allow(missing_docs)]

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*/*.rs");
}
