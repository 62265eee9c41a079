//! `#[response(...)]` on a response struct: success statuses, JSON and header fields, and
//! (for token issuers) which field holds the token and where its lifetime comes from.

mod expand;
mod field_path;

use field_path::{FieldPath, field_path};

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Attribute, Expr, Ident, ItemStruct, LitStr, Type};

use crate::args::{ArgValue, Args, expr_path, expr_str, span_of};
use crate::diag::{Diag, did_you_mean, suggestion};
use crate::kw::{BUILTIN_ATTRS, RESPONSE_FIELD_ATTRS, RESPONSE_KEYS};
use crate::util::{builtin_attrs, docs, is_named, valid_header_name};

pub enum Kind {
    Json(Vec<Attribute>),
    Header(String),
    /// The whole body: JSON, or with `#[body(text)]` / `#[body(bytes)]` as received.
    Body(BodyAs),
}

/// How a `#[body]` field takes the body.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum BodyAs {
    Json,
    Text,
    Bytes,
}

pub struct Field {
    pub ident: Ident,
    pub ty: Type,
    pub kind: Kind,
    /// The `#[header]`/`#[body]` attribute, or the field's name.
    pub kind_span: Span,
    pub docs: Vec<Attribute>,
    pub keep: Vec<Attribute>,
}

pub enum Life {
    In(FieldPath),
    At(FieldPath),
    Jwt,
}

#[derive(Default)]
pub struct Spec {
    pub statuses: Vec<u16>,
    pub token: Option<FieldPath>,
    pub life: Option<(Life, Span)>,
    pub max_lifetime: Option<(u64, Span)>,
    pub rename_all: Option<LitStr>,
    pub krate: Option<syn::Path>,
    /// The token field exists and is a `Secret`.
    pub token_ok: bool,
    /// The lifetime field (if any) exists.
    pub life_ok: bool,
}

pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut diag = Diag::new();
    let item: ItemStruct = match syn::parse2(item) {
        Ok(i) => i,
        Err(e) => {
            diag.push(e);
            return diag.finish();
        }
    };
    if let Some(refused) = crate::util::refuse_generics(&mut diag, &item, "response") {
        return refused;
    }
    let mut spec = spec(&mut diag, args, &item.ident);
    let fields = fields(&mut diag, &item);
    validate(&mut diag, &mut spec, &fields);
    let errors = diag.finish();
    let stub = !errors.is_empty();
    let items = expand::generate(&item, &spec, &fields, stub);
    quote!(#errors #items)
}

fn spec(diag: &mut Diag, tokens: TokenStream, ident: &Ident) -> Spec {
    let mut s = Spec::default();
    let (status_lits, rest) = split_statuses(tokens.clone());
    let args: Args = match syn::parse2(rest) {
        Ok(a) => a,
        Err(e) => {
            diag.push(e);
            Args(Vec::new())
        }
    };
    for arg in args.0 {
        let key = arg.name();
        let kspan = arg.key.span();
        match (key.as_str(), arg.value) {
            ("token", ArgValue::Value(e)) => {
                s.token = field_path(diag, &e, "token = field` or `token = data.token")
            }
            ("expires_in", ArgValue::Value(e)) => {
                s.life = field_path(diag, &e, "expires_in = field")
                    .map(|i| (Life::In(i), kspan))
            }
            ("expires_at", ArgValue::Value(e)) => {
                s.life = field_path(diag, &e, "expires_at = field")
                    .map(|i| (Life::At(i), kspan))
            }
            ("jwt_exp", ArgValue::Flag) => s.life = Some((Life::Jwt, kspan)),
            ("max_lifetime", ArgValue::Value(e)) => match &e {
                Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. }) => match i.base10_parse::<u64>() {
                    Ok(v) if v > 0 => s.max_lifetime = Some((v, kspan)),
                    _ => diag.error(i.span(), "`max_lifetime` is a positive number of seconds, e.g. `max_lifetime = 1800`"),
                },
                _ => diag.error(span_of(&e), "expected seconds: `max_lifetime = 1800`"),
            },
            ("rename_all", ArgValue::Value(e)) => {
                s.rename_all = crate::endpoint::rename_rule(diag, &e).and_then(|_| expr_str(&e).cloned())
            }
            ("crate", ArgValue::Value(e)) => match expr_path(&e) {
                Some(p) => s.krate = Some(p.clone()),
                None => diag.error(span_of(&e), "expected a path: `crate = ::auth_sdk`"),
            },
            (k, _) if RESPONSE_KEYS.contains(&k) => diag.error(
                kspan,
                if k == "jwt_exp" {
                    "`jwt_exp` is a flag: write it alone".to_owned()
                } else if k == "max_lifetime" {
                    "write `max_lifetime = 1800` (seconds)".to_owned()
                } else if k == "rename_all" {
                    "write `rename_all = \"camelCase\"`".to_owned()
                } else {
                    format!("wrong form for `{k}`; write `{k} = field`")
                },
            ),
            (k, _) => diag.error(
                kspan,
                format!(
                    "unknown response key `{k}`{}; the keys are the success statuses (`200`), {}",
                    suggestion(k, RESPONSE_KEYS.iter().copied()),
                    RESPONSE_KEYS.join(", ")
                ),
            ),
        }
    }
    for l in &status_lits {
        match l.base10_parse::<u16>() {
            Ok(v) if (200..300).contains(&v) => s.statuses.push(v),
            _ => diag.error(
                l.span(),
                format!(
                    "`{l}` is not a success status: a response declares its 2xx statuses, e.g. 200, 201 or 204 (errors decode into the provider's error body)"
                ),
            ),
        }
    }
    if status_lits.is_empty() {
        let msg = format!(
            "`{ident}` needs its success status(es) first: write `#[response(200)]` (or the 2xx statuses the call answers with, e.g. `#[response(200, 201)]`)"
        );
        if tokens.is_empty() {
            diag.error(ident.span(), msg);
        } else {
            diag.error_on(&tokens, msg);
        }
    }
    s
}

