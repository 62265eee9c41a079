//! Canary scanners: every rendering of an error (Display, Debug, pretty Debug) down its
//! whole `source()` chain, and assertions that none of them contains a marker; the chain
//! printed as one line.

use std::error::Error as StdError;

/// Display, Debug and `{:#?}` of `err` and of every error in its `source()` chain.
pub fn renderings(err: &(dyn StdError + 'static)) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = Some(err);
    while let Some(e) = cur {
        out.push(e.to_string());
        out.push(format!("{e:?}"));
        out.push(format!("{e:#?}"));
        cur = e.source();
    }
    out
}

/// The `Display` of `err` and of each error in its `source()` chain, top first.
pub fn chain_levels(err: &(dyn StdError + 'static)) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = Some(err);
    while let Some(e) = cur {
        out.push(e.to_string());
        cur = e.source();
    }
    out
}

/// The chain as `anyhow`'s `{:#}` prints it: each level's `Display`, joined by `: `.
pub fn chain(err: &(dyn StdError + 'static)) -> String {
    chain_levels(err).join(": ")
}

/// Asserts that no rendering of `err` (see [`renderings`]) contains `needle`.
pub fn assert_never_shows(err: &(dyn StdError + 'static), needle: &str) {
    for text in renderings(err) {
        assert!(!text.contains(needle), "`{needle}` in {text}");
    }
}
