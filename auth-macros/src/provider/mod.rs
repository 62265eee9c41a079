//! `#[provider(...)]`: a provider's client type, its credentials and its auth schemes.
//!
//! After a mistake the client, its `Credentials` and its `Provider` impl are still generated
//! (with a stand-in scheme table), so that endpoints naming the provider and code using the
//! client produce no second error.

mod expand;
mod parse;
mod scheme;

use proc_macro2::TokenStream;
use syn::{Ident, ItemStruct, LitInt, LitStr, Type};

use crate::diag::Diag;

pub struct Credential {
    pub ident: Ident,
    pub ty: Type,
    pub public: bool,
    pub env: Option<LitStr>,
    pub attrs: Vec<syn::Attribute>,
}

pub enum Source {
    Credential(Ident),
    Issued(syn::Path),
}

pub enum Kind {
    Placed {
        placement: TokenStream,
        source: Source,
    },
    Any(Vec<Ident>),
    /// `basic(user, password)`: HTTP Basic from two credentials;
    /// `client_secret_basic(id, secret)`: the same with each half form-encoded first
    /// (RFC 6749 §2.3.1).
    Basic {
        user: Ident,
        password: Ident,
        form_encoded: bool,
    },
}

pub struct SchemeDecl {
    pub name: Ident,
    /// `None` when the kind could not be parsed (reported).
    pub kind: Option<Kind>,
    /// Whether the scheme passed validation (its table entry can be generated).
    pub ok: bool,
}

pub struct Envelope {
    pub code: LitStr,
    pub success: LitInt,
    pub reauth: Vec<LitInt>,
}

#[derive(Default)]
pub struct Spec {
    pub name: Option<LitStr>,
    pub base_url: Option<LitStr>,
    pub base_urls: Vec<(Ident, LitStr)>,
    pub error: Option<Type>,
    pub env_prefix: Option<LitStr>,
    pub envelope: Option<Envelope>,
    pub schemes: Vec<SchemeDecl>,
    pub krate: Option<syn::Path>,
    pub default_headers: Vec<(String, LitStr)>,
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
    let mut spec = parse::spec(&mut diag, args);
    let creds = parse::credentials(&mut diag, &item);
    scheme::validate_schemes(&mut diag, &mut spec.schemes, &creds);
    let errors = diag.finish();
    let stub = !errors.is_empty();
    let items = expand::generate(&item, &spec, &creds, stub);
    quote::quote!(#errors #items)
}
