//! `#[response(...)]` on a response struct: success statuses, JSON and header fields, and
//! (for token issuers) which field holds the token and where its lifetime comes from.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::{Attribute, Expr, Ident, ItemStruct, LitStr, Type};

use crate::args::{ArgValue, Args, expr_ident, expr_path, expr_str, span_of};
use crate::diag::{Diag, suggestion};
use crate::util::{RENAME_RULES, Rt, docs, is_named, passthrough, valid_header_name};

const KEYS: &[&str] = &[
    "token",
    "expires_in",
    "expires_at",
    "jwt_exp",
    "max_lifetime",
    "rename_all",
    "crate",
];
const ROLES: &[&str] = &["header", "body", "serde", "secret"];
const BUILTIN: &[&str] = &[
    "doc",
    "allow",
    "warn",
    "deny",
    "expect",
    "cfg",
    "cfg_attr",
    "deprecated",
];

enum Kind {
    Json(Vec<Attribute>),
    Header(String),
    Body,
}

struct Field {
    ident: Ident,
    ty: Type,
    kind: Kind,
    docs: Vec<Attribute>,
    keep: Vec<Attribute>,
}

enum Life {
    In(Ident),
    At(Ident),
    Jwt,
}

pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut diag = Diag::new();
    let item: ItemStruct = match syn::parse2(item) {
        Ok(i) => i,
        Err(e) => return e.to_compile_error(),
    };
    let (status_lits, args) = split_statuses(args);
    let args: Args = match syn::parse2(args) {
        Ok(a) => a,
        Err(e) => {
            diag.push(e);
            Args(Vec::new())
        }
    };
    let mut statuses: Vec<u16> = Vec::new();
    let mut token: Option<Ident> = None;
    let mut life: Option<(Life, Span)> = None;
    let mut max_lifetime: Option<u64> = None;
    let mut rename_all: Option<LitStr> = None;
    let mut krate = None;
    for arg in args.0 {
        let key = arg.name();
        match (key.as_str(), arg.value) {
            ("token", ArgValue::Value(e)) => token = ident_or(&mut diag, &e, "token = field"),
            ("expires_in", ArgValue::Value(e)) => {
                life = ident_or(&mut diag, &e, "expires_in = field")
                    .map(|i| (Life::In(i), arg.key.span()))
            }
            ("expires_at", ArgValue::Value(e)) => {
                life = ident_or(&mut diag, &e, "expires_at = field")
                    .map(|i| (Life::At(i), arg.key.span()))
            }
            ("jwt_exp", ArgValue::Flag) => life = Some((Life::Jwt, arg.key.span())),
            ("max_lifetime", ArgValue::Value(e)) => match &e {
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(i),
                    ..
                }) => match i.base10_parse::<u64>() {
                    Ok(v) if v > 0 => max_lifetime = Some(v),
                    _ => diag.error(i.span(), "`max_lifetime` is a positive number of seconds"),
                },
                _ => diag.error(span_of(&e), "expected seconds: `max_lifetime = 1800`"),
            },
            ("rename_all", ArgValue::Value(e)) => match expr_str(&e) {
                Some(l) if RENAME_RULES.contains(&l.value().as_str()) => {
                    rename_all = Some(l.clone())
                }
                _ => diag.error(
                    span_of(&e),
                    format!("expected one of {}", RENAME_RULES.join(", ")),
                ),
            },
            ("crate", ArgValue::Value(e)) => krate = expr_path(&e).cloned(),
            (k, _) if KEYS.contains(&k) => diag.error(
                arg.key.span(),
                format!(
                    "wrong form for `{k}`; write `{k} = field`{}",
                    if k == "jwt_exp" {
                        " (it is a flag)"
                    } else {
                        ""
                    }
                ),
            ),
            (k, _) => diag.error(
                arg.key.span(),
                format!(
                    "unknown response key `{k}`{}; the keys are statuses (`200`), {}",
                    suggestion(k, KEYS.iter().copied()),
                    KEYS.join(", ")
                ),
            ),
        }
    }
    statuses.extend(read_statuses(&mut diag, &status_lits));
    let fields = parse_fields(&mut diag, &item);
    validate(&mut diag, &fields, &token, &life, max_lifetime);
    let rt = Rt::resolve(krate);
    if diag.has_errors() {
        let errors = diag.to_compile_errors();
        let (vis, ident) = (&item.vis, &item.ident);
        let d = docs(&item.attrs);
        let fdefs = fields.iter().map(|f| {
            let (i, t, d) = (&f.ident, &f.ty, &f.docs);
            quote!(#(#d)* pub #i: #t,)
        });
        return quote! {
            #errors
            #(#d)*
            #[derive(Debug, Clone)]
            #vis struct #ident { #(#fdefs)* }
            impl #rt::ResponseSpec for #ident {
                const SUCCESS: &'static [u16] = &[200];
                fn decode(_: &#rt::http::HeaderMap, _: &[u8]) -> #rt::Result<Self, #rt::DecodeFailure> {
                    ::core::unreachable!("this response's spec failed to compile")
                }
            }
        };
    }
    generate(
        &rt,
        &item,
        &statuses,
        &fields,
        token,
        life,
        max_lifetime,
        rename_all,
    )
}

