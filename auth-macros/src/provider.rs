//! `#[provider(...)]`: a provider's client type, its credentials and its auth schemes.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::{Expr, Ident, ItemStruct, LitStr, Type};

use crate::args::{ArgValue, Args, expr_ident, expr_path, expr_str, parse_list, span_of};
use crate::diag::{Diag, suggestion};
use crate::util::{Rt, docs, is_named, passthrough, valid_header_name};

const KEYS: &[&str] = &[
    "name",
    "base_url",
    "base_urls",
    "error",
    "env_prefix",
    "envelope",
    "scheme",
    "crate",
];
const RESERVED: &[&str] = &["none", "builder", "from_env", "send", "core", "BASE_URL"];

struct Credential {
    ident: Ident,
    ty: Type,
    public: bool,
    env: Option<LitStr>,
    attrs: Vec<syn::Attribute>,
}

enum Source {
    Credential(Ident),
    Issued(syn::Path),
}

enum Kind {
    Placed {
        placement: TokenStream,
        source: Source,
    },
    Any(Vec<Ident>),
}

struct SchemeDecl {
    name: Ident,
    kind: Kind,
}

pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut diag = Diag::new();
    let item: ItemStruct = match syn::parse2(item) {
        Ok(i) => i,
        Err(e) => return e.to_compile_error(),
    };
    let args: Args = match syn::parse2(args) {
        Ok(a) => a,
        Err(e) => return e.to_compile_error(),
    };

    let mut name: Option<LitStr> = None;
    let mut base_url: Option<LitStr> = None;
    let mut base_urls: Vec<(Ident, LitStr)> = Vec::new();
    let mut error_ty: Option<Type> = None;
    let mut env_prefix: Option<LitStr> = None;
    let mut envelope: Option<TokenStream> = None;
    let mut schemes: Vec<SchemeDecl> = Vec::new();
    let mut krate: Option<syn::Path> = None;
    let mut default_headers: Vec<(String, LitStr)> = Vec::new();

    for arg in args.0 {
        let key = arg.name();
        match (key.as_str(), arg.value) {
            ("name", ArgValue::Value(e)) => {
                name = lit_or_err(&mut diag, &e, "name = \"Provider Name\"")
            }
            ("base_url", ArgValue::Value(e)) => {
                base_url = lit_or_err(&mut diag, &e, "base_url = \"https://api.example.com/v1\"");
                if let Some(u) = &base_url {
                    check_url(&mut diag, u);
                }
            }
            ("base_urls", ArgValue::List(t)) => match parse_list::<syn::MetaNameValue>(t) {
                Ok(list) => {
                    for nv in list {
                        match (nv.path.get_ident(), expr_str(&nv.value)) {
                            (Some(i), Some(s)) => {
                                check_url(&mut diag, s);
                                base_urls.push((i.clone(), s.clone()));
                            }
                            _ => diag.error_on(&nv, "expected `region = \"https://...\"`"),
                        }
                    }
                }
                Err(e) => diag.push(e),
            },
            ("error", ArgValue::Value(e)) => match syn::parse2::<Type>(quote!(#e)) {
                Ok(t) => error_ty = Some(t),
                Err(_) => diag.error(
                    span_of(&e),
                    "expected the provider's error body type, e.g. `error = ErrorBody`",
                ),
            },
            ("env_prefix", ArgValue::Value(e)) => {
                env_prefix = lit_or_err(&mut diag, &e, "env_prefix = \"COOPFIN\"")
            }
            ("envelope", ArgValue::List(t)) => {
                envelope = parse_envelope(&mut diag, t, arg.key.span())
            }
            ("scheme", ArgValue::List(t)) => match parse_list::<syn::MetaNameValue>(t) {
                Ok(list) => {
                    for nv in list {
                        if let Some(s) = parse_scheme(&mut diag, &nv) {
                            schemes.push(s);
                        }
                    }
                }
                Err(e) => diag.push(e),
            },
            ("crate", ArgValue::Value(e)) => match expr_path(&e) {
                Some(p) => krate = Some(p.clone()),
                None => diag.error(span_of(&e), "expected a path, e.g. `crate = ::auth_sdk`"),
            },
            ("default_header", ArgValue::List(t)) => match parse_list::<LitStr>(t) {
                Ok(l) if l.len() == 2 => {
                    let (n, v) = (&l[0], &l[1]);
                    if !valid_header_name(&n.value()) {
                        diag.error(
                            n.span(),
                            "not a valid header name; use letters, digits and `-`",
                        );
                    } else if v.value().bytes().any(|b| b < 0x20 || b == 0x7f) {
                        diag.error(v.span(), "header values cannot contain control characters");
                    } else if matches!(n.value().to_ascii_lowercase().as_str(), "authorization") {
                        diag.error(n.span(), "credentials are sent by auth schemes, not fixed headers: declare a `scheme(..)`");
                    } else {
                        default_headers.push((n.value().to_ascii_lowercase(), v.clone()));
                    }
                }
                _ => diag.error(
                    arg.key.span(),
                    "write `default_header(\"content-type\", \"application/json\")`",
                ),
            },
            (k, _) if KEYS.contains(&k) => diag.error(
                arg.key.span(),
                format!("wrong form for `{k}`; {}", key_help(k)),
            ),
            (k, _) => diag.error(
                arg.key.span(),
                format!(
                    "unknown provider key `{k}`{}; the keys are: {}",
                    suggestion(k, KEYS.iter().copied()),
                    KEYS.join(", ")
                ),
            ),
        }
    }
    let call = Span::call_site();
    if name.is_none() {
        diag.error(call, "a provider needs `name = \"...\"` (its display name)");
    }
    if base_url.is_none() {
        diag.error(call, "a provider needs `base_url = \"https://...\"`");
    }
    if error_ty.is_none() {
        diag.error(
            call,
            "a provider needs `error = Type`: the type its error bodies decode into (a `#[model]`)",
        );
    }

    // Credentials: the struct's fields.
    let mut creds = Vec::new();
    match &item.fields {
        syn::Fields::Named(f) => {
            for field in &f.named {
                if let Some(c) = parse_credential(&mut diag, field) {
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

    validate_schemes(&mut diag, &schemes, &creds);

    let rt = Rt::resolve(krate);
    if diag.has_errors() {
        let errors = diag.to_compile_errors();
        let vis = &item.vis;
        let ident = &item.ident;
        let attrs = docs(&item.attrs);
        return quote! {
            #errors
            #(#attrs)*
            #vis struct #ident;
        };
    }
    generate(
        &rt,
        &item,
        name,
        base_url,
        base_urls,
        error_ty,
        env_prefix,
        envelope,
        schemes,
        creds,
        default_headers,
    )
}

fn key_help(k: &str) -> &'static str {
    match k {
        "base_urls" => "write `base_urls(eu = \"https://...\", us = \"https://...\")`",
        "envelope" => "write `envelope(code = \"code\", success = 1000, reauth = [1101])`",
        "scheme" => "write `scheme(token = bearer(issued(create_token)))`",
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
        diag.error(u.span(), "a base URL starts with `https://`");
    } else if v.contains('?') || v.contains('#') {
        diag.error(u.span(), "a base URL has no query or fragment");
    }
}

fn parse_envelope(diag: &mut Diag, tokens: TokenStream, span: Span) -> Option<TokenStream> {
    let list = match parse_list::<syn::MetaNameValue>(tokens) {
        Ok(l) => l,
        Err(e) => {
            diag.push(e);
            return None;
        }
    };
    let (mut code, mut success, mut reauth) = (None, None, Vec::new());
    for nv in list {
        let key = nv
            .path
            .get_ident()
            .map(|i| i.to_string())
            .unwrap_or_default();
        match key.as_str() {
            "code" => {
                code = expr_str(&nv.value).cloned().or_else(|| {
                    diag.error_on(
                        &nv.value,
                        "expected the code field's name as a string: `code = \"code\"`",
                    );
                    None
                })
            }
            "success" => match &nv.value {
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(i),
                    ..
                }) => success = Some(i.clone()),
                other => diag.error_on(other, "expected an integer: `success = 1000`"),
            },
            "reauth" => match &nv.value {
                Expr::Array(a) => {
                    for e in &a.elems {
                        match e {
                            Expr::Lit(syn::ExprLit {
                                lit: syn::Lit::Int(i),
                                ..
                            }) => reauth.push(i.clone()),
                            other => diag.error_on(other, "expected an integer code"),
                        }
                    }
                }
                other => diag.error_on(other, "expected a list of codes: `reauth = [1101]`"),
            },
            other => diag.error_on(
                &nv.path,
                format!(
                    "unknown envelope key `{other}`{}; the keys are code, success, reauth",
                    suggestion(other, ["code", "success", "reauth"])
                ),
            ),
        }
    }
    match (code, success) {
        (Some(c), Some(s)) => Some(quote!((#c, #s, [#(#reauth),*]))),
        _ => {
            diag.error(
                span,
                "an envelope needs `code = \"field\"` and `success = <value>`",
            );
            None
        }
    }
}

fn parse_scheme(diag: &mut Diag, nv: &syn::MetaNameValue) -> Option<SchemeDecl> {
    let Some(name) = nv.path.get_ident().cloned() else {
        diag.error_on(
            &nv.path,
            "a scheme name is a single identifier: `scheme(token = bearer(issued(create_token)))`",
        );
        return None;
    };
    if RESERVED.contains(&name.to_string().as_str()) {
        diag.error(
            name.span(),
            format!("`{name}` is reserved; choose another scheme name"),
        );
        return None;
    }
    let Expr::Call(call) = &nv.value else {
        diag.error_on(&nv.value, "expected a scheme kind: `bearer(..)`, `authorization(..)`, `header(\"name\", ..)` or `any(..)`");
        return None;
    };
    let Some(func) = expr_ident(&call.func) else {
        diag.error_on(
            &call.func,
            "expected a scheme kind: bearer, authorization, header or any",
        );
        return None;
    };
    let args: Vec<&Expr> = call.args.iter().collect();
    let kinds = ["bearer", "authorization", "header", "any"];
    let kind = match func.to_string().as_str() {
        "bearer" | "authorization" => {
            let placement = if func == "bearer" {
                quote!(Bearer)
            } else {
                quote!(Authorization)
            };
            if args.len() != 1 {
                diag.error(
                    func.span(),
                    format!("`{func}` takes one source: a credential name or `issued(endpoint)`"),
                );
                return None;
            }
            Kind::Placed {
                placement,
                source: parse_source(diag, args[0])?,
            }
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
                    format!("`{hn}` is not a valid header name; use letters, digits and `-`"),
                );
                return None;
            }
            let lower = hn.to_ascii_lowercase();
            Kind::Placed {
                placement: quote!(Header(#lower)),
                source: parse_source(diag, args[1])?,
            }
        }
        "any" => {
            let mut alts = Vec::new();
            for a in &args {
                match expr_ident(a) {
                    Some(i) => alts.push(i.clone()),
                    None => diag.error_on(*a, "`any(..)` lists scheme names"),
                }
            }
            if alts.len() < 2 {
                diag.error(func.span(), "`any(..)` needs at least two scheme names");
            }
            Kind::Any(alts)
        }
        other => {
            diag.error(
                func.span(),
                format!("unknown scheme kind `{other}`{}; the kinds are bearer, authorization, header, any", suggestion(other, kinds)),
            );
            return None;
        }
    };
    Some(SchemeDecl { name, kind })
}

fn parse_source(diag: &mut Diag, e: &Expr) -> Option<Source> {
    if let Some(i) = expr_ident(e) {
        return Some(Source::Credential(i.clone()));
    }
    if let Expr::Call(c) = e
        && expr_ident(&c.func).is_some_and(|f| f == "issued")
        && let (Some(p), 1) = (c.args.first().and_then(expr_path), c.args.len())
    {
        return Some(Source::Issued(p.clone()));
    }
    diag.error_on(e, "expected a credential name or `issued(endpoint_module)`");
    None
}

fn parse_credential(diag: &mut Diag, field: &syn::Field) -> Option<Credential> {
    let ident = field.ident.clone()?;
    let mut public = false;
    let mut env = None;
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
                    suggestion(&k, ["env", "public"])
                )))
            }
        });
        if let Err(e) = r {
            diag.push(e);
        }
    }
    if !public && !is_named(&field.ty, "Secret") {
        diag.error_on(
            &field.ty,
            format!(
                "credential `{ident}` is secret by default and must be typed `Secret`; write `{ident}: Secret`, \
                 or mark it `#[credential(public)]` if it is not a secret"
            ),
        );
    }
    if let Some(e) = &env {
        let v = e.value();
        if v.is_empty()
            || !v
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        {
            diag.error(
                e.span(),
                "environment variable names are upper case letters, digits and `_`",
            );
        }
    }
    let attrs = field
        .attrs
        .iter()
        .filter(|a| !a.path().is_ident("credential"))
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

