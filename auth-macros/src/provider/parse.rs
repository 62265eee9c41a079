//! Parsing of `#[provider(..)]` arguments, schemes and credential fields, and the checks
//! that tie schemes to credentials.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Expr, ItemStruct, LitStr, Type};

use super::{Credential, Spec};
use crate::args::{ArgValue, Args, expr_path, expr_str, parse_list, span_of};
use crate::diag::{Diag, suggestion};
use crate::kw::{CREDENTIAL_KEYS, PROVIDER_KEYS};
use crate::util::{is_named, valid_header_name};

pub fn spec(diag: &mut Diag, tokens: TokenStream) -> Spec {
    let mut s = Spec::default();
    let args: Args = match syn::parse2(tokens.clone()) {
        Ok(a) => a,
        Err(e) => {
            diag.push(e);
            return s;
        }
    };
    let mut misspelt: Vec<&str> = Vec::new();
    for arg in args.0 {
        let key = arg.name();
        match (key.as_str(), arg.value) {
            ("name", ArgValue::Value(e)) => {
                s.name = lit_or_err(diag, &e, "name = \"Provider Name\"")
            }
            ("base_url", ArgValue::Value(e)) => {
                s.base_url = lit_or_err(diag, &e, "base_url = \"https://api.example.com/v1\"");
                if let Some(u) = &s.base_url {
                    check_url(diag, u);
                }
            }
            ("base_urls", ArgValue::List(t)) => match parse_list::<syn::MetaNameValue>(t) {
                Ok(list) => {
                    for nv in list {
                        match (nv.path.get_ident(), expr_str(&nv.value)) {
                            (Some(i), Some(u)) => {
                                check_url(diag, u);
                                s.base_urls.push((i.clone(), u.clone()));
                            }
                            _ => diag.error_on(&nv, "expected `region = \"https://...\"`"),
                        }
                    }
                }
                Err(e) => diag.push(e),
            },
            ("error", ArgValue::Value(e)) => match syn::parse2::<Type>(quote!(#e)) {
                Ok(t) => s.error = Some(t),
                Err(_) => diag.error(
                    span_of(&e),
                    "expected the provider's error body type, e.g. `error = ErrorBody`",
                ),
            },
            ("env_prefix", ArgValue::Value(e)) => {
                s.env_prefix = lit_or_err(diag, &e, "env_prefix = \"COOPFIN\"");
                if let Some(p) = &s.env_prefix
                    && !is_env_name(&p.value())
                {
                    diag.error(
                        p.span(),
                        format!("an environment prefix is upper case letters, digits and `_`; write \"{}\"", env_fix(&p.value())),
                    );
                }
            }
            ("envelope", ArgValue::List(t)) => {
                s.envelope = super::scheme::envelope(diag, t, arg.key.span())
            }
            ("scheme", ArgValue::List(t)) => match parse_list::<syn::MetaNameValue>(t) {
                Ok(list) => {
                    for nv in list {
                        if let Some(sd) = super::scheme::scheme(diag, &nv) {
                            s.schemes.push(sd);
                        }
                    }
                }
                Err(e) => diag.push(e),
            },
            ("crate", ArgValue::Value(e)) => match expr_path(&e) {
                Some(p) => s.krate = Some(p.clone()),
                None => diag.error(span_of(&e), "expected a path, e.g. `crate = ::auth_sdk`"),
            },
            ("default_header", ArgValue::List(t)) => match parse_list::<LitStr>(t) {
                Ok(l) if l.len() == 2 => {
                    let (n, v) = (&l[0], &l[1]);
                    if !valid_header_name(&n.value()) {
                        diag.error(
                            n.span(),
                            format!("\"{}\" is not a valid header name; use letters, digits and `-`, e.g. \"content-type\"", n.value()),
                        );
                    } else if v.value().bytes().any(|b| b < 0x20 || b == 0x7f) {
                        diag.error(
                            v.span(),
                            "header values cannot contain control characters; remove them",
                        );
                    } else if n.value().eq_ignore_ascii_case("authorization") {
                        diag.error(
                            n.span(),
                            "credentials are sent by auth schemes, not fixed headers: declare a `scheme(name = authorization(credential))` instead",
                        );
                    } else {
                        s.default_headers
                            .push((n.value().to_ascii_lowercase(), v.clone()));
                    }
                }
                _ => diag.error(
                    arg.key.span(),
                    "write `default_header(\"content-type\", \"application/json\")`",
                ),
            },
            (k, _) if PROVIDER_KEYS.contains(&k) => diag.error(
                arg.key.span(),
                format!("wrong form for `{k}`; {}", key_help(k)),
            ),
            (k, _) => {
                misspelt.extend(crate::diag::did_you_mean(k, PROVIDER_KEYS.iter().copied()));
                diag.error(
                    arg.key.span(),
                    format!(
                        "unknown provider key `{k}`{}; the keys are: {}",
                        suggestion(k, PROVIDER_KEYS.iter().copied()),
                        PROVIDER_KEYS.join(", ")
                    ),
                )
            }
        }
    }
    let spelt = |k: &str| misspelt.contains(&k);
    let at = Span::call_site();
    if s.name.is_none() && !spelt("name") {
        diag.error_on_tokens(&tokens, at, "this provider has no name: add `name = \"Provider Name\"` (its display name in errors)");
    }
    if s.base_url.is_none() && !spelt("base_url") {
        diag.error_on_tokens(
            &tokens,
            at,
            "this provider has no base URL: add `base_url = \"https://api.example.com/v1\"`",
        );
    }
    if s.error.is_none() && !spelt("error") {
        diag.error_on_tokens(
            &tokens,
            at,
            "this provider has no error body type: add `error = ErrorBody`, a #[model] its error answers decode into (or `auth_sdk::serde_json::Value`)",
        );
    }
    s
}

fn key_help(k: &str) -> &'static str {
    match k {
        "base_urls" => "write `base_urls(eu = \"https://...\", us = \"https://...\")`",
        "envelope" => "write `envelope(code = \"code\", success = 1000, reauth = [1101])`",
        "scheme" => "write `scheme(token = bearer(issued(create_token)))`",
        "default_header" => "write `default_header(\"content-type\", \"application/json\")`",
        "name" => "write `name = \"Provider Name\"`",
        "base_url" => "write `base_url = \"https://api.example.com/v1\"`",
        "error" => "write `error = ErrorBody`",
        "env_prefix" => "write `env_prefix = \"PROVIDER\"`",
        "crate" => "write `crate = ::auth_sdk`",
        _ => "write `key = value`",
    }
}

