//! The generated request type, its constructor and setters, the `Error` alias and the
//! `Endpoint` impl. With `stub` (the spec has mistakes, reported beside these items) the same
//! items are generated with bodies that never run, so uses of the request, the client method
//! and the response produce no second error.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::{Ident, ItemStruct};

use super::{Auth, Field, Role, Spec, client};
use crate::path_template::Piece;
use crate::util::{Rt, arg_ty, docs, is_primitive, passthrough, pub_at};

pub fn generate(
    item: &ItemStruct,
    spec: &Spec,
    fields: &[Field],
    pieces: &[Piece],
    stub: bool,
) -> TokenStream {
    let rt = Rt::resolve(spec.krate.clone());
    let vis = &item.vis;
    let req = &item.ident;
    let keep = passthrough(&item.attrs, &["endpoint"]);
    let user_docs = docs(&item.attrs);
    let route = match (&spec.method, &spec.path) {
        (Some(m), Some(p)) => format!("`{m} {}`", p.value()),
        _ => format!("`{req}`"),
    };
    let req_doc_head = format!("Request of {route}.");

    // The struct, with the field's own tokens (so derive errors point at the field).
    let field_defs = fields.iter().map(|f| {
        let (i, t, d, k) = (&f.ident, &f.ty, &f.docs, &f.keep);
        let vis = pub_at(i.span());
        quote!(#(#d)* #(#k)* #vis #i: #t,)
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
        } else if is_primitive(&f.ty) {
            quote!(#i,)
        } else {
            quote!(#i: #i.into(),)
        }
    });
    let setters = optional.iter().map(|f| {
        let (i, d) = (&f.ident, &f.docs);
        let inner = f.inner.as_ref().unwrap_or(&f.ty);
        let arg = arg_ty(inner);
        let value = if is_primitive(inner) {
            quote!(value)
        } else {
            quote!(value.into())
        };
        quote! {
            #(#d)*
            #[must_use]
            #[allow(dead_code)] // a convenience: a caller may set the field directly
            pub fn #i(mut self, value: #arg) -> Self {
                self.#i = #rt::Option::Some(#value);
                self
            }
        }
    });
    let new_fn = quote_spanned! {req.span()=>
        /// Builds the request from its required inputs; optional inputs are set with the methods below.
        #[allow(clippy::new_without_default, dead_code)] // a caller may write the struct instead
        pub fn new(#(#new_args),*) -> Self {
            Self { #(#new_inits)* }
        }
    };

    // `Response` is named with one span, so a missing one is a single error.
    // A path from the module, not a bare name: inside the generated `impl Endpoint` a bare
    // `Response` that does not resolve drew rustc's suggestion of `Self::Response`.
    let response = quote_spanned!(req.span()=> self::Response);
    let endpoint_items = match &spec.provider {
        Some(provider) => {
            let error_doc = format!(
                "Error of {route}: the runtime's staged error with this provider's typed error body."
            );
            let error_body = match &spec.error {
                Some(t) => quote!(#t),
                None => {
                    let s = syn::spanned::Spanned::span(provider);
                    quote_spanned!(s=> <<Self as #rt::Endpoint>::Provider as #rt::Provider>::ErrorBody)
                }
            };
            let endpoint_impl =
                endpoint_impl(&rt, req, spec, fields, pieces, &response, &error_body, stub);
            let issuer = if spec.issuer {
                issuer_impl(&rt, req, spec, fields, provider, stub)
            } else {
                quote!()
            };
            let client = client::items(
                &rt, req, spec, &required, &optional, &response, &user_docs, provider,
            );
            quote! {
                #[doc = #error_doc]
                #vis type Error = #rt::Error<<#req as #rt::Endpoint>::ErrorBody>;
                #endpoint_impl
                #issuer
                #client
            }
        }
        None => quote!(),
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

        #endpoint_items
    }
}

#[allow(clippy::too_many_arguments)]
fn endpoint_impl(
    rt: &Rt,
    req: &Ident,
    spec: &Spec,
    fields: &[Field],
    pieces: &[Piece],
    response: &TokenStream,
    error_body: &TokenStream,
    stub: bool,
) -> TokenStream {
    let Some(provider) = &spec.provider else {
        return quote!();
    };
    let name_str = spec.name.as_ref().map(Ident::to_string).unwrap_or_default();
    let path = spec.path.as_ref().map(|p| p.value()).unwrap_or_default();
    let method = spec
        .method
        .as_ref()
        .map(|m| format_ident!("{}", m.to_string()))
        .unwrap_or_else(|| format_ident!("GET"));
    let idempotent = spec.idempotent.unwrap_or(matches!(
        method.to_string().as_str(),
        "GET" | "HEAD" | "PUT" | "DELETE"
    ));
    let success = quote_spanned!(req.span()=> <#response as #rt::ResponseSpec>::SUCCESS);
    let accept = quote_spanned!(req.span()=> <#response as #rt::ResponseSpec>::ACCEPT);

    // The scheme is looked up at compile time: an unknown name is one error on it, listing
    // the provider's schemes.
    let scheme = match &spec.auth {
        Some(Auth::Scheme(s)) => {
            let sname = s.to_string();
            quote_spanned! {s.span()=>
                #[allow(clippy::panic)]
                const SCHEME: #rt::SchemeId = match #rt::find_endpoint_scheme::<#req>(#sname) {
                    #rt::Option::Some(id) if #rt::issues_own_scheme::<#req>(id, #name_str) => {
                        ::core::panic!("{}", #rt::self_issued_scheme(#sname, #name_str).as_str())
                    }
                    #rt::Option::Some(id) => id,
                    #rt::Option::None => ::core::panic!("{}", #rt::unknown_endpoint_scheme::<#req>(#sname).as_str()),
                };
                #rt::Option::Some(SCHEME)
            }
        }
        _ => quote!(#rt::Option::None),
    };
    let group = fields.iter().find(|f| matches!(f.role, Role::Headers));
    let auth_body = match (group, &spec.auth) {
        (Some(g), Some(Auth::Scheme(_))) if !stub => {
            let i = &g.ident;
            quote!(#rt::HeaderGroup::<#provider>::auth(&self.#i).or({ #scheme }))
        }
        (Some(g), _) if !stub => {
            let i = &g.ident;
            quote!(#rt::HeaderGroup::<#provider>::auth(&self.#i))
        }
        _ => scheme,
    };

    let (build, decode) = if stub {
        let never = quote!(::core::unreachable!(
            "this endpoint's spec failed to compile"
        ));
        (never.clone(), never)
    } else {
        (
            super::build::build_request(rt, req, provider, spec, fields, pieces, &method),
            quote!(<#response as #rt::ResponseSpec>::decode(headers, body)),
        )
    };
    let (hname, bname) = if stub {
        (quote!(_headers), quote!(_body))
    } else {
        (quote!(headers), quote!(body))
    };
    let base = if stub { quote!(_base) } else { quote!(base) };

    let pspan = syn::spanned::Spanned::span(provider);
    // The bound is trivially true for a provider; for another type it is the one error
    // (`Provider`'s on_unimplemented message, on the user's path), and it stops the items
    // of the impl from failing again.
    let rt_at = rt.at(pspan);
    let bound = quote_spanned!(pspan=> where #provider: #rt_at::Provider);
    quote! {
        impl #rt::Endpoint for #req #bound {
            type Provider = #provider;
            type Response = #response;
            type ErrorBody = #error_body;
            const METADATA: #rt::Metadata = #rt::Metadata {
                name: #name_str,
                method: #rt::http::Method::#method,
                path: #path,
                idempotent: #idempotent,
                success: #success,
                accept: #accept,
            };

            fn auth(&self) -> #rt::Option<#rt::SchemeId> {
                #auth_body
            }

            fn prepare_request(
                &self,
                #base: &#rt::BaseUrl,
            ) -> #rt::Result<#rt::PreparedRequest, #rt::InvalidInput> {
                #build
            }

            fn decode_response(
                #hname: &#rt::http::HeaderMap,
                #bname: &[u8],
            ) -> #rt::Result<#response, #rt::DecodeFailure> {
                #decode
            }
        }
    }
}

/// Issuer: the request is built from the client's credentials (fields named like them).
fn issuer_impl(
    rt: &Rt,
    req: &Ident,
    spec: &Spec,
    fields: &[Field],
    provider: &syn::Path,
    stub: bool,
) -> TokenStream {
    let name_str = spec.name.as_ref().map(Ident::to_string).unwrap_or_default();
    let body = if stub {
        quote!(::core::unreachable!(
            "this endpoint's spec failed to compile"
        ))
    } else {
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
        quote!(#rt::Result::Ok(Self { #(#inits)* }))
    };
    let arg = if stub || fields.is_empty() {
        quote!(_credentials)
    } else {
        quote!(credentials)
    };
    // Readiness without copying secrets: every required credential is present.
    let required: Vec<&Ident> = fields
        .iter()
        .filter(|f| !f.optional())
        .map(|f| &f.ident)
        .collect();
    let ready_arg = if stub || required.is_empty() {
        quote!(_credentials)
    } else {
        quote!(credentials)
    };
    let ready = if stub {
        quote!(false)
    } else if required.is_empty() {
        quote!(true)
    } else {
        quote!(#(credentials.#required().is_some())&&*)
    };
    quote! {
        impl #rt::FromCredentials<#provider> for #req {
            fn from_credentials(
                #arg: &<#provider as #rt::Provider>::Credentials,
            ) -> #rt::Result<Self, #rt::MissingCredential> {
                #body
            }

            fn credentials_ready(
                #ready_arg: &<#provider as #rt::Provider>::Credentials,
            ) -> bool {
                #ready
            }
        }
    }
}