/// Splits the bare status codes (`200, 201, ...`) from the keyed arguments.
fn split_statuses(args: TokenStream) -> (Vec<syn::LitInt>, TokenStream) {
    let mut statuses = Vec::new();
    let mut rest = TokenStream::new();
    let mut group: Vec<proc_macro2::TokenTree> = Vec::new();
    let flush = |group: &mut Vec<proc_macro2::TokenTree>,
                 statuses: &mut Vec<syn::LitInt>,
                 rest: &mut TokenStream| {
        if group.is_empty() {
            return;
        }
        let ts: TokenStream = group.drain(..).collect();
        match syn::parse2::<syn::LitInt>(ts.clone()) {
            Ok(l) => statuses.push(l),
            Err(_) => {
                if !rest.is_empty() {
                    rest.extend(quote!(,));
                }
                rest.extend(ts);
            }
        }
    };
    for tt in args {
        match &tt {
            proc_macro2::TokenTree::Punct(p) if p.as_char() == ',' => {
                flush(&mut group, &mut statuses, &mut rest)
            }
            _ => group.push(tt),
        }
    }
    flush(&mut group, &mut statuses, &mut rest);
    (statuses, rest)
}

fn fields(diag: &mut Diag, item: &ItemStruct) -> Vec<Field> {
    let named = match &item.fields {
        syn::Fields::Named(n) => n.named.iter().collect::<Vec<_>>(),
        syn::Fields::Unit => Vec::new(),
        syn::Fields::Unnamed(u) => {
            diag.error_on(
                u,
                "response fields need names: `pub struct Response { pub id: String }`",
            );
            Vec::new()
        }
    };
    let mut out = Vec::new();
    for f in named {
        let Some(ident) = f.ident.clone() else {
            continue;
        };
        let mut kind: Option<(Kind, Span)> = None;
        let mut serde_attrs = Vec::new();
        for attr in &f.attrs {
            let Some(a) = attr.path().get_ident().map(|i| i.to_string()) else {
                continue;
            };
            let span = syn::spanned::Spanned::span(attr.path());
            match a.as_str() {
                "header" => match attr.parse_args::<LitStr>() {
                    Ok(l) if valid_header_name(&l.value()) => {
                        kind = Some((Kind::Header(l.value().to_ascii_lowercase()), span))
                    }
                    Ok(l) => diag.error(
                        l.span(),
                        format!(
                            "\"{}\" is not a valid header name; use letters, digits and `-`, e.g. \"{}\"",
                            l.value(),
                            crate::endpoint::suggest_header(&l.value())
                        ),
                    ),
                    Err(_) => diag.error_on(attr, "write the header's wire name: `#[header(\"page-total\")]`"),
                },
                "body" => match &attr.meta {
                    syn::Meta::Path(_) => kind = Some((Kind::Body(BodyAs::Json), span)),
                    _ => match attr.parse_args::<Ident>() {
                        Ok(i) if i == "text" => kind = Some((Kind::Body(BodyAs::Text), span)),
                        Ok(i) if i == "bytes" => kind = Some((Kind::Body(BodyAs::Bytes), span)),
                        Ok(i) => diag.error(
                            i.span(),
                            format!(
                                "unknown body form `{i}`{}; write #[body] (JSON), #[body(text)] (a `String`) or #[body(bytes)] (`Vec<u8>` or `Bytes`)",
                                suggestion(&i.to_string(), ["text", "bytes"].into_iter())
                            ),
                        ),
                        Err(_) => diag.error_on(attr, "write #[body], #[body(text)] or #[body(bytes)]"),
                    },
                },
                "serde" => serde_attrs.push(attr.clone()),
                "secret" => {
                    if !crate::util::is_secret_ty(&f.ty) {
                        diag.error_on(&f.ty, format!("`{ident}` is marked #[secret]; type it `Secret` (or `Option<Secret>`)"));
                    }
                }
                b if BUILTIN_ATTRS.contains(&b) => {}
                other => diag.error(
                    span,
                    format!(
                        "unknown response field attribute `{other}`{}; use #[header(\"name\")], #[body], #[secret] or #[serde(..)]",
                        suggestion(other, RESPONSE_FIELD_ATTRS.iter().copied())
                    ),
                ),
            }
        }
        let (kind, kind_span) = kind.unwrap_or((Kind::Json(serde_attrs), ident.span()));
        out.push(Field {
            ident,
            ty: f.ty.clone(),
            kind,
            kind_span,
            docs: docs(&f.attrs),
            keep: builtin_attrs(&f.attrs),
        });
    }
    out
}

