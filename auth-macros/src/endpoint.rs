//! `#[endpoint(...)]` on a request struct: roles of its fields, validation against the path
//! template, and the generated request type, `Endpoint` impl, client method and builder.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::{Attribute, Expr, Ident, ItemStruct, LitStr, Type};

use crate::args::{ArgValue, Args, expr_ident, expr_path, expr_str, span_of};
use crate::diag::{Diag, suggestion};
use crate::path_template::{self, Piece};
use crate::util::{
    RENAME_RULES, Rt, arg_ty, docs, first_doc_line, is_named, is_secret_ty, option_inner,
    passthrough, rename, valid_header_name,
};

const KEYS: &[&str] = &[
    "name",
    "provider",
    "auth",
    "idempotent",
    "issuer",
    "client_method",
    "error",
    "rename_all",
    "crate",
];
const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];
const ROLES: &[&str] = &["path", "query", "header", "headers", "body", "secret"];
/// Attributes rustc itself understands on fields; anything else is a misspelt role.
const BUILTIN_FIELD_ATTRS: &[&str] = &[
    "doc",
    "allow",
    "warn",
    "deny",
    "expect",
    "cfg",
    "cfg_attr",
    "deprecated",
];

#[derive(Clone)]
enum Role {
    Path { charset: Vec<(char, char)> },
    Query { name: String },
    Header { name: String, lit: Option<LitStr> },
    Headers,
    Body { name: String },
}

struct Field {
    ident: Ident,
    ty: Type,
    inner: Option<Type>,
    role: Role,
    docs: Vec<Attribute>,
    keep: Vec<Attribute>,
}

impl Field {
    fn optional(&self) -> bool {
        self.inner.is_some()
    }
}

struct Spec {
    name: Option<Ident>,
    provider: Option<syn::Path>,
    method: Option<Ident>,
    path: Option<LitStr>,
    auth: Option<Option<Ident>>,
    idempotent: Option<bool>,
    issuer: bool,
    client_method: Option<Ident>,
    error: Option<Type>,
    rename_all: Option<String>,
    krate: Option<syn::Path>,
}

pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut diag = Diag::new();
    let item: ItemStruct = match syn::parse2(item) {
        Ok(i) => i,
        Err(e) => return e.to_compile_error(),
    };
    let spec = match syn::parse2::<Args>(args) {
        Ok(a) => parse_spec(&mut diag, a),
        Err(e) => {
            diag.push(e);
            empty_spec()
        }
    };
    let has_body = spec
        .method
        .as_ref()
        .is_some_and(|m| matches!(m.to_string().as_str(), "POST" | "PUT" | "PATCH"));
    let fields = parse_fields(
        &mut diag,
        &item,
        has_body,
        spec.method.as_ref(),
        spec.rename_all.as_deref(),
    );
    let pieces = validate(&mut diag, &spec, &fields);
    let rt = Rt::resolve(spec.krate.clone());
    if diag.has_errors() {
        return fallback(&diag, &item, &fields, &spec, &rt);
    }
    generate(&rt, &item, &spec, &fields, &pieces)
}

fn empty_spec() -> Spec {
    Spec {
        name: None,
        provider: None,
        method: None,
        path: None,
        auth: None,
        idempotent: None,
        issuer: false,
        client_method: None,
        error: None,
        rename_all: None,
        krate: None,
    }
}

