//! `#[string_enum]`: an open set of string values (Coinflow's blockchains, Loccus' sort keys).
//! Unknown values received from a provider are kept in an added `Other(String)` variant.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{ItemEnum, LitStr};

use crate::args::{ArgValue, Args, expr_path, expr_str};
use crate::diag::{Diag, suggestion};
use crate::util::{RENAME_RULES, Rt, docs, rename};

pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut diag = Diag::new();
    let item: ItemEnum = match syn::parse2(item) {
        Ok(i) => i,
        Err(e) => return e.to_compile_error(),
    };
    let mut rule: Option<String> = None;
    let mut krate = None;
    match syn::parse2::<Args>(args) {
        Ok(a) => {
            for arg in a.0 {
                match (arg.name().as_str(), &arg.value) {
                    ("rename_all", ArgValue::Value(e)) => match expr_str(e) {
                        Some(l) if RENAME_RULES.contains(&l.value().as_str()) => {
                            rule = Some(l.value())
                        }
                        _ => diag.error(
                            arg.key.span(),
                            format!("expected one of {}", RENAME_RULES.join(", ")),
                        ),
                    },
                    ("crate", ArgValue::Value(e)) => krate = expr_path(e).cloned(),
                    (k, _) => diag.error(
                        arg.key.span(),
                        format!(
                            "unknown string_enum key `{k}`{}",
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
    for v in &item.variants {
        if !matches!(v.fields, syn::Fields::Unit) {
            diag.error_on(
                &v.fields,
                "string enum variants carry no data; the `Other(String)` variant is added for you",
            );
            continue;
        }
        if v.ident == "Other" {
            diag.error(
                v.ident.span(),
                "`Other` is added by #[string_enum] to keep unknown values; rename this variant",
            );
        }
        let mut wire: Option<String> = None;
        for a in v.attrs.iter().filter(|a| a.path().is_ident("wire")) {
            match a.parse_args::<LitStr>() {
                Ok(l) => wire = Some(l.value()),
                Err(_) => diag.error_on(a, "write `#[wire(\"value\")]`"),
            }
        }
        let name = v.ident.to_string();
        let w = wire.unwrap_or_else(|| match &rule {
            Some(r) => rename(&snake(&name), r),
            None => name.clone(),
        });
        if wires.iter().any(|(_, x): &(syn::Ident, String)| *x == w) {
            diag.error(v.ident.span(), format!("wire value \"{w}\" is used twice"));
        }
        variants.push((docs(&v.attrs), v.ident.clone()));
        wires.push((v.ident.clone(), w));
    }
    let (vis, ident) = (&item.vis, &item.ident);
    let d = docs(&item.attrs);
    if diag.has_errors() {
        let e = diag.to_compile_errors();
        return quote!(#e #(#d)* #vis enum #ident { Other(::std::string::String) });
    }
    let defs = variants.iter().map(|(d, i)| quote!(#(#d)* #i,));
    let to_str = wires.iter().map(|(i, w)| quote!(Self::#i => #w,));
    let from_str = wires.iter().map(|(i, w)| quote!(#w => Self::#i,));
    let serde_crate = format!("{}::serde", rt.string());
    let _ = serde_crate;
    quote! {
        #(#d)*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        #vis enum #ident {
            #(#defs)*
            /// A value this version does not know, kept exactly as received.
            Other(#rt::String),
        }

        impl #ident {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::Other(s) => s,
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
