//! `#[model]`: a data type used inside requests and responses (Loccus' `ApiKey`, Coolset's
//! `Workspace`, a provider's error body). Derives `Debug`, `Clone`, `Deserialize`, and
//! `Serialize` unless a field holds a `Secret`, through the runtime's serde.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Item;

use crate::args::{ArgValue, Args, expr_path};
use crate::util::{Rt, mentions_secret};

pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut krate = None;
    match syn::parse2::<Args>(args) {
        Ok(a) => {
            for arg in a.0 {
                match (arg.name().as_str(), &arg.value) {
                    ("crate", ArgValue::Value(e)) => krate = expr_path(e).cloned(),
                    (k, _) => {
                        return syn::Error::new(
                            arg.key.span(),
                            format!("unknown model key `{k}`; #[model] takes only `crate = path`"),
                        )
                        .to_compile_error();
                    }
                }
            }
        }
        Err(e) => return e.to_compile_error(),
    }
    let rt = Rt::resolve(krate);
    let item: Item = match syn::parse2(item) {
        Ok(i) => i,
        Err(e) => return e.to_compile_error(),
    };
    let (secret, non_exhaustive) = match &item {
        Item::Struct(s) => (
            s.fields.iter().any(|f| mentions_secret(&f.ty)),
            quote!(#[non_exhaustive]),
        ),
        Item::Enum(e) => (
            e.variants
                .iter()
                .flat_map(|v| v.fields.iter())
                .any(|f| mentions_secret(&f.ty)),
            quote!(),
        ),
        other => {
            return syn::Error::new_spanned(other, "#[model] goes on a struct or an enum")
                .to_compile_error();
        }
    };
    let serde_crate = format!("{}::serde", rt.string());
    let ser = if secret {
        quote!()
    } else {
        quote!(#rt::serde::Serialize,)
    };
    quote! {
        #[derive(Debug, Clone, #ser #rt::serde::Deserialize)]
        #[serde(crate = #serde_crate)]
        #non_exhaustive
        #item
    }
}
