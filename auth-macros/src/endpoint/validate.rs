//! Checks that span several parts of an endpoint spec: placeholders against path fields,
//! duplicate headers, secrets in URLs, header groups. Every rule pushes into [`Diag`] and
//! goes on.

use syn::LitStr;

use super::{Field, Role, Spec};
use crate::diag::Diag;
use crate::path_template::{self, Piece};
use crate::util::{is_named, is_secret_ty};

pub fn validate(diag: &mut Diag, spec: &Spec, fields: &[Field]) -> Vec<Piece> {
    let pieces = template(diag, spec);
    path_fields(diag, spec, fields, &pieces);
    headers(diag, fields);
    client_method_on_foreign_provider(diag, spec);
    unique_wire_names(diag, fields);
    body_settings(diag, spec, fields);
    secrets_in_urls(diag, fields);
    pieces
}

/// The template parses.
fn template(diag: &mut Diag, spec: &Spec) -> Vec<Piece> {
    let Some(lit) = &spec.path else {
        return Vec::new();
    };
    let (pieces, errors) = path_template::parse(&lit.value());
    for e in errors {
        diag.error(path_template::span(lit, &e.range), e.message);
    }
    pieces
}

fn params(pieces: &[Piece]) -> impl Iterator<Item = &str> {
    pieces.iter().filter_map(|p| match p {
        Piece::Param(n) => Some(n.as_str()),
        Piece::Literal(_) => None,
    })
}

/// Placeholders and `#[path]` fields match one to one; path fields are required.
fn path_fields(diag: &mut Diag, spec: &Spec, fields: &[Field], pieces: &[Piece]) {
    let path: Vec<&Field> = fields
        .iter()
        .filter(|f| matches!(f.role, Role::Path { .. }))
        .collect();
    for f in &path {
        if f.optional() {
            diag.error_on(
                &f.ty,
                format!(
                    "path field `{}` cannot be optional (a path has no empty segment); type it without `Option`, or make it a #[query]",
                    f.ident
                ),
            );
        }
    }
    let Some(lit) = &spec.path else { return };
    let t = lit.value();
    let mut placeholders: Vec<&str> = params(pieces)
        .filter(|p| !path.iter().any(|f| f.ident == p))
        .collect();
    let mut unused: Vec<&Field> = path
        .iter()
        .copied()
        .filter(|f| !params(pieces).any(|p| f.ident == p))
        .collect();
    // A placeholder and a path field that differ by a typo (or are the only two left) are
    // one mistake: report it once, on the field.
    placeholders.retain(|p| {
        let names: Vec<String> = unused.iter().map(|f| f.ident.to_string()).collect();
        let pick = crate::diag::did_you_mean(p, names.iter().map(String::as_str))
            .map(str::to_owned)
            .or_else(|| (names.len() == 1 && params(pieces).count() >= 1).then(|| names[0].clone()))
            .filter(|_| !fields.iter().any(|f| f.ident == *p));
        let Some(name) = pick else { return true };
        let Some(at) = unused.iter().position(|f| f.ident == name) else {
            return true;
        };
        let f = unused.remove(at);
        diag.error(
            f.ident.span(),
            format!(
                "the #[path] field `{name}` does not match the placeholder `{{{p}}}` of \"{t}\"; rename the field to `{p}`, or write `{{{name}}}` in the path"
            ),
        );
        false
    });
    for p in placeholders {
        let range = t
            .find(&format!("{{{p}}}"))
            .map(|s| s..s + p.len() + 2)
            .unwrap_or(0..t.len());
        let hint = match fields.iter().find(|f| f.ident == p) {
            Some(f) => format!(
                "mark the field `{}` with #[path] instead of its current role",
                f.ident
            ),
            None => format!("add a field `#[path] pub {p}: String` to the request"),
        };
        diag.error(
            path_template::span(lit, &range),
            format!("placeholder `{{{p}}}` in \"{t}\" has no #[path] field; {hint}"),
        );
    }
    for f in unused {
        diag.error(
            f.ident.span(),
            format!(
                "`{0}` is a #[path] field but the template \"{t}\" has no `{{{0}}}`; add `{{{0}}}` to the path, or make `{0}` a #[query] field",
                f.ident
            ),
        );
    }
}