fn ident_or(diag: &mut Diag, e: &Expr, example: &str) -> Option<Ident> {
    let i = expr_ident(e).cloned();
    if i.is_none() {
        diag.error(span_of(e), format!("expected a field name: `{example}`"));
    }
    i
}

/// Splits the leading bare status codes (`200, 201, ...`) from the keyed arguments.
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

fn read_statuses(diag: &mut Diag, lits: &[syn::LitInt]) -> Vec<u16> {
    let mut out = Vec::new();
    for l in lits {
        match l.base10_parse::<u16>() {
            Ok(v) if (200..300).contains(&v) => out.push(v),
            _ => diag.error(
                l.span(),
                "a success status is a 2xx code, e.g. 200, 201 or 204",
            ),
        }
    }
    if out.is_empty() {
        diag.error(
            Span::call_site(),
            "a response needs its success status(es): `#[response(200)]`",
        );
    }
    out
}

fn parse_fields(diag: &mut Diag, item: &ItemStruct) -> Vec<Field> {
    let named = match &item.fields {
        syn::Fields::Named(n) => n.named.iter().collect::<Vec<_>>(),
        syn::Fields::Unit => Vec::new(),
        syn::Fields::Unnamed(u) => {
            diag.error_on(u, "response fields need names");
            Vec::new()
        }
    };
    let mut out = Vec::new();
    for f in named {
        let Some(ident) = f.ident.clone() else {
            continue;
        };
        let mut kind: Option<Kind> = None;
        let mut serde_attrs = Vec::new();
        for attr in &f.attrs {
            let Some(a) = attr.path().get_ident().map(|i| i.to_string()) else {
                continue;
            };
            match a.as_str() {
                "header" => match attr.parse_args::<LitStr>() {
                    Ok(l) if valid_header_name(&l.value()) => kind = Some(Kind::Header(l.value().to_ascii_lowercase())),
                    Ok(l) => diag.error(l.span(), "not a valid header name; use letters, digits and `-`"),
                    Err(_) => diag.error_on(attr, "write the header's wire name: `#[header(\"page-total\")]`"),
                },
                "body" => kind = Some(Kind::Body),
                "serde" => serde_attrs.push(attr.clone()),
                "secret" => {
                    if !crate::util::is_secret_ty(&f.ty) {
                        diag.error_on(&f.ty, format!("`{ident}` is marked #[secret]; type it `Secret` (or `Option<Secret>`)"));
                    }
                }
                b if BUILTIN.contains(&b) => {}
                other => diag.error(
                    syn::spanned::Spanned::span(attr.path()),
                    format!("unknown response field attribute `{other}`{}; use #[header(\"name\")], #[body], #[secret] or #[serde(..)]", suggestion(other, ROLES.iter().copied())),
                ),
            }
        }
        let kind = kind.unwrap_or(Kind::Json(serde_attrs));
        out.push(Field {
            ident,
            ty: f.ty.clone(),
            kind,
            docs: docs(&f.attrs),
            keep: passthrough(&f.attrs, ROLES),
        });
    }
    out
}

