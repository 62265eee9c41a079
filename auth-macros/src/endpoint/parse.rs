//! Parsing of `#[endpoint(..)]` arguments and of the request's field attributes.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Expr, Type};

use super::{Auth, Spec};
use crate::args::{ArgValue, Args, expr_ident, expr_path, expr_str, span_of};
use crate::diag::{Diag, suggestion};
use crate::kw::{BODY_KINDS, ENDPOINT_KEYS, METHODS, RENAME_RULES};

pub fn spec(diag: &mut Diag, tokens: TokenStream) -> Spec {
    let mut s = Spec::default();
    let args = match syn::parse2::<Args>(tokens.clone()) {
        Ok(a) => a,
        Err(e) => {
            // A syntax error: the keys after it are unknown, so none is reported missing.
            diag.push(e);
            return s;
        }
    };
    let mut misspelt: Vec<&str> = Vec::new();
    for arg in args.0 {
        let key = arg.name();
        match (key.as_str(), arg.value) {
            (m, ArgValue::Route(lit)) if METHODS.contains(&m) => {
                if s.method.is_some() {
                    diag.error(
                        arg.key.span(),
                        "an endpoint has one method and path; remove the second",
                    );
                }
                s.method = Some(arg.key.clone());
                s.path = Some(lit);
            }
            (m, ArgValue::Route(lit)) => {
                diag.error(
                    arg.key.span(),
                    format!(
                        "unknown HTTP method `{m}`{}; write one of {}",
                        suggestion(m, METHODS.iter().copied()),
                        METHODS.join(", ")
                    ),
                );
                // Keep the path so that its fields are still checked against it.
                s.path = Some(lit);
            }
            ("name", ArgValue::Value(e)) => match expr_ident(&e) {
                Some(i) => s.name = Some(i.clone()),
                None => diag.error(
                    span_of(&e),
                    "expected the endpoint's name as an identifier: `name = create_token`",
                ),
            },
            ("provider", ArgValue::Value(e)) => match expr_path(&e) {
                Some(p) => s.provider = Some(p.clone()),
                None => diag.error(
                    span_of(&e),
                    "expected the provider's client type: `provider = super::Client`",
                ),
            },
            ("auth", ArgValue::Value(e)) => match expr_ident(&e) {
                Some(i) if i == "none" => s.auth = Some(Auth::None),
                Some(i) => s.auth = Some(Auth::Scheme(i.clone())),
                None => diag.error(
                    span_of(&e),
                    "expected `auth = none` or the name of one of the provider's schemes: `auth = token`",
                ),
            },
            ("idempotent", ArgValue::Flag) => s.idempotent = Some(true),
            ("idempotent", ArgValue::Value(e)) => match &e {
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Bool(b),
                    ..
                }) => s.idempotent = Some(b.value),
                _ => diag.error(
                    span_of(&e),
                    "expected `idempotent` or `idempotent = false`",
                ),
            },
            ("issuer", ArgValue::Flag) => s.issuer = true,
            ("client_method", ArgValue::Flag) => s.client_method = Some(arg.key.clone()),
            ("error", ArgValue::Value(e)) => match syn::parse2::<Type>(quote!(#e)) {
                Ok(t) => s.error = Some(t),
                Err(_) => diag.error(
                    span_of(&e),
                    "expected an error body type: `error = ErrorBody`",
                ),
            },
            ("rename_all", ArgValue::Value(e)) => s.rename_all = rename_rule(diag, &e),
            ("body", ArgValue::Value(e)) => match expr_ident(&e) {
                Some(i) if i == "form" => s.form = Some(arg.key.clone()),
                Some(i) if i == "json" => {}
                Some(i) => diag.error(
                    i.span(),
                    format!(
                        "unknown body kind `{i}`{}; write `body = json` (the default) or `body = form` (application/x-www-form-urlencoded)",
                        suggestion(&i.to_string(), BODY_KINDS.iter().copied())
                    ),
                ),
                None => diag.error(span_of(&e), "expected `body = json` or `body = form`"),
            },
            ("fixed", ArgValue::List(t)) => match crate::args::parse_list::<syn::MetaNameValue>(t) {
                Ok(list) => {
                    for nv in list {
                        match (nv.path.get_ident(), expr_str(&nv.value)) {
                            (Some(i), Some(v)) => s.fixed.push((i.clone(), v.clone())),
                            _ => diag.error_on(
                                &nv,
                                "expected `name = \"value\"`, e.g. `fixed(grant_type = \"client_credentials\")`",
                            ),
                        }
                    }
                }
                Err(e) => diag.push(e),
            },
            ("crate", ArgValue::Value(e)) => match expr_path(&e) {
                Some(p) => s.krate = Some(p.clone()),
                None => diag.error(span_of(&e), "expected a path: `crate = ::auth_sdk`"),
            },
            (k, _) if ENDPOINT_KEYS.contains(&k) => diag.error(
                arg.key.span(),
                format!("wrong form for `{k}`; {}", key_help(k)),
            ),
            (k, _) if METHODS.contains(&k) => diag.error(
                arg.key.span(),
                format!("`{k}` needs its path: `{k} \"/path/{{param}}\"`"),
            ),
            (k, _) => {
                let all = ENDPOINT_KEYS.iter().chain(METHODS).copied();
                // A misspelt required key is not reported missing as well.
                misspelt.extend(crate::diag::did_you_mean(k, all.clone()));
                diag.error(
                    arg.key.span(),
                    format!(
                        "unknown endpoint key `{k}`{}; the keys are {} and a method with its path (`GET \"/path\"`)",
                        suggestion(k, all),
                        ENDPOINT_KEYS.join(", ")
                    ),
                )
            }
        }
    }
    let at = Span::call_site();
    let spelt = |k: &str| misspelt.contains(&k);
    if s.name.is_none() && !spelt("name") {
        diag.error_on_tokens(
            &tokens,
            at,
            "this endpoint has no name: add `name = my_call` (its name in errors, traces and the client method)",
        );
    }
    if s.provider.is_none() && !spelt("provider") {
        diag.error_on_tokens(
            &tokens,
            at,
            "this endpoint has no provider: add `provider = Path` naming the provider's client type, e.g. `provider = super::Client`",
        );
    }
    if s.path.is_none() {
        diag.error_on_tokens(
            &tokens,
            at,
            "this endpoint has no method and path: add one, e.g. `GET \"/user/keys/{key}\"`",
        );
    }
    if s.auth.is_none() && !spelt("auth") {
        diag.error_on_tokens(
            &tokens,
            at,
            "this endpoint does not say how it authenticates: add `auth = none` or `auth = <scheme>` (one of the provider's schemes)",
        );
    }
    s
}

