//! The generated response struct, its `ResponseSpec` impl (the decoder) and, for token
//! issuers, its `TokenResponse` impl. With `stub`, the decoder never runs and the token impl
//! only keeps its type checks, so the endpoint and the provider using it fail no second time.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::{Ident, ItemStruct};

use super::{BodyAs, Field, Kind, Life, Spec};
use crate::util::{Rt, de_field_attrs, docs, passthrough, pub_at};

pub fn generate(item: &ItemStruct, spec: &Spec, fields: &[Field], stub: bool) -> TokenStream {
    let rt = Rt::resolve(spec.krate.clone());
    let (vis, ident) = (&item.vis, &item.ident);
    let keep = passthrough(&item.attrs, &["response"]);
    let d = docs(&item.attrs);
    // The field keeps the user's spans (errors about its type point at it); a field the
    // caller never reads is not dead code they wrote, hence the `allow`.
    let defs = fields.iter().map(|f| {
        let (i, t, d, k) = (&f.ident, &f.ty, &f.docs, &f.keep);
        let vis = pub_at(i.span());
        quote!(#(#d)* #(#k)* #[allow(dead_code)] #vis #i: #t,)
    });
    let statuses = if spec.statuses.is_empty() {
        vec![200]
    } else {
        spec.statuses.clone()
    };
    let decode = if stub {
        quote! {
            fn decode(_headers: &#rt::http::HeaderMap, _body: &[u8]) -> #rt::Result<Self, #rt::DecodeFailure> {
                ::core::unreachable!("this response's spec failed to compile")
            }
        }
    } else {
        decoder(&rt, spec, fields)
    };
    let token_impl = token_impl(&rt, ident, spec, stub);
    // `Accept` follows how the body is taken.
    let accept = match fields.iter().find_map(|f| match f.kind {
        Kind::Body(how) => Some(how),
        _ => None,
    }) {
        Some(BodyAs::Text) => quote!(
            const ACCEPT: &'static str = "text/plain";
        ),
        Some(BodyAs::Bytes) => quote!(
            const ACCEPT: &'static str = "application/octet-stream";
        ),
        _ => quote!(),
    };
    quote! {
        #(#d)*
        #(#keep)*
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        #vis struct #ident { #(#defs)* }

        impl #rt::ResponseSpec for #ident {
            const SUCCESS: &'static [u16] = &[#(#statuses),*];
            #accept
            #decode
        }
        #token_impl
    }
}

fn decoder(rt: &Rt, spec: &Spec, fields: &[Field]) -> TokenStream {
    let serde_crate = format!("{}::serde", rt.string());
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
            // Read through one generic function where that makes a type that does not
            // deserialize one error on the field's type (serde's derive reports three).
            let with = de_field_attrs(t, attrs, rt);
            quote!(#(#attrs)* #(#with)* #i: #t,)
        });
        let ra = spec
            .rename_all
            .as_ref()
            .map(|r| quote!(#[serde(rename_all = #r)]));
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
        let span = syn::spanned::Spanned::span(&f.ty);
        let at = rt.at(span);
        match &f.kind {
            Kind::Json(_) => quote!(#i: __b.#i,),
            Kind::Header(n) => {
                let name = rt.header_name(n);
                quote_spanned!(span=> #i: #at::decode_header(headers, #name)?,)
            }
            Kind::Body(BodyAs::Json) => quote_spanned!(span=> #i: #at::decode_body(body)?,),
            Kind::Body(BodyAs::Text) => quote_spanned!(span=> #i: #at::decode_text(body)?,),
            Kind::Body(BodyAs::Bytes) => quote_spanned!(span=> #i: #at::decode_bytes(body)?,),
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
        fn decode(#hname: &#rt::http::HeaderMap, #bname: &[u8]) -> #rt::Result<Self, #rt::DecodeFailure> {
            #decode_body
            #rt::Result::Ok(Self { #(#inits)* })
        }
    }
}

fn token_impl(rt: &Rt, ident: &Ident, spec: &Spec, stub: bool) -> TokenStream {
    let Some(t) = &spec.token else {
        return quote!();
    };
    let body = if spec.token_ok && spec.life_ok {
        let lifetime = match &spec.life {
            Some((Life::In(path), _)) => {
                let (f, span) = (path.tokens(), path.span());
                let rt_at = rt.at(span);
                // `self` with the macro's own span: a spec written by `macro_rules!` could
                // not name it with the user's.
                let access = quote!(self.#f);
                quote_spanned! {span=>
                    match #rt_at::ExpiresIn::expires_in(&#access) {
                        #rt::Option::Some(s) => #rt::Lifetime::Seconds(s),
                        #rt::Option::None => #rt::Lifetime::Unknown,
                    }
                }
            }
            Some((Life::At(path), _)) => {
                let (f, span) = (path.tokens(), path.span());
                let rt_at = rt.at(span);
                let access = quote!(self.#f);
                quote_spanned! {span=>
                    match #rt_at::ExpiresAt::expires_at(&#access) {
                        #rt::Option::Some(t) => #rt::Lifetime::At(t),
                        #rt::Option::None => #rt::Lifetime::Unknown,
                    }
                }
            }
            Some((Life::Jwt, _)) => quote!(#rt::Lifetime::Jwt),
            None => quote!(#rt::Lifetime::Unknown),
        };
        let max = match spec.max_lifetime {
            Some((s, _)) => quote!(#rt::Option::Some(::core::time::Duration::from_secs(#s))),
            None => quote!(#rt::Option::None),
        };
        if stub {
            // Keep the type checks of the lifetime field; the body never runs.
            quote! {
                let _ = #lifetime;
                ::core::unreachable!("this response's spec failed to compile")
            }
        } else {
            let (tp, tspan) = (t.tokens(), t.span());
            let rt_at = rt.at(tspan);
            let access = quote!(self.#tp);
            let token = quote_spanned!(tspan=> #rt_at::IsSecret::to_secret(&#access));
            quote! {
                #rt::IssuedToken::new(#token, #lifetime).with_max_lifetime(#max)
            }
        }
    } else {
        quote!(::core::unreachable!(
            "this response's spec failed to compile"
        ))
    };
    quote! {
        impl #rt::TokenResponse for #ident {
            fn issued_token(&self) -> #rt::IssuedToken {
                #body
            }
        }
    }
}
