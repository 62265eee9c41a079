//! `#[model]`: a data type used inside requests and responses (Loccus' `ApiKey`, Coolset's
//! `Workspace`, a provider's error body). Derives `Debug`, `Clone`, `Deserialize`, and
//! `Serialize` unless a field holds a `Secret`, through the runtime's serde.
//!
//! Named fields are read through one generic function (`#[serde(deserialize_with)]`), so a
//! field type that does not deserialize is one error on that type rather than serde's three;
//! fields of types that surely deserialize (`util::known_json`) are read directly.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Fields, Item};

use crate::args::{ArgValue, Args, expr_path};
use crate::diag::{Diag, suggestion};
use crate::util::{Rt, de_field_attrs, mentions_secret};

pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut diag = Diag::new();
    let mut krate = None;
    match syn::parse2::<Args>(args) {
        Ok(a) => {
            for arg in a.0 {
                match (arg.name().as_str(), &arg.value) {
                    ("crate", ArgValue::Value(e)) => krate = expr_path(e).cloned(),
                    (k, _) => diag.error(
                        arg.key.span(),
                        format!(
                            "unknown model key `{k}`{}; #[model] takes only `crate = path` (use #[serde(..)] for serde options)",
                            suggestion(k, ["crate"])
                        ),
                    ),
                }
            }
        }
        Err(e) => diag.push(e),
    }
    let rt = Rt::resolve(krate);
    let mut item: Item = match syn::parse2(item) {
        Ok(i) => i,
        Err(e) => {
            diag.push(e);
            return diag.finish();
        }
    };
    let (secret, non_exhaustive) = match &mut item {
        Item::Struct(s) => {
            let secret = s.fields.iter().any(|f| mentions_secret(&f.ty));
            if s.generics.params.is_empty() {
                route_fields(&mut s.fields, &rt);
            }
            (secret, quote!(#[non_exhaustive]))
        }
        Item::Enum(e) => {
            let secret = e
                .variants
                .iter()
                .flat_map(|v| v.fields.iter())
                .any(|f| mentions_secret(&f.ty));
            if e.generics.params.is_empty() {
                for v in &mut e.variants {
                    route_fields(&mut v.fields, &rt);
                }
            }
            (secret, quote!())
        }
        other => {
            diag.error_on(&*other, "#[model] goes on a struct or an enum");
            let errors = diag.finish();
            return quote!(#errors #other);
        }
    };
    let errors = diag.finish();
    let serde_crate = format!("{}::serde", rt.string());
    let ser = if secret {
        quote!()
    } else {
        quote!(#rt::serde::Serialize,)
    };
    quote! {
        #errors
        #[derive(Debug, Clone, #ser #rt::serde::Deserialize)]
        #[serde(crate = #serde_crate)]
        #non_exhaustive
        #item
    }
}

/// Reads the named fields through `de_field` where that helps a diagnostic
/// ([`de_field_attrs`]).
fn route_fields(fields: &mut Fields, rt: &Rt) {
    let Fields::Named(named) = fields else { return };
    for f in &mut named.named {
        let extra = de_field_attrs(&f.ty, &f.attrs, rt);
        f.attrs.extend(extra);
    }
}
