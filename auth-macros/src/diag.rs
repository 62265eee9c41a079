//! Error accumulation: every mistake in a spec is reported in one compile.
//!
//! Validation never returns early with `?`; it pushes into [`Diag`] and goes on, like
//! serde's `Ctxt` and darling's `Accumulator`. [`Diag::finish`] turns what was collected into
//! `compile_error!` invocations, each spanned on the offending token, and must be called:
//! dropping an unchecked `Diag` is a bug in the macro (it panics, as serde's `Ctxt` does).

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;

/// Collected errors.
#[derive(Default)]
pub struct Diag {
    errors: Vec<syn::Error>,
    checked: bool,
}

impl Diag {
    pub fn new() -> Self {
        Diag::default()
    }

    /// Records an error on `span`.
    pub fn error(&mut self, span: Span, message: impl std::fmt::Display) {
        self.errors.push(syn::Error::new(span, message));
    }

    /// Records an error on the tokens of `node` (from its first to its last token).
    pub fn error_on<T: ToTokens>(&mut self, node: &T, message: impl std::fmt::Display) {
        self.errors.push(syn::Error::new_spanned(node, message));
    }

    /// Records an error on a list of tokens, or on `fallback` when the list is empty (a key
    /// missing from an empty attribute can only point at the attribute itself).
    pub fn error_on_tokens(
        &mut self,
        tokens: &TokenStream,
        fallback: Span,
        message: impl std::fmt::Display,
    ) {
        if tokens.is_empty() {
            self.error(fallback, message);
        } else {
            self.error_on(tokens, message);
        }
    }

    /// Records a syn error as is.
    pub fn push(&mut self, e: syn::Error) {
        self.errors.push(e);
    }

    /// All errors as `compile_error!`s (empty when there are none). Marks the diagnostics
    /// as reported.
    pub fn finish(&mut self) -> TokenStream {
        self.checked = true;
        self.errors
            .iter()
            .map(syn::Error::to_compile_error)
            .collect()
    }
}

impl Drop for Diag {
    fn drop(&mut self) {
        if !self.checked && !std::thread::panicking() {
            #[allow(clippy::panic)]
            {
                panic!("auth-macros bug: spec diagnostics were collected but never reported");
            }
        }
    }
}

/// "did you mean `x`?" for a misspelt keyword, by edit distance.
pub fn did_you_mean<'a>(
    got: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| {
            let d = levenshtein(&got.to_ascii_lowercase(), &c.to_ascii_lowercase());
            // A case-only difference is the closest possible miss.
            let d = if d == 0 && got != c { 0 } else { d + 1 };
            (d, c)
        })
        .filter(|(d, c)| *d <= 3.max(c.len() / 3 + 1) && *d <= c.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// A " (did you mean `x`?)" suffix, or nothing.
pub fn suggestion<'a>(got: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(got, candidates)
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keywords_only() {
        let kws = ["header", "query", "path", "body"];
        assert_eq!(did_you_mean("hedaer", kws), Some("header"));
        assert_eq!(did_you_mean("qeury", kws), Some("query"));
        assert_eq!(did_you_mean("Path", kws), Some("path"));
        assert_eq!(did_you_mean("zzzzzz", kws), None);
        assert_eq!(
            did_you_mean("camelcase", ["camelCase", "snake_case"]),
            Some("camelCase")
        );
        assert_eq!(
            did_you_mean("idempotnet", ["idempotent", "issuer"]),
            Some("idempotent")
        );
    }

    #[test]
    fn finish_reports_every_error() {
        let mut d = Diag::new();
        d.error(Span::call_site(), "one");
        d.error(Span::call_site(), "two");
        let out = d.finish().to_string();
        assert!(out.contains("one") && out.contains("two"), "{out}");
    }
}
