//! `client_method`: `Client::<name>(required...)` returning the response, or a call
//! `Builder` (finished by `.send().await` or `.await`) when the endpoint has optional inputs.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::{Attribute, Ident};

use super::{Field, Spec};
use crate::util::{Rt, arg_ty, first_doc_line};

#[allow(clippy::too_many_arguments)]
pub fn items(
    rt: &Rt,
    req: &Ident,
    spec: &Spec,
    required: &[&Field],
    optional: &[&Field],
    response: &TokenStream,
    user_docs: &[Attribute],
    provider: &syn::Path,
) -> TokenStream {
    // Refused by validation (an inherent method on another crate's type): no second error.
    if spec
        .provider
        .as_ref()
        .is_some_and(super::validate::declared_in_auth_sdk)
    {
        return quote!();
    }
    let (Some(flag), Some(name)) = (&spec.client_method, &spec.name) else {
        return quote!();
    };
    let route = match (&spec.method, &spec.path) {
        (Some(m), Some(p)) => format!("`{m} {}`", p.value()),
        _ => format!("`{name}`"),
    };
    let new_args: Vec<TokenStream> = required
        .iter()
        .map(|f| {
            let i = &f.ident;
            let t = arg_ty(&f.ty);
            quote!(#i: #t)
        })
        .collect();
    let call_args: Vec<&Ident> = required.iter().map(|f| &f.ident).collect();
    let first_line = first_doc_line(user_docs).unwrap_or_default();
    let method_doc_head = if first_line.is_empty() {
        format!("Sends {route}.")
    } else {
        format!("{first_line}\n\nSends {route}.")
    };
    let rest_docs = user_docs.iter().skip(1);
    if optional.is_empty() {
        return quote_spanned! {flag.span()=>
            impl #provider {
                #[doc = #method_doc_head]
                #[doc = ""]
                #(#rest_docs)*
                pub async fn #name(&self, #(#new_args),*) -> #rt::Result<#response, Error> {
                    self.send(#req::new(#(#call_args),*)).await
                }
            }
        };
    }
    let builder_doc = format!(
        "Call builder of {route}, returned by the client's `{name}` method: set optional inputs, then `.send().await` (or just `.await`)."
    );
    let method_doc =
        format!("{method_doc_head} Optional inputs are set on the returned [`Builder`].");
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
            pub fn send(
                self,
            ) -> impl ::core::future::Future<Output = #rt::Result<#response, Error>> + Send + use<'a> {
                self.client.send(self.request)
            }
            /// The request as built so far.
            pub fn request(&self) -> &#req {
                &self.request
            }
        }

        impl<'a> ::core::future::IntoFuture for Builder<'a> {
            type Output = #rt::Result<#response, Error>;
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
