//! Parsing of `#[endpoint(..)]` arguments and of the request's field attributes.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Expr, Ident, ItemStruct, LitStr, Type};

use super::{Auth, Field, Role, Spec};
use crate::args::{ArgValue, Args, expr_ident, expr_path, expr_str, span_of};
use crate::diag::{Diag, suggestion};
use crate::kw::{BUILTIN_ATTRS, ENDPOINT_KEYS, FIELD_ROLES, METHODS, RENAME_RULES};
use crate::util::{builtin_attrs, docs, option_inner, rename, valid_header_name};

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
        _ => "write `key = value`",
    }
}

fn charset(diag: &mut Diag, lit: &LitStr) -> Vec<(char, char)> {
    let chars: Vec<char> = lit.value().chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if i + 2 < chars.len() && chars[i + 1] == '-' {
            let (a, b) = (chars[i], chars[i + 2]);
            if a > b {
                diag.error(
                    lit.span(),
                    format!("the range `{a}-{b}` in the charset is reversed; write `{b}-{a}`"),
                );
            }
            out.push((a.min(b), a.max(b)));
            i += 3;
        } else {
            out.push((chars[i], chars[i]));
            i += 1;
        }
    }
    if out.is_empty() {
        diag.error(
            lit.span(),
            "an empty charset accepts nothing; list ranges such as \"a-z0-9-\", or remove `charset`",
        );
    }
    out
}

/// `#[query]`, `#[query("wire")]`, `#[query(rename = "wire")]` (and the same for `body`).
fn wire_name(diag: &mut Diag, attr: &syn::Attribute, role: &str) -> Option<String> {
    let mut wire = None;
    match &attr.meta {
        syn::Meta::Path(_) => {}
        syn::Meta::List(l) => {
            if let Ok(lit) = syn::parse2::<LitStr>(l.tokens.clone()) {
                wire = Some(lit.value());
            } else {
                let r = attr.parse_nested_meta(|m| {
                    if m.path.is_ident("rename") {
                        let lit: LitStr = m.value()?.parse()?;
                        wire = Some(lit.value());
                        Ok(())
                    } else {
                        let k = m.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
                        Err(m.error(format!(
                            "unknown `{role}` key `{k}`{}; the only key is `rename`: `#[{role}(rename = \"wireName\")]`",
                            suggestion(&k, ["rename"])
                        )))
                    }
                });
                if let Err(e) = r {
                    diag.push(e);
                }
            }
        }
        syn::Meta::NameValue(nv) => {
            diag.error_on(nv, format!("write `#[{role}(rename = \"wireName\")]`"))
        }
    }
    wire
}

fn header_role(diag: &mut Diag, attr: &syn::Attribute, span: Span) -> Option<Role> {
    match &attr.meta {
        syn::Meta::List(l) => match syn::parse2::<LitStr>(l.tokens.clone()) {
            Ok(lit) => {
                let v = lit.value();
                if !valid_header_name(&v) {
                    diag.error(
                        lit.span(),
                        format!(
                            "\"{v}\" is not a valid header name; use letters, digits and `-`, e.g. \"{}\"",
                            suggest_header(&v)
                        ),
                    );
                }
                Some(Role::Header {
                    name: v.to_ascii_lowercase(),
                    lit: Some(lit),
                })
            }
            Err(_) => {
                diag.error_on(
                    &l.tokens,
                    "write the header's wire name as a string: `#[header(\"x-api-key\")]`",
                );
                None
            }
        },
        _ => {
            diag.error(
                span,
                "a header field needs its wire name: `#[header(\"x-api-key\")]`",
            );
            None
        }
    }
}

/// A valid header name close to `v` (spaces and underscores become `-`).
pub fn suggest_header(v: &str) -> String {
    let s: String = v
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-').to_owned();
    if s.is_empty() {
        "x-api-key".to_owned()
    } else {
        s
    }
}