fn validate_schemes(diag: &mut Diag, schemes: &[SchemeDecl], creds: &[Credential]) {
    let cred_names: Vec<String> = creds.iter().map(|c| c.ident.to_string()).collect();
    let scheme_names: Vec<String> = schemes.iter().map(|s| s.name.to_string()).collect();
    for (i, s) in schemes.iter().enumerate() {
        if scheme_names[..i].contains(&scheme_names[i]) {
            diag.error(
                s.name.span(),
                format!("scheme `{}` is declared twice", s.name),
            );
        }
        match &s.kind {
            Kind::Placed { source: Source::Credential(c), .. } => match creds.iter().find(|x| x.ident == *c) {
                None => diag.error(
                    c.span(),
                    format!(
                        "no credential named `{c}`{}; declare it as a field of the provider: `{c}: Secret`",
                        suggestion(&c.to_string(), cred_names.iter().map(String::as_str))
                    ),
                ),
                Some(cred) if cred.public || !is_named(&cred.ty, "Secret") => diag.error(
                    c.span(),
                    format!("credential `{c}` is sent as a credential, so it must be a secret: type it `Secret` and drop `public`"),
                ),
                Some(_) => {}
            },
            Kind::Placed { source: Source::Issued(_), .. } => {}
            Kind::Any(alts) => {
                for a in alts {
                    match schemes.iter().find(|x| x.name == *a) {
                        None => diag.error(
                            a.span(),
                            format!("no scheme named `{a}`{}", suggestion(&a.to_string(), scheme_names.iter().map(String::as_str))),
                        ),
                        Some(x) if matches!(x.kind, Kind::Any(_)) => {
                            diag.error(a.span(), "`any(..)` cannot contain another `any` scheme; list the schemes directly")
                        }
                        Some(_) => {}
                    }
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn generate(
    rt: &Rt,
    item: &ItemStruct,
    name: Option<LitStr>,
    base_url: Option<LitStr>,
    base_urls: Vec<(Ident, LitStr)>,
    error_ty: Option<Type>,
    env_prefix: Option<LitStr>,
    envelope: Option<TokenStream>,
    schemes: Vec<SchemeDecl>,
    creds: Vec<Credential>,
    default_headers: Vec<(String, LitStr)>,
) -> TokenStream {
    let dh = default_headers.iter().map(|(n, v)| quote!((#n, #v)));
    let vis = &item.vis;
    let client = &item.ident;
    let client_docs = docs(&item.attrs);
    let keep = passthrough(&item.attrs, &["provider"]);
    let creds_ident = Ident::new("Credentials", client.span());

    let cred_fields = creds.iter().map(|c| {
        let (i, t, a) = (&c.ident, &c.ty, &c.attrs);
        quote!(#(#a)* #i: #rt::Option<#t>,)
    });
    let cred_methods = creds.iter().map(|c| {
        let (i, t, a) = (&c.ident, &c.ty, &c.attrs);
        let with = format_ident!("with_{}", i);
        let getter_doc = format!("The `{i}` credential, if set.");
        quote! {
            #(#a)*
            #[must_use]
            pub fn #with(mut self, value: impl ::core::convert::Into<#t>) -> Self {
                self.#i = #rt::Option::Some(value.into());
                self
            }
            #[doc = #getter_doc]
            pub fn #i(&self) -> #rt::Option<&#t> {
                self.#i.as_ref()
            }
        }
    });
    let env_list: Vec<String> = creds
        .iter()
        .filter_map(|c| {
            c.env
                .as_ref()
                .map(|e| format!("`{}` ({})", e.value(), c.ident))
        })
        .collect();
    let from_env_doc = if env_list.is_empty() {
        "Reads nothing: this provider declares no environment variables.".to_owned()
    } else {
        format!(
            "Reads the credentials from the environment: {}. Unset or empty variables leave a credential unset.",
            env_list.join(", ")
        )
    };
    let from_env_fields = creds.iter().map(|c| {
        let (i, t) = (&c.ident, &c.ty);
        match &c.env {
            Some(e) => quote_spanned!(c.ty_span()=> #i: #rt::env_credential(#e).map(<#t as ::core::convert::From<#rt::String>>::from),),
            None => quote!(#i: #rt::Option::None,),
        }
    });
    let is_empty = creds.iter().map(|c| {
        let i = &c.ident;
        quote!(self.#i.is_none())
    });

    // Schemes table.
    let mut slot = 0usize;
    let mut scheme_consts = Vec::new();
    let mut scheme_entries = Vec::new();
    for (idx, s) in schemes.iter().enumerate() {
        let sname = &s.name;
        let sname_str = sname.to_string();
        let idx16 = idx as u16;
        let cdoc = format!("The `{sname}` auth scheme (for `#[endpoint(auth = {sname})]`).");
        scheme_consts.push(quote! {
            #[doc = #cdoc]
            #[doc(hidden)]
            #[allow(non_upper_case_globals)]
            pub const #sname: #rt::SchemeId = #rt::SchemeId(#idx16);
        });
        let kind = match &s.kind {
            Kind::Placed {
                placement,
                source: Source::Credential(c),
            } => {
                let cstr = c.to_string();
                quote!(#rt::SchemeKind::Credential {
                    placement: #rt::Placement::#placement,
                    credential: #cstr,
                    get: #creds_ident::#c,
                })
            }
            Kind::Placed {
                placement,
                source: Source::Issued(path),
            } => {
                let issuer = path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                let needs = format!("the credentials of `{issuer}`");
                let this = slot;
                slot += 1;
                let req = quote_spanned!(path_span(path)=> #path::Request);
                quote!(#rt::SchemeKind::Issued {
                    placement: #rt::Placement::#placement,
                    slot: #this,
                    issuer: #issuer,
                    needs: #needs,
                    ready: #rt::issuer_ready::<Self, #req>,
                    issue: #rt::issue_with::<Self, #req>,
                })
            }
            Kind::Any(alts) => {
                let ids = alts.iter().map(|a| {
                    let i = schemes.iter().position(|x| x.name == *a).unwrap_or(0) as u16;
                    quote!(#rt::SchemeId(#i))
                });
                quote!(#rt::SchemeKind::Any(&[#(#ids),*]))
            }
        };
        scheme_entries.push(quote!(#rt::Scheme { name: #sname_str, kind: #kind }));
    }
    let token_slots = slot;
    let envelope = match envelope {
        Some(t) => {
            let (c, s, r): (TokenStream, TokenStream, TokenStream) = split_envelope(t);
            quote!(#rt::Option::Some(#rt::Envelope { code_field: #c, success: #s, reauth: &#r }))
        }
        None => quote!(#rt::Option::None),
    };

    let name = name.map(|n| n.value()).unwrap_or_default();
    let base = base_url.map(|b| b.value()).unwrap_or_default();
    let base_doc = format!("Default base URL: `{base}`.");
    let extra_bases = base_urls.iter().map(|(i, u)| {
        let c = format_ident!("BASE_URL_{}", i.to_string().to_ascii_uppercase());
        let d = format!("Base URL `{i}`: `{}`.", u.value());
        let v = u.value();
        quote!(#[doc = #d] pub const #c: &'static str = #v;)
    });
    let env_base = env_prefix
        .as_ref()
        .map(|p| format!("{}_BASE_URL", p.value()));
    let (env_base_doc, env_base_code) = match &env_base {
        Some(v) => (
            format!(
                " The base URL is read from `{v}` when set (plain http is then allowed for loopback hosts only)."
            ),
            quote! {
                if let #rt::Option::Some(url) = #rt::env_credential(#v) {
                    builder = builder.base_url(url).allow_http_loopback(true);
                }
            },
        ),
        None => (String::new(), quote!()),
    };
    let client_from_env_doc =
        format!("Builds a client from environment variables. {from_env_doc}{env_base_doc}");
    let error_ty = error_ty.map(|t| quote!(#t)).unwrap_or_else(|| quote!(()));
    let send_doc = format!(
        "Sends any endpoint of {name}, including endpoints declared outside this crate with `#[endpoint(provider = ...)]`: \
         authentication, token caching, retries and timeouts apply as for the generated methods."
    );
    let creds_doc =
        format!("Credentials of a {name} [`{client}`]. Secrets print as `Secret([REDACTED])`.");

    quote! {
        #(#client_docs)*
        #(#keep)*
        #[derive(Clone)]
        #vis struct #client {
            core: #rt::Arc<#rt::ClientCore<#client>>,
        }

        impl ::core::fmt::Debug for #client {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Debug::fmt(&*self.core, f)
            }
        }

        #[doc = #creds_doc]
        #[derive(Clone, Default, Debug)]
        #[non_exhaustive]
        #vis struct #creds_ident {
            #(#cred_fields)*
        }

        impl #creds_ident {
            /// No credentials; add them with the `with_*` methods.
            pub fn new() -> Self {
                ::core::default::Default::default()
            }
            #(#cred_methods)*
            #[doc = #from_env_doc]
            pub fn from_env() -> Self {
                Self { #(#from_env_fields)* }
            }
            /// Whether no credential is set.
            pub fn is_empty(&self) -> bool {
                true #(&& #is_empty)*
            }
        }

        impl #client {
            #[doc = #base_doc]
            pub const BASE_URL: &'static str = #base;
            #(#extra_bases)*

            /// Starts building a client: credentials, base URL, timeouts, retries, transport.
            pub fn builder() -> #rt::ClientBuilder<Self> {
                #rt::ClientBuilder::new()
            }

            #[doc = #client_from_env_doc]
            pub fn from_env() -> #rt::Result<Self, #rt::BuildError> {
                let mut builder = Self::builder().credentials(#creds_ident::from_env());
                #env_base_code
                builder.build()
            }

            #[doc = #send_doc]
            pub async fn send<E>(&self, request: E) -> #rt::Result<E::Response, #rt::Error<E::ErrorBody>>
            where
                E: #rt::Endpoint<Provider = Self>,
            {
                self.core.send(&request).await
            }

            /// The client's configuration, credentials and token caches.
            pub fn core(&self) -> &#rt::ClientCore<Self> {
                &self.core
            }

            #(#scheme_consts)*
        }

        impl #rt::Provider for #client {
            type Credentials = #creds_ident;
            type ErrorBody = #error_ty;
            const NAME: &'static str = #name;
            const DEFAULT_BASE_URL: &'static str = #base;
            const SCHEMES: &'static [#rt::Scheme<Self>] = &[#(#scheme_entries),*];
            const TOKEN_SLOTS: usize = #token_slots;
            const ENVELOPE: #rt::Option<#rt::Envelope> = #envelope;
            const DEFAULT_HEADERS: &'static [(&'static str, &'static str)] = &[#(#dh),*];
            fn from_core(core: #rt::Arc<#rt::ClientCore<Self>>) -> Self {
                Self { core }
            }
            fn core(&self) -> &#rt::ClientCore<Self> {
                &self.core
            }
        }
    }
}

impl Credential {
    fn ty_span(&self) -> Span {
        syn::spanned::Spanned::span(&self.ty)
    }
}

fn path_span(p: &syn::Path) -> Span {
    syn::spanned::Spanned::span(p)
}

fn split_envelope(t: TokenStream) -> (TokenStream, TokenStream, TokenStream) {
    // `(code, success, [reauth..])` built by `parse_envelope`.
    let tuple: syn::ExprTuple = match syn::parse2(t) {
        Ok(t) => t,
        Err(e) => return (e.to_compile_error(), quote!(0), quote!([])),
    };
    let mut it = tuple.elems.into_iter();
    let c = it.next().map(|e| quote!(#e)).unwrap_or_default();
    let s = it.next().map(|e| quote!(#e)).unwrap_or_default();
    let r = it.next().map(|e| quote!(#e)).unwrap_or_default();
    (c, s, r)
}