fn validate(diag: &mut Diag, spec: &mut Spec, fields: &[Field]) {
    let names: Vec<String> = fields.iter().map(|f| f.ident.to_string()).collect();
    let find = |diag: &mut Diag, i: &Ident, key: &str, example: &str| -> Option<usize> {
        let pos = fields.iter().position(|f| f.ident == *i);
        if pos.is_none() {
            let fix = match did_you_mean(&i.to_string(), names.iter().map(String::as_str)) {
                Some(n) => format!("did you mean `{key} = {n}`?"),
                None if names.is_empty() => format!("add the field, e.g. `{example}`"),
                None => format!(
                    "name one of its fields ({}), or add the field",
                    names.join(", ")
                ),
            };
            diag.error(
                i.span(),
                format!("`{key} = {i}`: this response has no field `{i}`; {fix}"),
            );
        }
        pos
    };
    if let Some(path) = &spec.token
        && let t = path.first()
        && let Some(p) = find(diag, t, "token", &format!("pub {t}: Secret"))
    {
        // A nested token's type is checked by the generated code (`IsSecret`).
        if !path.is_own_field() || is_named(&fields[p].ty, "Secret") {
            spec.token_ok = true;
        } else {
            diag.error_on(
                &fields[p].ty,
                format!("the token field `{t}` must be typed `Secret`, so the token is redacted and zeroized: write `pub {t}: Secret`"),
            );
        }
    }
    spec.life_ok = match &spec.life {
        Some((Life::In(p), _)) => {
            let i = p.first();
            find(diag, i, "expires_in", &format!("pub {i}: u64")).is_some()
        }
        Some((Life::At(p), _)) => {
            let i = p.first();
            find(diag, i, "expires_at", &format!("pub {i}: Timestamp")).is_some()
        }
        _ => true,
    };
    if spec.token.is_none() {
        if let Some((_, span)) = &spec.life {
            diag.error(*span, "a lifetime only makes sense for a token issuer: add `token = field` naming the `Secret` field that holds the token");
        }
        if let Some((_, span)) = &spec.max_lifetime {
            diag.error(*span, "`max_lifetime` caps a token's lifetime: add `token = field` naming the `Secret` field that holds the token");
        }
    }
    let mut body: Option<&Field> = None;
    for f in fields.iter().filter(|f| matches!(f.kind, Kind::Body(_))) {
        match body {
            Some(first) => diag.error(
                f.kind_span,
                format!("only one #[body] field receives the whole body, and `{}` already does; remove this #[body]", first.ident),
            ),
            None => body = Some(f),
        }
    }
    if let Some(b) = body {
        for f in fields.iter().filter(|f| matches!(f.kind, Kind::Json(_))) {
            diag.error(
                f.ident.span(),
                format!(
                    "`{}` is a JSON member but `{}` is a #[body] field that takes the whole body; make `{}` a #[header(\"..\")] or move it into the body type",
                    f.ident, b.ident, f.ident
                ),
            );
        }
    }
}