fn parse_spec(diag: &mut Diag, args: Args) -> Spec {
    let mut s = empty_spec();
    let call = Span::call_site();
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
            (m, ArgValue::Route(_)) => diag.error(
                arg.key.span(),
                format!(
                    "unknown HTTP method `{m}`{}; write one of {}",
                    suggestion(&m.to_ascii_uppercase(), METHODS.iter().copied()),
                    METHODS.join(", ")
                ),
            ),
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
                Some(i) if i == "none" => s.auth = Some(None),
                Some(i) => s.auth = Some(Some(i.clone())),
                None => diag.error(
                    span_of(&e),
                    "expected `auth = none` or the name of one of the provider's schemes",
                ),
            },
            ("idempotent", ArgValue::Flag) => s.idempotent = Some(true),
            ("idempotent", ArgValue::Value(e)) => match &e {
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Bool(b),
                    ..
                }) => s.idempotent = Some(b.value),
                _ => diag.error(span_of(&e), "expected `idempotent` or `idempotent = false`"),
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
            ("rename_all", ArgValue::Value(e)) => match expr_str(&e) {
                Some(l) if RENAME_RULES.contains(&l.value().as_str()) => {
                    s.rename_all = Some(l.value())
                }
                Some(l) => diag.error(
                    l.span(),
                    format!(
                        "unknown rename rule `{}`{}; use one of {}",
                        l.value(),
                        suggestion(&l.value(), RENAME_RULES.iter().copied()),
                        RENAME_RULES.join(", ")
                    ),
                ),
                None => diag.error(span_of(&e), "expected `rename_all = \"camelCase\"`"),
            },
            ("crate", ArgValue::Value(e)) => match expr_path(&e) {
                Some(p) => s.krate = Some(p.clone()),
                None => diag.error(span_of(&e), "expected a path: `crate = ::auth_sdk`"),
            },
            (k, _) if KEYS.contains(&k) => diag.error(
                arg.key.span(),
                format!("wrong form for `{k}`; {}", key_help(k)),
            ),
            (k, _) if METHODS.contains(&k) => diag.error(
                arg.key.span(),
                format!("`{k}` needs its path: `{k} \"/path/{{param}}\"`"),
            ),
            (k, _) => {
                let all = KEYS.iter().chain(METHODS).copied();
                diag.error(
                    arg.key.span(),
                    format!("unknown endpoint key `{k}`{}; the keys are {} and a method with its path (`GET \"/path\"`)", suggestion(k, all), KEYS.join(", ")),
                )
            }
        }
    }
    if s.name.is_none() {
        diag.error(
            call,
            "an endpoint needs `name = ident` (its name in errors, traces and the client method)",
        );
    }
    if s.provider.is_none() {
        diag.error(call, "an endpoint needs `provider = Path` naming the provider's client type, e.g. `provider = super::Client`");
    }
    if s.method.is_none() {
        diag.error(
            call,
            "an endpoint needs a method and a path, e.g. `GET \"/user/keys/{key}\"`",
        );
    }
    if s.auth.is_none() {
        diag.error(
            call,
            "an endpoint needs `auth = none` or `auth = <scheme>` (one of the provider's schemes)",
        );
    }
    s
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

fn parse_charset(diag: &mut Diag, lit: &LitStr) -> Vec<(char, char)> {
    let chars: Vec<char> = lit.value().chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if i + 2 < chars.len() && chars[i + 1] == '-' {
            if chars[i] > chars[i + 2] {
                diag.error(
                    lit.span(),
                    format!(
                        "range `{}-{}` is reversed; write `{}-{}`",
                        chars[i],
                        chars[i + 2],
                        chars[i + 2],
                        chars[i]
                    ),
                );
            }
            out.push((chars[i], chars[i + 2]));
            i += 3;
        } else {
            out.push((chars[i], chars[i]));
            i += 1;
        }
    }
    if out.is_empty() {
        diag.error(
            lit.span(),
            "an empty charset accepts nothing; list ranges such as \"a-z0-9-\"",
        );
    }
    out
}

