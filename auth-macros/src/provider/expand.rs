//! The generated client, its `Credentials`, and its `Provider` impl with the scheme table.
//! With `stub`, the table holds stand-in entries for schemes that failed to parse, and the
//! missing keys get harmless values, so nothing that uses the client fails a second time.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::{Ident, ItemStruct};

use super::{Credential, Kind, SchemeDecl, Source, Spec};
use crate::util::{Rt, docs, passthrough};

pub fn generate(item: &ItemStruct, spec: &Spec, creds: &[Credential], stub: bool) -> TokenStream {
    let rt = Rt::resolve(spec.krate.clone());
    let rt = &rt;
    let vis = &item.vis;
    let client = &item.ident;
    let client_docs = docs(&item.attrs);
    let keep = passthrough(&item.attrs, &["provider"]);
    let creds_ident = Ident::new("Credentials", client.span());
    let name = spec
        .name
        .as_ref()
        .map(|n| n.value())
        .unwrap_or_else(|| client.to_string());
    let base = spec
        .base_url
        .as_ref()
        .map(|b| b.value())
        .unwrap_or_else(|| "https://invalid.example".to_owned());

    let credentials = credentials(rt, vis, &creds_ident, &name, client, creds);
    // Secret credentials only (a mistyped one is already an error of its own).
    let secret_visits = creds
        .iter()
        .filter(|c| !c.public && crate::util::is_named(&c.ty, "Secret"))
        .map(|c| {
            let i = &c.ident;
            quote!(if let #rt::Option::Some(s) = &credentials.#i { each(s); })
        });
    let (scheme_consts, scheme_entries, token_slots) =
        schemes(rt, &spec.schemes, creds, &creds_ident, stub);
    let envelope = match (&spec.envelope, stub) {
        (Some(e), false) => {
            let (c, s, r) = (&e.code, &e.success, &e.reauth);
            quote!(#rt::Option::Some(#rt::Envelope { code_field: #c, success: #s, reauth: &[#(#r),*] }))
        }
        _ => quote!(#rt::Option::None),
    };
    let default_headers = if spec.default_headers.is_empty() {
        quote!()
    } else {
        let n = spec.default_headers.len();
        let dh = spec.default_headers.iter().map(|(name, value)| {
            quote!((#rt::http::HeaderName::from_static(#name), #rt::http::HeaderValue::from_static(#value)))
        });
        quote! {
            fn default_headers(headers: &mut #rt::http::HeaderMap) {
                static HEADERS: [(#rt::http::HeaderName, #rt::http::HeaderValue); #n] = [#(#dh),*];
                for (name, value) in &HEADERS {
                    headers.insert(name.clone(), value.clone());
                }
            }
        }
    };
    let base_doc = format!("Default base URL: `{base}`.");
    let extra_bases = spec.base_urls.iter().map(|(i, u)| {
        let c = format_ident!("BASE_URL_{}", i.to_string().to_ascii_uppercase());
        let d = format!("Base URL `{i}`: `{}`.", u.value());
        let v = u.value();
        quote!(#[doc = #d] pub const #c: &'static str = #v;)
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
    let env_base = spec
        .env_prefix
        .as_ref()
        .map(|p| format!("{}_BASE_URL", p.value()));
    let (env_base_doc, env_base_code) = match &env_base {
        Some(v) => (
            format!(
                " The base URL is read from `{v}` when set (plain http is then allowed for loopback hosts only)."
            ),
            quote! {
                let mut builder = Self::builder().credentials(#creds_ident::from_env());
                if let #rt::Option::Some(url) = #rt::env_credential(#v) {
                    builder = builder.base_url(url).allow_http_loopback(true);
                }
            },
        ),
        None => (
            String::new(),
            quote!(let builder = Self::builder().credentials(#creds_ident::from_env());),
        ),
    };
    let client_from_env_doc =
        format!("Builds a client from environment variables. {from_env_doc}{env_base_doc}");
    let error_ty = match &spec.error {
        Some(t) => quote!(#t),
        None => quote!(()),
    };
    let send_doc = format!(
        "Sends any endpoint of {name}, including endpoints declared outside this crate with `#[endpoint(provider = ...)]`: \
         authentication, token caching, retries and timeouts apply as for the generated methods."
    );

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

        #credentials

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
                #env_base_code
                builder.build()
            }

            #[doc = #send_doc]
            #[allow(clippy::manual_async_fn)] // an `async fn` would keep `request` twice in its state
            pub fn send<E>(
                &self,
                request: E,
            ) -> impl ::core::future::Future<Output = #rt::Result<E::Response, #rt::Error<E::ErrorBody>>> + Send + use<'_, E>
            where
                E: #rt::Endpoint<Provider = Self>,
            {
                async move { self.core.send(&request).await }
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
            #default_headers
            fn credential_secrets(
                credentials: &#creds_ident,
                each: &mut dyn FnMut(&#rt::Secret),
            ) {
                #(#secret_visits)*
                let _ = (credentials, each);
            }
            type Core = #rt::ClientCore<Self>;
            fn from_core(core: #rt::Arc<#rt::ClientCore<Self>>) -> Self {
                Self { core }
            }
            fn core(&self) -> &#rt::ClientCore<Self> {
                &self.core
            }
        }
    }
}

fn credentials(
    rt: &Rt,
    vis: &syn::Visibility,
    creds_ident: &Ident,
    name: &str,
    client: &Ident,
    creds: &[Credential],
) -> TokenStream {
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
            Some(e) => {
                let span = syn::spanned::Spanned::span(&c.ty);
                if crate::util::is_named(t, "String") {
                    quote_spanned!(span=> #i: #rt::env_credential(#e),)
                } else {
                    quote_spanned!(span=> #i: #rt::env_credential(#e).map(<#t as ::core::convert::From<#rt::String>>::from),)
                }
            }
            None => quote!(#i: #rt::Option::None,),
        }
    });
    let is_empty: Vec<TokenStream> = creds
        .iter()
        .map(|c| {
            let i = &c.ident;
            quote!(self.#i.is_none())
        })
        .collect();
    let is_empty = if is_empty.is_empty() {
        quote!(true)
    } else {
        quote!(#(#is_empty)&&*)
    };
    let creds_doc =
        format!("Credentials of a {name} [`{client}`]. Secrets print as `Secret([REDACTED])`.");
    quote! {
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
                #is_empty
            }
        }
    }
}

/// The scheme constants (`Client::token`), the `SCHEMES` table and the number of token slots.
fn schemes(
    rt: &Rt,
    schemes: &[SchemeDecl],
    creds: &[Credential],
    creds_ident: &Ident,
    stub: bool,
) -> (Vec<TokenStream>, Vec<TokenStream>, usize) {
    let mut slot = 0usize;
    let mut consts = Vec::new();
    let mut entries = Vec::new();
    for (idx, s) in schemes.iter().enumerate() {
        let sname = &s.name;
        let sname_str = sname.to_string();
        let idx16 = idx as u16;
        let cdoc = format!("The `{sname}` auth scheme (for `#[endpoint(auth = {sname})]`).");
        consts.push(quote! {
            #[doc = #cdoc]
            #[doc(hidden)]
            #[allow(non_upper_case_globals)]
            pub const #sname: #rt::SchemeId = #rt::SchemeId(#idx16);
        });
        let stub_kind = quote!(#rt::stub_kind::<Self>());
        let kind = match &s.kind {
            _ if !s.ok => stub_kind,
            Some(Kind::Placed {
                placement,
                source: Source::Credential(c),
            }) => {
                if stub {
                    stub_kind
                } else {
                    let cstr = c.to_string();
                    quote!(#rt::SchemeKind::Credential {
                        placement: #rt::Placement::#placement,
                        credential: #cstr,
                        get: #creds_ident::#c,
                    })
                }
            }
            Some(Kind::Placed {
                placement,
                source: Source::Issued(path),
            }) => {
                // Kept even in a stub: it is the check that the issuer really is one.
                let issuer = path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                let needs = format!("the credentials of `{issuer}`");
                let this = slot;
                slot += 1;
                let span = syn::spanned::Spanned::span(path);
                let req = quote_spanned!(span=> #path::Request);
                quote_spanned!(span=> #rt::issued_kind::<Self, #req>(#rt::Placement::#placement, #this, #issuer, #needs))
            }
            Some(Kind::Basic {
                user,
                password,
                form_encoded,
            }) if !stub => {
                let (ustr, pstr) = (user.to_string(), password.to_string());
                let user_is_secret = creds
                    .iter()
                    .find(|c| c.ident == *user)
                    .is_some_and(|c| crate::util::is_named(&c.ty, "Secret"));
                let get_user = if user_is_secret {
                    quote!(|c: &#creds_ident| c.#user.as_ref().map(#rt::Secret::expose_secret))
                } else {
                    quote!(|c: &#creds_ident| c.#user.as_deref())
                };
                quote!(#rt::SchemeKind::Basic {
                    user: #ustr,
                    password: #pstr,
                    get_user: #get_user,
                    get_password: #creds_ident::#password,
                    form_encoded: #form_encoded,
                })
            }
            Some(Kind::Any(alts)) if !stub => {
                let ids = alts.iter().map(|a| {
                    let i = schemes.iter().position(|x| x.name == *a).unwrap_or(0) as u16;
                    quote!(#rt::SchemeId(#i))
                });
                quote!(#rt::SchemeKind::Any(&[#(#ids),*]))
            }
            _ => stub_kind,
        };
        entries.push(quote!(#rt::Scheme { name: #sname_str, kind: #kind }));
    }
    (consts, entries, slot)
}