/// `rename_all = "camelCase"`.
pub fn rename_rule(diag: &mut Diag, e: &Expr) -> Option<String> {
    match expr_str(e) {
        Some(l) if RENAME_RULES.contains(&l.value().as_str()) => Some(l.value()),
        Some(l) => {
            diag.error(
                l.span(),
                format!(
                    "unknown rename rule \"{}\"{}; use one of {}",
                    l.value(),
                    suggestion(&l.value(), RENAME_RULES.iter().copied()),
                    RENAME_RULES.join(", ")
                ),
            );
            None
        }
        None => {
            diag.error(
                span_of(e),
                "expected a rule as a string: `rename_all = \"camelCase\"`",
            );
            None
        }
    }
}

fn key_help(k: &str) -> &'static str {
    match k {
        "idempotent" | "issuer" | "client_method" => "it is a flag: write it alone",
        "name" => "write `name = create_token`",
        "provider" => "write `provider = super::Client`",
        "auth" => "write `auth = none` or `auth = scheme_name`",
        "error" => "write `error = ErrorBody`",
        "rename_all" => "write `rename_all = \"camelCase\"`",
        "body" => "write `body = form` or `body = json`",
        "fixed" => "write `fixed(grant_type = \"client_credentials\")`",
        _ => "write `key = value`",
    }
}