/// Header names are unique, `authorization` holds a secret, at most one header group.
fn headers(diag: &mut Diag, fields: &[Field]) {
    let mut seen: Vec<(&str, &Field)> = Vec::new();
    let mut group: Option<&Field> = None;
    for f in fields {
        match &f.role {
            Role::Header { name, lit } => {
                let span = lit
                    .as_ref()
                    .map(LitStr::span)
                    .unwrap_or_else(|| f.ident.span());
                if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
                    diag.error(
                        span,
                        format!(
                            "header `{name}` is declared twice (first by `{}`); each header has one field: remove one, or rename it",
                            first.ident
                        ),
                    );
                } else {
                    seen.push((name, f));
                }
                let inner = f.inner.as_ref().unwrap_or(&f.ty);
                if name == "authorization" && !is_named(inner, "Secret") {
                    diag.error_on(
                        &f.ty,
                        format!("the `authorization` header carries a credential: type `{}` as `Secret`", f.ident),
                    );
                }
            }
            Role::Headers => {
                if let Some(first) = group {
                    diag.error(
                        f.role_span,
                        format!(
                            "only one #[headers] group per request (`{}` is one already); merge the groups into one #[header_group] enum",
                            first.ident
                        ),
                    );
                } else {
                    group = Some(f);
                }
                if f.optional() {
                    diag.error_on(
                        &f.ty,
                        "a #[headers] group is required; give the enum a variant without headers instead of using `Option`",
                    );
                }
            }
            _ => {}
        }
    }
}

/// `client_method` adds an inherent method to the provider's client, which only the crate
/// declaring the provider may do: for this SDK's own providers (a path through `auth_sdk`),
/// say so rather than leave rustc's orphan-rule error on generated code.
fn client_method_on_foreign_provider(diag: &mut Diag, spec: &Spec) {
    let (Some(flag), Some(provider)) = (&spec.client_method, &spec.provider) else {
        return;
    };
    if declared_in_auth_sdk(provider) {
        let name = spec
            .name
            .as_ref()
            .map_or_else(|| "this endpoint".to_owned(), |n| format!("`{n}`"));
        diag.error(
            flag.span(),
            format!(
                "`client_method` adds a method to the provider's client, which only the crate declaring the provider can do, and `{}` is declared in auth-sdk; remove `client_method` and call {name} with `client.send(Request {{ .. }})`",
                quote::quote!(#provider).to_string().replace(' ', "")
            ),
        );
    }
}

/// `body = form` and `fixed(..)` need a method that sends a body, and a fixed member is not
/// also a field.
fn body_settings(diag: &mut Diag, spec: &Spec, fields: &[Field]) {
    if !spec.has_body() {
        let method = spec
            .method
            .as_ref()
            .map_or_else(|| "this method".to_owned(), |m| format!("a {m} request"));
        if let Some(k) = &spec.form {
            diag.error(
                k.span(),
                format!("{method} has no body, so no `body = form`; remove it, or use POST, PUT or PATCH"),
            );
        }
        if let Some((first, _)) = spec.fixed.first() {
            diag.error(
                first.span(),
                format!("{method} has no body for `fixed(..)` members; remove them, or send the values as #[query] fields"),
            );
        }
        return;
    }
    for (n, (name, _)) in spec.fixed.iter().enumerate() {
        let wire = name.to_string();
        if spec.fixed[..n].iter().any(|(earlier, _)| *earlier == *name) {
            diag.error(
                name.span(),
                format!("`{wire}` is fixed twice; keep one value"),
            );
        } else if let Some(f) = fields
            .iter()
            .find(|f| matches!(&f.role, Role::Body { name } if *name == wire))
        {
            diag.error(
                name.span(),
                format!(
                    "`{wire}` is both fixed and the body member of field `{}`; a fixed value is never the caller's: remove the field, or the fixed value",
                    f.ident
                ),
            );
        }
    }
}

/// Whether `provider` is one of this SDK's own clients (named through `auth_sdk`).
pub fn declared_in_auth_sdk(provider: &syn::Path) -> bool {
    provider
        .segments
        .first()
        .is_some_and(|first| first.ident == "auth_sdk")
}

/// Each query parameter and each body member has one field: two fields with one wire name
/// would send the name twice.
fn unique_wire_names(diag: &mut Diag, fields: &[Field]) {
    let mut seen: Vec<(&str, &str, &Field)> = Vec::new();
    for f in fields {
        let (kind, name) = match &f.role {
            Role::Query { name } => ("query parameter", name.as_str()),
            Role::Body { name } => ("body member", name.as_str()),
            _ => continue,
        };
        if let Some((_, _, first)) = seen.iter().find(|(k, n, _)| *k == kind && *n == name) {
            diag.error(
                f.role_span,
                format!(
                    "{kind} `{name}` is declared twice (first by `{}`); each {kind} has one field: remove one, or give it another name with `rename = \"...\"`",
                    first.ident
                ),
            );
        } else {
            seen.push((kind, name, f));
        }
    }
}

/// Secrets never go in URLs (they end up in logs and proxies).
fn secrets_in_urls(diag: &mut Diag, fields: &[Field]) {
    for f in fields {
        let place = match f.role {
            Role::Path { .. } => "path",
            Role::Query { .. } => "query",
            _ => continue,
        };
        if is_secret_ty(&f.ty) {
            diag.error_on(
                &f.ty,
                format!(
                    "secrets never go in URLs (they end up in logs): send `{}` in a #[header(\"...\")] or the #[body] instead of the {place}",
                    f.ident
                ),
            );
        }
    }
}