fn parse_fields(
    diag: &mut Diag,
    item: &ItemStruct,
    has_body: bool,
    method: Option<&Ident>,
    rename_all: Option<&str>,
) -> Vec<Field> {
    let named = match &item.fields {
        syn::Fields::Named(n) => n.named.iter().collect::<Vec<_>>(),
        syn::Fields::Unit => Vec::new(),
        syn::Fields::Unnamed(u) => {
            diag.error_on(u, "request fields need names: `pub key: String`");
            Vec::new()
        }
    };
    let mut out = Vec::new();
    for f in named {
        let Some(ident) = f.ident.clone() else {
            continue;
        };
        let mut role: Option<(Role, Span)> = None;
        let mut secret_attr: Option<Span> = None;
        for attr in &f.attrs {
            let Some(aname) = attr.path().get_ident().map(|i| i.to_string()) else {
                continue;
            };
            let span = syn::spanned::Spanned::span(attr.path());
            let parsed: Option<Role> = match aname.as_str() {
                "path" => {
                    let mut charset = Vec::new();
                    if !matches!(attr.meta, syn::Meta::Path(_)) {
                        let r = attr.parse_nested_meta(|m| {
                            if m.path.is_ident("charset") {
                                let lit: LitStr = m.value()?.parse()?;
                                charset = parse_charset(diag, &lit);
                                Ok(())
                            } else {
                                Err(m.error(
                                    "unknown `path` key; the only key is `charset = \"a-z0-9-\"`",
                                ))
                            }
                        });
                        if let Err(e) = r {
                            diag.push(e);
                        }
                    }
                    Some(Role::Path { charset })
                }
                "query" | "body" => {
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
                                        Err(m.error(format!("unknown `{aname}` key; write `#[{aname}(rename = \"wireName\")]`")))
                                    }
                                });
                                if let Err(e) = r {
                                    diag.push(e);
                                }
                            }
                        }
                        syn::Meta::NameValue(nv) => {
                            diag.error_on(nv, format!("write `#[{aname}(rename = \"wireName\")]`"))
                        }
                    }
                    let default = match rename_all {
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
                "header" => match &attr.meta {
                    syn::Meta::List(l) => match syn::parse2::<LitStr>(l.tokens.clone()) {
                        Ok(lit) => {
                            let v = lit.value();
                            if !valid_header_name(&v) {
                                diag.error(lit.span(), format!("`{v}` is not a valid header name; use letters, digits and `-`, e.g. \"x-api-key\""));
                            }
                            Some(Role::Header {
                                name: v.to_ascii_lowercase(),
                                lit: Some(lit),
                            })
                        }
                        Err(_) => {
                            diag.error_on(
                                l,
                                "write the header's wire name: `#[header(\"x-api-key\")]`",
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
                },
                "headers" => Some(Role::Headers),
                "secret" => {
                    secret_attr = Some(span);
                    None
                }
                other if BUILTIN_FIELD_ATTRS.contains(&other) => None,
                other => {
                    diag.error(
                        span,
                        format!("unknown field attribute `{other}`{}; a request field is one of #[path], #[query], #[header(\"name\")], #[headers], #[body], and may be #[secret]", suggestion(other, ROLES.iter().copied())),
                    );
                    None
                }
            };
            if let Some(r) = parsed {
                if let Some((_, _first)) = &role {
                    diag.error(span, format!("field `{ident}` has two roles; keep one of #[path], #[query], #[header], #[headers], #[body]"));
                } else {
                    role = Some((r, span));
                }
            }
        }
        let inner = option_inner(&f.ty).cloned();
        if secret_attr.is_some() && !is_secret_ty(&f.ty) {
            let ty = &f.ty;
            let shown = quote!(#ty).to_string().replace(' ', "");
            diag.error_on(
                &f.ty,
                format!("`{ident}` is marked #[secret] but typed `{shown}`; type it `Secret` (or `Option<Secret>`) so it is redacted and zeroized"),
            );
        }
        let role = match role {
            Some((r, span)) => {
                if matches!(r, Role::Body { .. }) && !has_body {
                    let m = method.map(|m| m.to_string()).unwrap_or_default();
                    diag.error(span, format!("a {m} request has no body; make `{ident}` a #[query] or #[header(\"...\")] field, or use POST/PUT/PATCH"));
                }
                r
            }
            None if has_body => Role::Body {
                name: rename_all
                    .map(|r| rename(&ident.to_string(), r))
                    .unwrap_or_else(|| ident.to_string()),
            },
            None => {
                let m = method
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "this".into());
                diag.error(ident.span(), format!("field `{ident}` has no role and a {m} request has no body; mark it #[path], #[query] or #[header(\"name\")]"));
                Role::Query {
                    name: ident.to_string(),
                }
            }
        };
        let docs = docs(&f.attrs);
        let keep = passthrough(&f.attrs, ROLES);
        out.push(Field {
            ident,
            ty: f.ty.clone(),
            inner,
            role,
            docs,
            keep,
        });
    }
    out
}

