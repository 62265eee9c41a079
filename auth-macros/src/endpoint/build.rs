//! The request-building half of `Endpoint::to_http_request`: path pieces, query, headers,
//! the header group, and the body (JSON or form, the spec's fixed members first).

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::Ident;

use super::{Field, Role, Spec};
use crate::path_template::Piece;
use crate::util::{Rt, is_named};

#[allow(clippy::too_many_arguments)]
pub fn build_request(
    rt: &Rt,
    req: &Ident,
    provider: &syn::Path,
    spec: &Spec,
    fields: &[Field],
    pieces: &[Piece],
    method: &Ident,
) -> TokenStream {
    let mut build = Vec::new();
    for p in pieces {
        match p {
            Piece::Literal(l) => build.push(quote!(rb.path(#l);)),
            Piece::Param(n) => {
                let Some(f) = fields.iter().find(|f| f.ident == n) else {
                    continue;
                };
                let Role::Path { charset } = &f.role else {
                    continue;
                };
                let i = &f.ident;
                let istr = i.to_string();
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
    // The spec's fixed members come first, as the spec lists them.
    for (n, (name, value)) in spec.fixed.iter().enumerate() {
        let member = format_ident!("__fixed_{}", n);
        let wire = name.to_string();
        body_fields.push(quote!(#[serde(rename = #wire)] #member: &'a str,));
        body_inits.push(quote!(#member: #value,));
    }
    for f in fields {
        let i = &f.ident;
        let istr = i.to_string();
        match &f.role {
            Role::Query { name } => build.push(if f.optional() {
                quote_spanned!(f.ty_span()=> if let #rt::Option::Some(v) = &self.#i { rb.query(#name, v); })
            } else {
                quote_spanned!(f.ty_span()=> rb.query(#name, &self.#i);)
            }),
            Role::Header { name, .. } => {
                let name = rt.header_name(name);
                build.push(if f.optional() {
                    quote_spanned!(f.ty_span()=> if let #rt::Option::Some(v) = &self.#i { rb.header(#name, #istr, v)?; })
                } else {
                    quote_spanned!(f.ty_span()=> rb.header(#name, #istr, &self.#i)?;)
                })
            }
            Role::Headers => build.push(
                quote_spanned!(f.ty_span()=> #rt::HeaderGroup::<#provider>::apply(&self.#i, &mut rb)?;),
            ),
            Role::Body { name } => {
                let inner = f.inner.as_ref().unwrap_or(&f.ty);
                let secret = is_named(inner, "Secret");
                let (ty, init) = match (f.optional(), secret) {
                    (false, false) => (quote!(&'a #inner), quote!(&self.#i)),
                    (true, false) => (quote!(#rt::Option<&'a #inner>), quote!(self.#i.as_ref())),
                    (false, true) => (quote!(#rt::Expose<'a>), quote!(#rt::Expose(&self.#i))),
                    (true, true) => (
                        quote!(#rt::Option<#rt::Expose<'a>>),
                        quote!(self.#i.as_ref().map(#rt::Expose)),
                    ),
                };
                let skip = if f.optional() {
                    quote!(#[serde(skip_serializing_if = "Option::is_none")])
                } else {
                    quote!()
                };
                body_fields.push(quote!(#[serde(rename = #name)] #skip #i: #ty,));
                body_inits.push(quote!(#i: #init,));
            }
            Role::Path { .. } => {}
        }
    }
    let encode = if spec.form.is_some() {
        format_ident!("form")
    } else {
        format_ident!("json")
    };
    if !body_fields.is_empty() {
        build.push(quote! {
            #[derive(#rt::serde::Serialize)]
            #[serde(crate = #serde_crate)]
            struct __Body<'a> { #(#body_fields)* }
            rb.#encode(&__Body { #(#body_inits)* })?;
        });
    }
    quote! {
        let mut rb = #rt::request_builder::<#req>(#rt::http::Method::#method, base);
        #(#build)*
        #rt::Result::Ok(rb.finish())
    }
}