fn validate(
    diag: &mut Diag,
    fields: &[Field],
    token: &Option<Ident>,
    life: &Option<(Life, Span)>,
    max: Option<u64>,
) {
    let names: Vec<String> = fields.iter().map(|f| f.ident.to_string()).collect();
    let find = |diag: &mut Diag, i: &Ident, what: &str| -> Option<usize> {
        let pos = fields.iter().position(|f| f.ident == *i);
        if pos.is_none() {
            diag.error(
                i.span(),
                format!(
                    "no field `{i}` in this response{}; the {what} must name one of: {}",
                    suggestion(&i.to_string(), names.iter().map(String::as_str)),
                    names.join(", ")
                ),
            );
        }
        pos
    };
    if let Some(t) = token
        && let Some(p) = find(diag, t, "token")
        && !is_named(&fields[p].ty, "Secret")
    {
        diag.error_on(&fields[p].ty, format!("the token field `{t}` must be typed `Secret`, so the token is redacted and zeroized"));
    }
    match life {
        Some((Life::In(i), _)) | Some((Life::At(i), _)) => {
            find(diag, i, "lifetime");
        }
        _ => {}
    }
    if token.is_none() {
        if let Some((_, span)) = life {
            diag.error(
                *span,
                "a lifetime only makes sense for a token issuer: add `token = field`",
            );
        }
        if max.is_some() {
            diag.error(Span::call_site(), "`max_lifetime` needs `token = field`");
        }
    }
    let bodies = fields
        .iter()
        .filter(|f| matches!(f.kind, Kind::Body))
        .count();
    let json = fields
        .iter()
        .filter(|f| matches!(f.kind, Kind::Json(_)))
        .count();
    if bodies > 1 {
        diag.error(
            Span::call_site(),
            "only one #[body] field: it receives the whole body",
        );
    }
    if bodies == 1 && json > 0 {
        for f in fields.iter().filter(|f| matches!(f.kind, Kind::Json(_))) {
            diag.error(f.ident.span(), format!("`{}` is a JSON member but the response also has a #[body] field that takes the whole body; make it a #[header] or move it into the body type", f.ident));
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn generate(
    rt: &Rt,
    item: &ItemStruct,
    statuses: &[u16],
    fields: &[Field],
    token: Option<Ident>,
    life: Option<(Life, Span)>,
    max_lifetime: Option<u64>,
    rename_all: Option<LitStr>,
) -> TokenStream {
    let (vis, ident) = (&item.vis, &item.ident);
    let keep = passthrough(&item.attrs, &["response"]);
    let d = docs(&item.attrs);
    let serde_crate = format!("{}::serde", rt.string());
    let defs = fields.iter().map(|f| {
        let (i, t, d, k) = (&f.ident, &f.ty, &f.docs, &f.keep);
        quote!(#(#d)* #(#k)* pub #i: #t,)
    });
    let json: Vec<&Field> = fields
        .iter()
        .filter(|f| matches!(f.kind, Kind::Json(_)))
        .collect();
    let decode_body = if json.is_empty() {
        quote!()
    } else {
        let jf = json.iter().map(|f| {
            let (i, t) = (&f.ident, &f.ty);
            let Kind::Json(attrs) = &f.kind else {
                return quote!();
            };
            quote!(#(#attrs)* #i: #t,)
        });
        let ra = rename_all.map(|r| quote!(#[serde(rename_all = #r)]));
        quote! {
            #[derive(#rt::serde::Deserialize)]
            #[serde(crate = #serde_crate)]
            #ra
            struct __Body { #(#jf)* }
            let __b: __Body = #rt::decode_json(body)?;
        }
    };
    let inits = fields.iter().map(|f| {
        let i = &f.ident;
        match &f.kind {
            Kind::Json(_) => quote!(#i: __b.#i,),
            Kind::Header(n) => quote_spanned!(syn::spanned::Spanned::span(&f.ty)=> #i: #rt::decode_header(headers, #n)?,),
            Kind::Body => quote_spanned!(syn::spanned::Spanned::span(&f.ty)=> #i: #rt::decode_json(body)?,),
        }
    });
    let token_impl = token.map(|t| {
        let lifetime = match &life {
            Some((Life::In(f), _)) => quote! {
                match #rt::LifetimeSeconds::lifetime_seconds(&self.#f) {
                    #rt::Option::Some(s) => #rt::Lifetime::Seconds(s),
                    #rt::Option::None => #rt::Lifetime::Unknown,
                }
            },
            Some((Life::At(f), _)) => quote! {
                match #rt::LifetimeInstant::lifetime_instant(&self.#f) {
                    #rt::Option::Some(t) => #rt::Lifetime::At(t),
                    #rt::Option::None => #rt::Lifetime::Unknown,
                }
            },
            Some((Life::Jwt, _)) => quote!(#rt::Lifetime::Jwt),
            None => quote!(#rt::Lifetime::Unknown),
        };
        let max = match max_lifetime {
            Some(s) => quote!(#rt::Option::Some(::core::time::Duration::from_secs(#s))),
            None => quote!(#rt::Option::None),
        };
        quote! {
            impl #rt::TokenResponse for #ident {
                fn issued_token(&self) -> #rt::IssuedToken {
                    #rt::IssuedToken::new(::core::clone::Clone::clone(&self.#t), #lifetime).with_max_lifetime(#max)
                }
            }
        }
    });
    let uses_headers = fields.iter().any(|f| matches!(f.kind, Kind::Header(_)));
    let uses_body = fields.iter().any(|f| !matches!(f.kind, Kind::Header(_)));
    let hname = if uses_headers {
        quote!(headers)
    } else {
        quote!(_headers)
    };
    let bname = if uses_body {
        quote!(body)
    } else {
        quote!(_body)
    };
    quote! {
        #(#d)*
        #(#keep)*
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        #vis struct #ident { #(#defs)* }

        impl #rt::ResponseSpec for #ident {
            const SUCCESS: &'static [u16] = &[#(#statuses),*];
            fn decode(#hname: &#rt::http::HeaderMap, #bname: &[u8]) -> #rt::Result<Self, #rt::DecodeFailure> {
                #decode_body
                #rt::Result::Ok(Self { #(#inits)* })
            }
        }
        #token_impl
    }
}
