//! Expansion snapshots: every `snapshots/in/*.rs` is parsed, each item carrying one of our
//! attributes (also inside inline modules) is expanded by calling the expand functions
//! directly, and the result, formatted with prettyplease, is compared with
//! `snapshots/out/*.rs`. `auth-tests` compiles the outputs (`tests/tests/expansions.rs`).
//!
//! After an intended change to the generated code, bless with
//! `SNAPSHOTS=overwrite cargo test -p auth-macros` and review the diff like code.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{Attribute, Item};

type Expand = fn(TokenStream, TokenStream) -> TokenStream;

const MACROS: &[(&str, Expand)] = &[
    ("provider", crate::provider::expand),
    ("endpoint", crate::endpoint::expand),
    ("response", crate::response::expand),
    ("header_group", crate::header_group::expand),
    ("string_enum", crate::string_enum::expand),
    ("model", crate::model::expand),
];

/// `#[endpoint(..)]` or `#[auth_sdk::endpoint(..)]`: its expand function and arguments.
fn ours(attr: &Attribute) -> Option<(Expand, TokenStream)> {
    let path = attr.path();
    let last = path.segments.last()?.ident.to_string();
    let prefix_ok = path.segments.len() == 1
        || (path.segments.len() == 2 && path.segments[0].ident == "auth_sdk");
    let (_, expand) = MACROS.iter().find(|(n, _)| *n == last && prefix_ok)?;
    let args = match &attr.meta {
        syn::Meta::List(l) => l.tokens.clone(),
        _ => TokenStream::new(),
    };
    Some((*expand, args))
}

fn attrs_mut(item: &mut Item) -> Option<&mut Vec<Attribute>> {
    match item {
        Item::Struct(i) => Some(&mut i.attrs),
        Item::Enum(i) => Some(&mut i.attrs),
        _ => None,
    }
}

/// Expands our attributes in `items`, recursively into inline modules.
fn expand_items(items: Vec<Item>) -> Vec<Item> {
    let mut out = Vec::new();
    for mut item in items {
        if let Item::Mod(m) = &mut item
            && let Some((_, content)) = &mut m.content
        {
            *content = expand_items(std::mem::take(content));
            out.push(item);
            continue;
        }
        let found = attrs_mut(&mut item).and_then(|attrs| {
            let at = attrs.iter().position(|a| ours(a).is_some())?;
            let attr = attrs.remove(at);
            ours(&attr)
        });
        match found {
            Some((expand, args)) => {
                let expanded = expand(args, item.to_token_stream());
                let file: syn::File = syn::parse2(expanded.clone())
                    .unwrap_or_else(|e| panic!("expansion does not parse ({e}):\n{expanded}"));
                out.extend(file.items);
            }
            None => out.push(item),
        }
    }
    out
}

/// The formatted expansion of one input file.
pub fn expand_file(source: &str) -> String {
    let file: syn::File = syn::parse_str(source).unwrap_or_else(|e| panic!("input: {e}"));
    let expanded = syn::File {
        shebang: None,
        frontmatter: None,
        attrs: file.attrs,
        items: expand_items(file.items),
    };
    prettyplease::unparse(&expanded)
}

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("snapshots")
        .join(name)
}

#[test]
fn expansions_match_the_committed_snapshots() {
    let overwrite = std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite");
    let mut inputs: Vec<PathBuf> = fs::read_dir(dir("in"))
        .expect("snapshots/in exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no snapshot inputs");
    let mut stale = Vec::new();
    for input in inputs {
        let name = input.file_name().expect("a file name").to_owned();
        let source = fs::read_to_string(&input).expect("readable input");
        let header = format!(
            "// Expansion of auth-macros/snapshots/in/{}: generated, do not edit.\n\
             // Regenerate with `SNAPSHOTS=overwrite cargo test -p auth-macros`.\n\n",
            name.to_string_lossy()
        );
        let actual = header + &expand_file(&source);
        let out = dir("out").join(&name);
        let expected = fs::read_to_string(&out).unwrap_or_default();
        if actual == expected {
            continue;
        }
        if overwrite {
            fs::write(&out, &actual).expect("writable snapshot");
        } else {
            let first = actual
                .lines()
                .zip(expected.lines())
                .position(|(a, e)| a != e)
                .unwrap_or_else(|| actual.lines().count().min(expected.lines().count()));
            stale.push(format!(
                "{}: differs from line {} (expected `{}`, got `{}`)",
                out.display(),
                first + 1,
                expected.lines().nth(first).unwrap_or("<end>"),
                actual.lines().nth(first).unwrap_or("<end>"),
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "stale expansion snapshots (bless with SNAPSHOTS=overwrite cargo test -p auth-macros):\n{}",
        stale.join("\n")
    );
}

/// The error path: errors come with stub items (so uses compile), never alone.
#[test]
fn errors_come_with_stubs() {
    let out = expand_file(
        r#"
        pub mod me {
            #[auth_sdk::endpoint(name = me, provider = super::Client, GET "/me/{id}", auth = token, client_method)]
            pub struct Request { #[query] pub q: Option<String> }
            #[auth_sdk::response(200, token = tokn)]
            pub struct Response { pub token: auth_sdk::Secret }
        }
        #[auth_sdk::provider(name = "X", base_url = "ftp://x", error = E, scheme(token = baerer(k)))]
        pub struct Client { k: auth_sdk::Secret }
        #[auth_sdk::string_enum(rename_al = "lowercase")]
        pub enum Chain { Solana }
        #[auth_sdk::header_group(provider = super::Client)]
        pub enum Group { A { #[header("x a")] a: String } }
        "#,
    );
    for needle in [
        "compile_error!",
        "placeholder `{id}`",
        "no field `tokn`",
        "did you mean `bearer`?",
        "pub fn new(",
        "pub fn q(",
        "impl ::auth_sdk::__private::Endpoint for Request",
        "pub fn me(&self)",
        "impl ::auth_sdk::__private::ResponseSpec for Response",
        "impl ::auth_sdk::__private::TokenResponse for Response",
        "impl ::auth_sdk::__private::Provider for Client",
        "pub fn builder()",
        "pub fn with_k(",
        "pub const token:",
        "Solana,",
        "impl ::auth_sdk::__private::HeaderGroup<super::Client> for Group",
    ] {
        assert!(out.contains(needle), "`{needle}` missing from:\n{out}");
    }
}