fn validate(diag: &mut Diag, spec: &Spec, fields: &[Field]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    if let Some(lit) = &spec.path {
        let (p, errors) = path_template::parse(&lit.value());
        for e in errors {
            diag.error(path_template::span(lit), e);
        }
        pieces = p;
        for piece in &pieces {
            if let Piece::Param(name) = piece
                && !fields
                    .iter()
                    .any(|f| matches!(f.role, Role::Path { .. }) && f.ident == name)
            {
                let hint = if fields.iter().any(|f| f.ident == name) {
                    format!("mark the field `{name}` with #[path]")
                } else {
                    format!("add a field `#[path] pub {name}: String`")
                };
                diag.error(
                    lit.span(),
                    format!("placeholder `{{{name}}}` has no path field; {hint}"),
                );
            }
        }
    }
    let mut headers_seen: Vec<&str> = Vec::new();
    let mut group = false;
    for f in fields {
        match &f.role {
            Role::Path { .. } => {
                if f.optional() {
                    diag.error_on(
                        &f.ty,
                        format!(
                            "path field `{}` cannot be optional; type it without `Option`",
                            f.ident
                        ),
                    );
                }
                if spec.path.is_some()
                    && !pieces
                        .iter()
                        .any(|p| matches!(p, Piece::Param(n) if f.ident == n))
                {
                    let t = spec.path.as_ref().map(|l| l.value()).unwrap_or_default();
                    diag.error(
                        f.ident.span(),
                        format!("`{}` is a #[path] field but the template \"{t}\" has no `{{{}}}`; add the placeholder or change the field's role", f.ident, f.ident),
                    );
                }
                if is_secret_ty(&f.ty) {
                    diag.error_on(&f.ty, "secrets never go in URLs; send this value in a #[header(\"...\")] or the #[body]");
                }
            }
            Role::Query { .. } => {
                if is_secret_ty(&f.ty) {
                    diag.error_on(&f.ty, "secrets never go in URLs; send this value in a #[header(\"...\")] or the #[body]");
                }
            }
            Role::Header { name, lit } => {
                let span = lit
                    .as_ref()
                    .map(LitStr::span)
                    .unwrap_or_else(|| f.ident.span());
                if headers_seen.contains(&name.as_str()) {
                    diag.error(
                        span,
                        format!("header `{name}` is declared twice; each header has one field"),
                    );
                }
                headers_seen.push(name);
                let inner = f.inner.as_ref().unwrap_or(&f.ty);
                if name == "authorization" && !is_named(inner, "Secret") {
                    diag.error_on(&f.ty, format!("the `authorization` header carries a credential: type `{}` as `Secret`", f.ident));
                }
            }
            Role::Headers => {
                if group {
                    diag.error(
                        f.ident.span(),
                        "only one #[headers] group per request; merge the groups into one enum",
                    );
                }
                group = true;
                if f.optional() {
                    diag.error_on(&f.ty, "a #[headers] group is required; give it a variant for \"no headers\" instead of `Option`");
                }
            }
            Role::Body { .. } => {}
        }
    }
    pieces
}

/// After an error: the struct as written (roles stripped) and a stub `Error`/`Response`-free
/// surface, so that uses of the request produce no second error.
fn fallback(diag: &Diag, item: &ItemStruct, fields: &[Field], spec: &Spec, rt: &Rt) -> TokenStream {
    let errors = diag.to_compile_errors();
    let vis = &item.vis;
    let ident = &item.ident;
    let attrs = docs(&item.attrs);
    let fdefs = fields.iter().map(|f| {
        let (i, t, d) = (&f.ident, &f.ty, &f.docs);
        quote!(#(#d)* pub #i: #t,)
    });
    let req_args: Vec<TokenStream> = fields
        .iter()
        .filter(|f| !f.optional())
        .map(|f| {
            let (i, t) = (&f.ident, &f.ty);
            quote!(#i: impl ::core::convert::Into<#t>)
        })
        .collect();
    let method = match (&spec.client_method, &spec.name, &spec.provider) {
        (Some(_), Some(name), Some(provider)) => quote! {
            impl #provider {
                #[allow(missing_docs, unused_variables, clippy::unused_async)]
                pub async fn #name(&self, #(#req_args),*) -> ::core::result::Result<(), #rt::Error> {
                    ::core::unreachable!("this endpoint's spec failed to compile")
                }
            }
        },
        _ => quote!(),
    };
    quote! {
        #errors
        #(#attrs)*
        #[allow(dead_code)]
        #vis struct #ident { #(#fdefs)* }
        #method
    }
}