fn lit_or_err(diag: &mut Diag, e: &Expr, example: &str) -> Option<LitStr> {
    match expr_str(e) {
        Some(s) => Some(s.clone()),
        None => {
            diag.error(
                span_of(e),
                format!("expected a string literal: `{example}`"),
            );
            None
        }
    }
}

fn check_url(diag: &mut Diag, u: &LitStr) {
    let v = u.value();
    if !(v.starts_with("https://") || v.starts_with("http://")) {
        let rest = v.split_once("://").map(|(_, r)| r).unwrap_or(&v);
        diag.error(
            u.span(),
            format!("a base URL starts with `https://`; write \"https://{rest}\""),
        );
    } else if let Some(rest) = v.strip_prefix("http://")
        && !is_loopback_authority(rest)
    {
        diag.error(
            u.span(),
            format!(
                "plain `http://` would send credentials in clear, and the client refuses it at `build()`; write \"https://{rest}\" (plain http is for loopback hosts only: 127.0.0.1, [::1], localhost)"
            ),
        );
    } else if v.contains('?') || v.contains('#') {
        diag.error(
            u.span(),
            "a base URL has no query or fragment; remove the part from `?` or `#`",
        );
    }
}

/// Whether the host of `rest` (a URL after its `http://`) is a loopback host, as the
/// runtime's `BaseUrl::is_loopback` decides at run time.
fn is_loopback_authority(rest: &str) -> bool {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host.split(':').next().unwrap_or("")
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

pub fn is_env_name(v: &str) -> bool {
    !v.is_empty()
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

fn env_fix(v: &str) -> String {
    v.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

pub fn credentials(diag: &mut Diag, item: &ItemStruct) -> Vec<Credential> {
    let mut creds = Vec::new();
    match &item.fields {
        syn::Fields::Named(f) => {
            for field in &f.named {
                if let Some(c) = credential(diag, field) {
                    creds.push(c);
                }
            }
        }
        syn::Fields::Unit => {}
        other => diag.error_on(
            other,
            "a provider's fields are its credentials and need names: `api_key: Secret`",
        ),
    }
    creds
}

fn credential(diag: &mut Diag, field: &syn::Field) -> Option<Credential> {
    let ident = field.ident.clone()?;
    let mut public = false;
    let mut unsure = false;
    let mut env = None;
    for attr in &field.attrs {
        let name = attr
            .path()
            .get_ident()
            .map(|i| i.to_string())
            .unwrap_or_default();
        if name != "credential" && !crate::kw::BUILTIN_ATTRS.contains(&name.as_str()) {
            // A misspelt `credential` may have said `public`: no second error on the type.
            unsure = true;
            diag.error_on(
                attr.path(),
                format!(
                    "unknown credential attribute `{name}`{}; a credential may have `#[credential(public)]` and `#[credential(env = \"VAR\")]`",
                    suggestion(&name, ["credential"])
                ),
            );
        }
    }
    for attr in field
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("credential"))
    {
        if matches!(attr.meta, syn::Meta::Path(_)) {
            continue;
        }
        let r = attr.parse_nested_meta(|m| {
            if m.path.is_ident("public") {
                public = true;
                Ok(())
            } else if m.path.is_ident("env") {
                let s: LitStr = m.value()?.parse()?;
                env = Some(s);
                Ok(())
            } else {
                let k = m
                    .path
                    .get_ident()
                    .map(|i| i.to_string())
                    .unwrap_or_default();
                Err(m.error(format!(
                    "unknown credential key `{k}`{}; the keys are env, public",
                    suggestion(&k, CREDENTIAL_KEYS.iter().copied())
                )))
            }
        });
        if let Err(e) = r {
            // `public` may be the key that was misspelt: no second error about the type.
            unsure = true;
            diag.push(e);
        }
    }
    if !public && !unsure && !is_named(&field.ty, "Secret") {
        diag.error_on(
            &field.ty,
            format!(
                "credential `{ident}` is secret by default and must be typed `Secret`: write `{ident}: Secret`, \
                 or mark it `#[credential(public)]` if it is not a secret"
            ),
        );
    }
    if let Some(e) = &env
        && !is_env_name(&e.value())
    {
        diag.error(
            e.span(),
            format!(
                "environment variable names are upper case letters, digits and `_`; write \"{}\"",
                env_fix(&e.value())
            ),
        );
    }
    let attrs = field
        .attrs
        .iter()
        .filter(|a| {
            a.path().get_ident().is_some_and(|i| {
                i != "credential" && crate::kw::BUILTIN_ATTRS.contains(&i.to_string().as_str())
            })
        })
        .cloned()
        .collect();
    Some(Credential {
        ident,
        ty: field.ty.clone(),
        public,
        env,
        attrs,
    })
}
