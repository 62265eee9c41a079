//! `#[string_enum]`: an open set of string values (Coinflow's blockchains, Loccus' sort keys).
//! Unknown values received from a provider are kept in an added `Other(String)` variant.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{ItemEnum, LitStr};

use crate::args::{ArgValue, Args, expr_path};
use crate::diag::{Diag, suggestion};
use crate::util::{Rt, docs, rename};

pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut diag = Diag::new();
    let item: ItemEnum = match syn::parse2(item) {
        Ok(i) => i,
        Err(e) => {
            diag.push(e);
            return diag.finish();
        }
    };
    let mut rule: Option<String> = None;
    let mut krate = None;
    match syn::parse2::<Args>(args) {
        Ok(a) => {
            for arg in a.0 {
                match (arg.name().as_str(), &arg.value) {
                    ("rename_all", ArgValue::Value(e)) => {
                        rule = crate::endpoint::rename_rule(&mut diag, e)
                    }
                    ("crate", ArgValue::Value(e)) => krate = expr_path(e).cloned(),
                    (k, _) => diag.error(
                        arg.key.span(),
                        format!(
                            "unknown string_enum key `{k}`{}; the keys are rename_all, crate",
                            suggestion(k, ["rename_all", "crate"])
                        ),
                    ),
                }
            }
        }
        Err(e) => diag.push(e),
    }
    let rt = Rt::resolve(krate);
    let mut variants = Vec::new();
    let mut wires = Vec::new();
    let mut data_variants = Vec::new();
    for v in &item.variants {
        if !matches!(v.fields, syn::Fields::Unit) {
            diag.error_on(
                &v.fields,
                "string enum variants carry no data: remove the fields (unknown values are kept in the `Other(String)` variant added for you)",
            );
            if v.ident != "Other" {
                let (i, f) = (&v.ident, &v.fields);
                data_variants.push(quote!(#i #f,));
            }
            continue;
        }
        if v.ident == "Other" {
            diag.error(
                v.ident.span(),
                "`Other` is added by #[string_enum] to keep unknown values; rename this variant",
            );
            continue;
        }
        let mut wire: Option<String> = None;
        for a in &v.attrs {
            let name = a
                .path()
                .get_ident()
                .map(|i| i.to_string())
                .unwrap_or_default();
            if name == "wire" {
                match a.parse_args::<LitStr>() {
                    Ok(l) => wire = Some(l.value()),
                    Err(_) => diag.error_on(
                        a,
                        "write the exact wire value as a string: `#[wire(\"createdAt\")]`",
                    ),
                }
            } else if !crate::kw::BUILTIN_ATTRS.contains(&name.as_str()) {
                diag.error_on(
                    a.path(),
                    format!("unknown variant attribute `{name}`{}; a variant may have `#[wire(\"value\")]`", suggestion(&name, ["wire"])),
                );
            }
        }
        let name = v.ident.to_string();
        let w = wire.unwrap_or_else(|| match &rule {
            Some(r) => rename(&snake(&name), r),
            None => name.clone(),
        });
        if let Some((first, _)) = wires.iter().find(|(_, x): &&(syn::Ident, String)| *x == w) {
            diag.error(
                v.ident.span(),
                format!("wire value \"{w}\" is used twice (by `{first}` too); give one of them another value with `#[wire(\"...\")]`"),
            );
        }
        variants.push((docs(&v.attrs), v.ident.clone()));
        wires.push((v.ident.clone(), w));
    }
    let (vis, ident) = (&item.vis, &item.ident);
    let d = docs(&item.attrs);
    let errors = diag.finish();
    let defs = variants.iter().map(|(d, i)| quote!(#(#d)* #i,));
    // After a mistake the enum keeps every variant (uses compile) and maps nothing.
    let (to_str, from_str) = if errors.is_empty() {
        (
            wires
                .iter()
                .map(|(i, w)| quote!(Self::#i => #w,))
                .collect::<Vec<_>>(),
            wires
                .iter()
                .map(|(i, w)| quote!(#w => Self::#i,))
                .collect::<Vec<_>>(),
        )
    } else {
        (vec![quote!(_ => "",)], Vec::new())
    };
    quote! {
        #errors
        #(#d)*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        #vis enum #ident {
            #(#defs)*
            #(#data_variants)*
            /// A value this version does not know, kept exactly as received.
            Other(#rt::String),
        }

        impl #ident {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                #[allow(unreachable_patterns)]
                match self {
                    Self::Other(s) => s,
                    #(#to_str)*
                }
            }
        }

        impl ::core::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::convert::From<&str> for #ident {
            fn from(s: &str) -> Self {
                match s {
                    #(#from_str)*
                    other => Self::Other(::core::convert::Into::into(other)),
                }
            }
        }

        impl ::core::str::FromStr for #ident {
            type Err = ::core::convert::Infallible;
            fn from_str(s: &str) -> #rt::Result<Self, Self::Err> {
                #rt::Result::Ok(Self::from(s))
            }
        }

        impl #rt::ToParam for #ident {
            fn to_param(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(self.as_str())
            }
        }

        impl #rt::serde::Serialize for #ident {
            fn serialize<S: #rt::serde::Serializer>(&self, s: S) -> #rt::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> #rt::serde::Deserialize<'de> for #ident {
            fn deserialize<D: #rt::serde::Deserializer<'de>>(d: D) -> #rt::Result<Self, D::Error> {
                let s = <#rt::String as #rt::serde::Deserialize>::deserialize(d)?;
                #rt::Result::Ok(Self::from(s.as_str()))
            }
        }
    }
}

fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}