fn generate(
    rt: &Rt,
    item: &ItemStruct,
    spec: &Spec,
    fields: &[Field],
    pieces: &[Piece],
) -> TokenStream {
    let vis = &item.vis;
    let req = &item.ident;
    let keep = passthrough(&item.attrs, &["endpoint"]);
    let user_docs = docs(&item.attrs);
    let (Some(name), Some(provider), Some(method), Some(path_lit)) =
        (&spec.name, &spec.provider, &spec.method, &spec.path)
    else {
        return quote!();
    };
    let name_str = name.to_string();
    let path = path_lit.value();
    let route = format!("`{method} {path}`");
    let idempotent = spec.idempotent.unwrap_or(matches!(
        method.to_string().as_str(),
        "GET" | "HEAD" | "PUT" | "DELETE"
    ));
    let error_ty = match &spec.error {
        Some(t) => quote!(#t),
        None => quote!(<#provider as #rt::Provider>::ErrorBody),
    };
    let method_tok = format_ident!("{}", method.to_string());

    // Struct.
    let field_defs = fields.iter().map(|f| {
        let (i, t, d, k) = (&f.ident, &f.ty, &f.docs, &f.keep);
        quote!(#(#d)* #(#k)* pub #i: #t,)
    });
    let required: Vec<&Field> = fields.iter().filter(|f| !f.optional()).collect();
    let optional: Vec<&Field> = fields.iter().filter(|f| f.optional()).collect();
    let new_args: Vec<TokenStream> = required
        .iter()
        .map(|f| {
            let i = &f.ident;
            let t = arg_ty(&f.ty);
            quote!(#i: #t)
        })
        .collect();
    let new_inits = fields.iter().map(|f| {
        let i = &f.ident;
        if f.optional() {
            quote!(#i: #rt::Option::None,)
        } else {
            quote!(#i: #i.into(),)
        }
    });
    let call_args: Vec<&Ident> = required.iter().map(|f| &f.ident).collect();
    let setters = optional.iter().map(|f| {
        let (i, d) = (&f.ident, &f.docs);
        let inner = f.inner.as_ref().unwrap_or(&f.ty);
        let arg = arg_ty(inner);
        quote! {
            #(#d)*
            #[must_use]
            pub fn #i(mut self, value: #arg) -> Self {
                self.#i = #rt::Option::Some(value.into());
                self
            }
        }
    });

    // Request building.
    let mut build = Vec::new();
    for p in pieces {
        match p {
            Piece::Literal(l) => build.push(quote!(rb.path(#l);)),
            Piece::Param(n) => {
                let Some(f) = fields.iter().find(|f| f.ident == n) else {
                    continue;
                };
                let i = &f.ident;
                let istr = i.to_string();
                let Role::Path { charset } = &f.role else {
                    continue;
                };
                let ranges = charset.iter().map(|(a, b)| quote!((#a, #b)));
                build.push(
                    quote_spanned!(f.ty_span()=> rb.path_param(#istr, &self.#i, &[#(#ranges),*])?;),
                );
            }
        }
    }
    let mut body_fields = Vec::new();
    let mut body_inits = Vec::new();
    let serde_crate = format!("{}::serde", rt.string());
    for f in fields {
        let i = &f.ident;
        let istr = i.to_string();
        match &f.role {
            Role::Query { name } => build.push(if f.optional() {
                quote_spanned!(f.ty_span()=> if let #rt::Option::Some(v) = &self.#i { rb.query(#name, v); })
            } else {
                quote_spanned!(f.ty_span()=> rb.query(#name, &self.#i);)
            }),
            Role::Header { name, .. } => build.push(if f.optional() {
                quote_spanned!(f.ty_span()=> if let #rt::Option::Some(v) = &self.#i { rb.header(#name, #istr, v)?; })
            } else {
                quote_spanned!(f.ty_span()=> rb.header(#name, #istr, &self.#i)?;)
            }),
            Role::Headers => build.push(quote_spanned!(f.ty_span()=> #rt::HeaderGroup::<#provider>::apply(&self.#i, &mut rb)?;)),
            Role::Body { name } => {
                let inner = f.inner.as_ref().unwrap_or(&f.ty);
                let secret = is_named(inner, "Secret");
                let (ty, init) = match (f.optional(), secret) {
                    (false, false) => (quote!(&'a #inner), quote!(&self.#i)),
                    (true, false) => (quote!(#rt::Option<&'a #inner>), quote!(self.#i.as_ref())),
                    (false, true) => (quote!(#rt::Expose<'a>), quote!(#rt::Expose(&self.#i))),
                    (true, true) => (quote!(#rt::Option<#rt::Expose<'a>>), quote!(self.#i.as_ref().map(#rt::Expose))),
                };
                let skip = if f.optional() { quote!(#[serde(skip_serializing_if = "Option::is_none")]) } else { quote!() };
                body_fields.push(quote!(#[serde(rename = #name)] #skip #i: #ty,));
                body_inits.push(quote!(#i: #init,));
            }
            Role::Path { .. } => {}
        }
    }
    if !body_fields.is_empty() {
        build.push(quote! {
            #[derive(#rt::serde::Serialize)]
            #[serde(crate = #serde_crate)]
            struct __Body<'a> { #(#body_fields)* }
            rb.json(&__Body { #(#body_inits)* })?;
        });
    }

    let auth_expr = match &spec.auth {
        Some(Some(scheme)) => {
            quote_spanned!(scheme.span()=> #rt::Option::Some(<#provider>::#scheme))
        }
        _ => quote!(#rt::Option::None),
    };
    let group = fields.iter().find(|f| matches!(f.role, Role::Headers));
    let auth_body = match group {
        Some(g) => {
            let i = &g.ident;
            quote!(#rt::HeaderGroup::<#provider>::auth(&self.#i).or(#auth_expr))
        }
        None => auth_expr,
    };

    // Issuer: build the request from the client's credentials (fields named like them).
    let issuer_impl = if spec.issuer {
        let inits = fields.iter().map(|f| {
            let i = &f.ident;
            let istr = i.to_string();
            if f.optional() {
                quote_spanned!(f.ident.span()=> #i: credentials.#i().cloned(),)
            } else {
                quote_spanned!(f.ident.span()=> #i: credentials.#i().cloned().ok_or(#rt::MissingCredential {
                    provider: <#provider as #rt::Provider>::NAME,
                    scheme: #name_str,
                    credential: #istr,
                })?,)
            }
        });
        quote! {
            impl #rt::FromCredentials<#provider> for #req {
                fn from_credentials(
                    credentials: &<#provider as #rt::Provider>::Credentials,
                ) -> #rt::Result<Self, #rt::MissingCredential> {
                    #rt::Result::Ok(Self { #(#inits)* })
                }
            }
        }
    } else {
        quote!()
    };

    let first_line = first_doc_line(&item.attrs).unwrap_or_default();
    let req_doc_head = format!("Request of {route}.");
    let error_doc = format!(
        "Error of {route}: the runtime's staged error with this provider's typed error body."
    );
    let response_check = quote_spanned!(req.span()=> <Response as #rt::ResponseSpec>::SUCCESS);

    // Client method and builder.
    let client_items = match &spec.client_method {
        None => quote!(),
        Some(flag) => {
            let method_doc_head = if first_line.is_empty() {
                format!("Sends {route}.")
            } else {
                format!("{first_line}\n\nSends {route}.")
            };
            let rest_docs = user_docs.iter().skip(1);
            if optional.is_empty() {
                quote_spanned! {flag.span()=>
                    impl #provider {
                        #[doc = #method_doc_head]
                        #[doc = ""]
                        #(#rest_docs)*
                        pub async fn #name(&self, #(#new_args),*) -> #rt::Result<Response, Error> {
                            self.send(#req::new(#(#call_args),*)).await
                        }
                    }
                }
            } else {
                let builder_doc = format!(
                    "Call builder of {route}, returned by the client's `{name}` method: set optional inputs, then `.send().await` (or just `.await`)."
                );
                let method_doc = format!(
                    "{method_doc_head} Optional inputs are set on the returned [`Builder`]."
                );
                let bsetters = optional.iter().map(|f| {
                    let (i, d) = (&f.ident, &f.docs);
                    let arg = arg_ty(f.inner.as_ref().unwrap_or(&f.ty));
                    quote! {
                        #(#d)*
                        pub fn #i(mut self, value: #arg) -> Self {
                            self.request = self.request.#i(value);
                            self
                        }
                    }
                });
                quote_spanned! {flag.span()=>
                    #[doc = #builder_doc]
                    #[must_use = "a call builder does nothing until it is sent"]
                    #[derive(Debug)]
                    pub struct Builder<'a> {
                        client: &'a #provider,
                        request: #req,
                    }

                    impl<'a> Builder<'a> {
                        #(#bsetters)*
                        /// Sends the call.
                        pub async fn send(self) -> #rt::Result<Response, Error> {
                            self.client.send(self.request).await
                        }
                        /// The request as built so far.
                        pub fn request(&self) -> &#req {
                            &self.request
                        }
                    }

                    impl<'a> ::core::future::IntoFuture for Builder<'a> {
                        type Output = #rt::Result<Response, Error>;
                        type IntoFuture = ::core::pin::Pin<#rt::Box<dyn ::core::future::Future<Output = Self::Output> + Send + 'a>>;
                        fn into_future(self) -> Self::IntoFuture {
                            #rt::Box::pin(self.send())
                        }
                    }

                    impl #provider {
                        #[doc = #method_doc]
                        #[doc = ""]
                        #(#rest_docs)*
                        pub fn #name(&self, #(#new_args),*) -> Builder<'_> {
                            Builder { client: self, request: #req::new(#(#call_args),*) }
                        }
                    }
                }
            }
        }
    };

    let new_fn = quote_spanned! {req.span()=>
        /// Builds the request from its required inputs; optional inputs are set with the methods below.
        pub fn new(#(#new_args),*) -> Self {
            Self { #(#new_inits)* }
        }
    };

    quote! {
        #[doc = #req_doc_head]
        #[doc = ""]
        #(#user_docs)*
        #(#keep)*
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        #vis struct #req {
            #(#field_defs)*
        }

        impl #req {
            #new_fn
            #(#setters)*
        }

        #[doc = #error_doc]
        #vis type Error = #rt::Error<#error_ty>;

        impl #rt::Endpoint for #req {
            type Provider = #provider;
            type Response = Response;
            type ErrorBody = #error_ty;
            const METADATA: #rt::Metadata = #rt::Metadata {
                name: #name_str,
                method: #rt::http::Method::#method_tok,
                path: #path,
                idempotent: #idempotent,
                success: #response_check,
            };

            fn auth(&self) -> #rt::Option<#rt::SchemeId> {
                #auth_body
            }

            fn to_http_request(
                &self,
                base: &#rt::BaseUrl,
            ) -> #rt::Result<#rt::http::Request<#rt::bytes::Bytes>, #rt::InvalidInput> {
                let mut rb = #rt::RequestBuilder::new(#rt::http::Method::#method_tok, base);
                rb.default_headers(<#provider as #rt::Provider>::DEFAULT_HEADERS);
                #(#build)*
                rb.finish()
            }

            fn decode_response(
                headers: &#rt::http::HeaderMap,
                body: &[u8],
            ) -> #rt::Result<Response, #rt::DecodeFailure> {
                <Response as #rt::ResponseSpec>::decode(headers, body)
            }
        }

        #issuer_impl
        #client_items
    }
}

impl Field {
    fn ty_span(&self) -> Span {
        syn::spanned::Spanned::span(&self.ty)
    }
}
