//! `scheme(name = kind(source))` and `envelope(..)` arguments of `#[provider]`, and the
//! checks that tie schemes to the provider's credentials.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Expr;

use super::{Credential, Envelope, Kind, SchemeDecl, Source};
use crate::args::{expr_ident, expr_path, expr_str, parse_list};
use crate::diag::{Diag, suggestion};
use crate::kw::{ENVELOPE_KEYS, RESERVED_SCHEMES, SCHEME_KINDS};
use crate::util::{is_named, valid_header_name};

pub fn envelope(diag: &mut Diag, tokens: TokenStream, span: Span) -> Option<Envelope> {
    let list = match parse_list::<syn::MetaNameValue>(tokens) {
        Ok(l) => l,
        Err(e) => {
            diag.push(e);
            return None;
        }
    };
    let (mut code, mut success, mut reauth) = (None, None, Vec::new());
    let (mut bad_code, mut bad_success) = (false, false);
    for nv in list {
        let key = nv
            .path
            .get_ident()
            .map(|i| i.to_string())
            .unwrap_or_default();
        match key.as_str() {
            "code" => match expr_str(&nv.value) {
                Some(l) => code = Some(l.clone()),
                None => {
                    bad_code = true;
                    diag.error_on(
                        &nv.value,
                        "expected the code field's name as a string: `code = \"code\"`",
                    )
                }
            },
            "success" => match &nv.value {
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(i),
                    ..
                }) => success = Some(i.clone()),
                other => {
                    bad_success = true;
                    diag.error_on(other, "expected an integer: `success = 1000`")
                }
            },
            "reauth" => match &nv.value {
                Expr::Array(a) => {
                    for e in &a.elems {
                        match e {
                            Expr::Lit(syn::ExprLit {
                                lit: syn::Lit::Int(i),
                                ..
                            }) => reauth.push(i.clone()),
                            other => diag.error_on(other, "expected an integer code, e.g. `1101`"),
                        }
                    }
                }
                other => diag.error_on(other, "expected a list of codes: `reauth = [1101]`"),
            },
            other => diag.error_on(
                &nv.path,
                format!(
                    "unknown envelope key `{other}`{}; the keys are code, success, reauth",
                    suggestion(other, ENVELOPE_KEYS.iter().copied())
                ),
            ),
        }
    }
    match (code, success) {
        (Some(code), Some(success)) => Some(Envelope {
            code,
            success,
            reauth,
        }),
        (c, s) => {
            let mut missing = Vec::new();
            if c.is_none() && !bad_code {
                missing.push("`code = \"field\"` (the body member holding the code)");
            }
            if s.is_none() && !bad_success {
                missing.push("`success = <value>` (the code of a success)");
            }
            if !missing.is_empty() {
                diag.error(
                    span,
                    format!(
                        "this envelope needs {}; e.g. `envelope(code = \"code\", success = 1000)`",
                        missing.join(" and ")
                    ),
                );
            }
            None
        }
    }
}

pub fn scheme(diag: &mut Diag, nv: &syn::MetaNameValue) -> Option<SchemeDecl> {
    let Some(name) = nv.path.get_ident().cloned() else {
        diag.error_on(
            &nv.path,
            "a scheme name is a single identifier: `scheme(token = bearer(issued(create_token)))`",
        );
        return None;
    };
    if RESERVED_SCHEMES.contains(&name.to_string().as_str()) {
        diag.error(
            name.span(),
            format!(
                "`{name}` is reserved (`auth = none` means no auth); choose another scheme name"
            ),
        );
        return None;
    }
    let kind = kind(diag, &nv.value);
    Some(SchemeDecl {
        name,
        kind,
        ok: false,
    })
}

