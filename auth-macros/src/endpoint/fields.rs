//! Parsing of a request struct's fields: their roles (`#[path]`, `#[query]`, `#[header]`,
//! `#[headers]`, `#[body]`), wire names and charsets.

use proc_macro2::Span;
use quote::quote;
use syn::{Ident, ItemStruct, LitStr};

use super::{Field, Role, Spec};
use crate::diag::{Diag, suggestion};
use crate::kw::{BUILTIN_ATTRS, FIELD_ROLES};
use crate::util::{builtin_attrs, docs, option_inner, rename, valid_header_name};

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
