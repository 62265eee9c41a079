//! `#[endpoint(...)]` on a request struct: parse the arguments and fields into a model,
//! validate the model (every mistake at once), then generate the request type, the
//! `Endpoint` impl, the client method and builder, or, after a mistake, the same items with
//! stub bodies so that uses of the request produce no second error.

mod build;
mod client;
mod expand;
mod fields;
mod parse;
mod validate;

pub use fields::suggest_header;
pub use parse::rename_rule;

use proc_macro2::{Span, TokenStream};
use syn::{Attribute, Ident, ItemStruct, LitStr, Type};

use crate::diag::Diag;

/// Where a request field goes.
#[derive(Clone)]
pub enum Role {
    Path { charset: Vec<(char, char)> },
    Query { name: String },
    Header { name: String, lit: Option<LitStr> },
    Headers,
    Body { name: String },
}

/// One request field.
pub struct Field {
    pub ident: Ident,
    pub ty: Type,
    /// `T` of an `Option<T>` field (an optional input).
    pub inner: Option<Type>,
    pub role: Role,
    /// The role attribute's name (`#[query]`), or the field's name for a default role.
    pub role_span: Span,
    pub docs: Vec<Attribute>,
    pub keep: Vec<Attribute>,
}

impl Field {
    pub fn optional(&self) -> bool {
        self.inner.is_some()
    }

    pub fn ty_span(&self) -> Span {
        syn::spanned::Spanned::span(&self.ty)
    }
}

/// `auth = none` or `auth = scheme`.
pub enum Auth {
    None,
    Scheme(Ident),
}

/// The container arguments.
#[derive(Default)]
pub struct Spec {
    pub name: Option<Ident>,
    pub provider: Option<syn::Path>,
    pub method: Option<Ident>,
    pub path: Option<LitStr>,
    pub auth: Option<Auth>,
    pub idempotent: Option<bool>,
    pub issuer: bool,
    pub client_method: Option<Ident>,
    pub error: Option<Type>,
    pub rename_all: Option<String>,
    pub krate: Option<syn::Path>,
    /// `body = form` (the key, for errors); JSON when absent.
    pub form: Option<Ident>,
    /// `fixed(grant_type = "client_credentials")`: body members the spec sets, in order.
    pub fixed: Vec<(Ident, LitStr)>,
}

impl Spec {
    /// Whether the method sends a body (fields default to `#[body]`).
    pub fn has_body(&self) -> bool {
        self.method
            .as_ref()
            .is_some_and(|m| matches!(m.to_string().as_str(), "POST" | "PUT" | "PATCH"))
    }
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
    if let Some(refused) = crate::util::refuse_generics(&mut diag, &item, "request") {
        return refused;
    }
    let spec = parse::spec(&mut diag, args);
    let fields = fields::fields(&mut diag, &item, &spec);
    let pieces = validate::validate(&mut diag, &spec, &fields);
    let errors = diag.finish();
    let stub = !errors.is_empty();
    let items = expand::generate(&item, &spec, &fields, &pieces, stub);
    quote::quote!(#errors #items)
}