fn kind(diag: &mut Diag, value: &Expr) -> Option<Kind> {
    let Expr::Call(call) = value else {
        diag.error_on(value, "expected a scheme kind: `bearer(..)`, `authorization(..)`, `header(\"name\", ..)`, `query(\"name\", ..)`, `basic(user, password)` or `any(..)`");
        return None;
    };
    let Some(func) = expr_ident(&call.func) else {
        diag.error_on(
            &call.func,
            "expected a scheme kind: bearer, authorization, header, query, basic or any",
        );
        return None;
    };
    let args: Vec<&Expr> = call.args.iter().collect();
    match func.to_string().as_str() {
        "bearer" | "authorization" => {
            let placement = if func == "bearer" {
                quote!(Bearer)
            } else {
                quote!(Authorization)
            };
            if args.len() != 1 {
                diag.error(
                    func.span(),
                    format!("`{func}` takes one source: a credential name or `issued(endpoint)`, e.g. `{func}(api_key)`"),
                );
                return None;
            }
            Some(Kind::Placed {
                placement,
                source: source(diag, args[0])?,
            })
        }
        "header" => {
            let (Some(lit), 2) = (args.first().and_then(|e| expr_str(e)), args.len()) else {
                diag.error(func.span(), "write `header(\"x-api-key\", credential)` or `header(\"name\", issued(endpoint))`");
                return None;
            };
            let hn = lit.value();
            if !valid_header_name(&hn) {
                diag.error(
                    lit.span(),
                    format!("\"{hn}\" is not a valid header name; use letters, digits and `-`, e.g. \"{}\"", crate::endpoint::suggest_header(&hn)),
                );
                return None;
            }
            let lower = hn.to_ascii_lowercase();
            Some(Kind::Placed {
                placement: quote!(Header(#lower)),
                source: source(diag, args[1])?,
            })
        }
        kind @ ("basic" | "client_secret_basic") => match (
            args.as_slice(),
            args.iter()
                .map(|a| expr_ident(a))
                .collect::<Vec<_>>()
                .as_slice(),
        ) {
            (_, [Some(user), Some(password)]) => Some(Kind::Basic {
                user: (*user).clone(),
                password: (*password).clone(),
                form_encoded: kind == "client_secret_basic",
            }),
            _ => {
                diag.error(
                    func.span(),
                    format!("`{kind}` takes two credential names, the user id and the password: `{kind}(client_id, client_secret)`"),
                );
                None
            }
        },
        "query" => {
            let (Some(lit), 2) = (args.first().and_then(|e| expr_str(e)), args.len()) else {
                diag.error(func.span(), "write `query(\"api_key\", credential)`");
                return None;
            };
            let name = lit.value();
            if name.is_empty()
                || name
                    .bytes()
                    .any(|b| matches!(b, b'&' | b'=' | b'#' | b'?' | b' ') || b.is_ascii_control())
            {
                diag.error(
                    lit.span(),
                    format!("\"{name}\" is not a query parameter name: it must be non-empty, without `&`, `=`, `#`, `?`, spaces or control characters"),
                );
                return None;
            }
            let source = source(diag, args[1])?;
            if let Source::Issued(p) = &source {
                diag.error_on(
                    p,
                    "an issued token cannot go in a query parameter (URLs end up in logs and proxies); send it in a header: `bearer(issued(..))` or `header(\"name\", issued(..))`",
                );
                return None;
            }
            Some(Kind::Placed {
                placement: quote!(Query(#name)),
                source,
            })
        }
        "any" => {
            let mut alts = Vec::new();
            for a in &args {
                match expr_ident(a) {
                    Some(i) => alts.push(i.clone()),
                    None => diag.error_on(
                        *a,
                        "`any(..)` lists scheme names, e.g. `any(api_key, token)`",
                    ),
                }
            }
            if args.len() < 2 {
                diag.error(
                    func.span(),
                    "`any(..)` needs at least two scheme names, e.g. `any(api_key, token)`",
                );
            }
            Some(Kind::Any(alts))
        }
        other => {
            diag.error(
                func.span(),
                format!(
                    "unknown scheme kind `{other}`{}; the kinds are bearer, authorization, header, query, basic, client_secret_basic, any",
                    suggestion(other, SCHEME_KINDS.iter().copied())
                ),
            );
            None
        }
    }
}

fn source(diag: &mut Diag, e: &Expr) -> Option<Source> {
    if let Some(i) = expr_ident(e) {
        return Some(Source::Credential(i.clone()));
    }
    if let Expr::Call(c) = e
        && expr_ident(&c.func).is_some_and(|f| f == "issued")
        && let (Some(p), 1) = (c.args.first().and_then(expr_path), c.args.len())
    {
        return Some(Source::Issued(p.clone()));
    }
    diag.error_on(
        e,
        "expected a credential name (`api_key`) or `issued(endpoint_module)`",
    );
    None
}

/// Scheme names are unique; sources name secret credentials; `any` names plain schemes.
pub fn validate_schemes(diag: &mut Diag, schemes: &mut [SchemeDecl], creds: &[Credential]) {
    let cred_names: Vec<String> = creds.iter().map(|c| c.ident.to_string()).collect();
    let names: Vec<String> = schemes.iter().map(|s| s.name.to_string()).collect();
    let plain: Vec<bool> = schemes
        .iter()
        .map(|s| matches!(s.kind, Some(Kind::Placed { .. } | Kind::Basic { .. })))
        .collect();
    for i in 0..schemes.len() {
        let mut ok = schemes[i].kind.is_some();
        let s = &schemes[i];
        if names[..i].contains(&names[i]) {
            ok = false;
            diag.error(
                s.name.span(),
                format!(
                    "scheme `{}` is declared twice; rename or remove one",
                    s.name
                ),
            );
        }
        match &s.kind {
            Some(Kind::Placed {
                source: Source::Credential(c),
                ..
            }) => match creds.iter().find(|x| x.ident == *c) {
                None => {
                    ok = false;
                    let fix = match crate::diag::did_you_mean(
                        &c.to_string(),
                        cred_names.iter().map(String::as_str),
                    ) {
                        Some(n) => format!("did you mean `{n}`?"),
                        None => format!("declare it as a field of the provider: `{c}: Secret`"),
                    };
                    diag.error(c.span(), format!("no credential named `{c}`; {fix}"));
                }
                // A non-public credential not typed `Secret` is reported on its field.
                Some(cred) if !cred.public && !is_named(&cred.ty, "Secret") => ok = false,
                Some(cred) if cred.public || !is_named(&cred.ty, "Secret") => {
                    ok = false;
                    diag.error(
                        c.span(),
                        format!("credential `{c}` is sent by a scheme, so it must be a secret: type it `Secret` and drop `#[credential(public)]`"),
                    );
                }
                Some(_) => {}
            },
            Some(Kind::Basic { user, password, .. }) => {
                for (c, role) in [(user, "user id"), (password, "password")] {
                    match creds.iter().find(|x| x.ident == *c) {
                        None => {
                            ok = false;
                            let fix = match crate::diag::did_you_mean(
                                &c.to_string(),
                                cred_names.iter().map(String::as_str),
                            ) {
                                Some(n) => format!("did you mean `{n}`?"),
                                None => {
                                    format!("declare it as a field of the provider: `{c}: Secret`")
                                }
                            };
                            diag.error(c.span(), format!("no credential named `{c}`; {fix}"));
                        }
                        Some(cred) if !cred.public && !is_named(&cred.ty, "Secret") => ok = false,
                        Some(cred) if role == "password" && cred.public => {
                            ok = false;
                            diag.error(
                                c.span(),
                                format!("credential `{c}` is the Basic password, so it must be a secret: type it `Secret` and drop `#[credential(public)]`"),
                            );
                        }
                        Some(cred)
                            if !is_named(&cred.ty, "Secret") && !is_named(&cred.ty, "String") =>
                        {
                            ok = false;
                            diag.error(
                                c.span(),
                                format!("credential `{c}` is the Basic {role}: type it `String` (with `#[credential(public)]`) or `Secret`"),
                            );
                        }
                        Some(_) => {}
                    }
                }
            }
            Some(Kind::Placed {
                source: Source::Issued(_),
                ..
            })
            | None => {}
            Some(Kind::Any(alts)) => {
                for a in alts {
                    match names.iter().position(|n| a == n) {
                        None => {
                            ok = false;
                            diag.error(
                                a.span(),
                                format!(
                                    "no scheme named `{a}`{}; `any(..)` lists schemes declared with `scheme(name = ..)` in this provider",
                                    suggestion(&a.to_string(), names.iter().map(String::as_str))
                                ),
                            );
                        }
                        Some(p) if !plain[p] => {
                            ok = false;
                            diag.error(a.span(), "`any(..)` cannot contain another `any` scheme; list its schemes directly");
                        }
                        Some(_) => {}
                    }
                }
            }
        }
        schemes[i].ok = ok;
    }
}