pub fn fields(diag: &mut Diag, item: &ItemStruct, spec: &Spec) -> Vec<Field> {
    let has_body = spec.has_body();
    let named = match &item.fields {
        syn::Fields::Named(n) => n.named.iter().collect::<Vec<_>>(),
        syn::Fields::Unit => Vec::new(),
        syn::Fields::Unnamed(u) => {
            diag.error_on(
                u,
                "request fields need names: write `pub struct Request { pub key: String }`",
            );
            Vec::new()
        }
    };
    let mut out = Vec::new();
    for f in named {
        let Some(ident) = f.ident.clone() else {
            continue;
        };
        let mut role: Option<(Role, Span)> = None;
        let mut secret_attr = false;
        let mut misspelt = false;
        for attr in &f.attrs {
            let Some(aname) = attr.path().get_ident().map(|i| i.to_string()) else {
                continue;
            };
            let span = syn::spanned::Spanned::span(attr.path());
            let parsed: Option<Role> = match aname.as_str() {
                "path" => {
                    let mut cs = Vec::new();
                    if !matches!(attr.meta, syn::Meta::Path(_)) {
                        let r = attr.parse_nested_meta(|m| {
                            if m.path.is_ident("charset") {
                                let lit: LitStr = m.value()?.parse()?;
                                cs = charset(diag, &lit);
                                Ok(())
                            } else {
                                let k = m.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
                                Err(m.error(format!(
                                    "unknown `path` key `{k}`{}; the only key is `charset`: `#[path(charset = \"a-z0-9-\")]`",
                                    suggestion(&k, ["charset"])
                                )))
                            }
                        });
                        if let Err(e) = r {
                            diag.push(e);
                        }
                    }
                    Some(Role::Path { charset: cs })
                }
                "query" | "body" => {
                    let wire = wire_name(diag, attr, &aname);
                    let default = match spec.rename_all.as_deref() {
                        Some(rule) if aname == "body" => rename(&ident.to_string(), rule),
                        _ => ident.to_string(),
                    };
                    let name = wire.unwrap_or(default);
                    Some(if aname == "query" {
                        Role::Query { name }
                    } else {
                        Role::Body { name }
                    })
                }
                "header" => header_role(diag, attr, span),
                "headers" => Some(Role::Headers),
                "secret" => {
                    secret_attr = true;
                    None
                }
                other if BUILTIN_ATTRS.contains(&other) => None,
                other => {
                    misspelt = true;
                    diag.error(
                        span,
                        format!(
                            "unknown field attribute `{other}`{}; a request field is one of #[path], #[query], #[header(\"name\")], #[headers], #[body], and may be #[secret]",
                            suggestion(other, FIELD_ROLES.iter().copied())
                        ),
                    );
                    None
                }
            };
            if let Some(r) = parsed {
                if role.is_some() {
                    diag.error(
                        span,
                        format!("field `{ident}` has two roles; keep one of #[path], #[query], #[header(\"name\")], #[headers], #[body]"),
                    );
                } else {
                    role = Some((r, span));
                }
            }
        }
        if secret_attr && !crate::util::is_secret_ty(&f.ty) {
            let ty = &f.ty;
            let shown = quote!(#ty).to_string().replace(' ', "");
            diag.error_on(
                &f.ty,
                format!("`{ident}` is marked #[secret] but typed `{shown}`; type it `Secret` (or `Option<Secret>`) so it is redacted and zeroized"),
            );
        }
        let method = spec.method.as_ref().map(Ident::to_string);
        let (role, role_span) = match role {
            Some((Role::Body { name }, span)) if !has_body && method.is_some() => {
                let m = method.unwrap_or_default();
                diag.error(
                    span,
                    format!("a {m} request has no body; make `{ident}` a #[query] or #[header(\"...\")] field, or use POST, PUT or PATCH"),
                );
                (Role::Body { name }, span)
            }
            Some(r) => r,
            None if has_body => (
                Role::Body {
                    name: spec
                        .rename_all
                        .as_deref()
                        .map(|r| rename(&ident.to_string(), r))
                        .unwrap_or_else(|| ident.to_string()),
                },
                ident.span(),
            ),
            None => {
                // A misspelt role was reported already.
                if let Some(m) = method.filter(|_| !misspelt) {
                    diag.error(
                        ident.span(),
                        format!("field `{ident}` has no role and a {m} request has no body; mark it #[path], #[query] or #[header(\"name\")]"),
                    );
                }
                (
                    Role::Query {
                        name: ident.to_string(),
                    },
                    ident.span(),
                )
            }
        };
        out.push(Field {
            ident,
            ty: f.ty.clone(),
            inner: option_inner(&f.ty).cloned(),
            role,
            role_span,
            docs: docs(&f.attrs),
            keep: builtin_attrs(&f.attrs),
        });
    }
    out
}
