//! Small helpers over syn types shared by the expansions.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Attribute, GenericArgument, PathArguments, Type};

/// How generated code names the runtime: `::auth_sdk::__private` by default, the runtime
/// crate itself when expanding inside `auth-specs` (which `auth-sdk` depends on, so it
/// cannot name `auth_sdk`), or the path given with `crate = ...`.
#[derive(Clone)]
pub struct Rt(pub TokenStream);

impl Rt {
    pub fn resolve(explicit: Option<syn::Path>) -> Rt {
        if let Some(p) = explicit {
            return Rt(quote!(#p::__private));
        }
        match std::env::var("CARGO_PKG_NAME").as_deref() {
            Ok("auth-specs") => Rt(quote!(::auth_runtime::__private)),
            _ => Rt(quote!(::auth_sdk::__private)),
        }
    }

    /// The path with every token spanned on `span`, for checks whose error must point at
    /// the user's token as a whole (a span cannot join the user's tokens with ours).
    pub fn at(&self, span: proc_macro2::Span) -> TokenStream {
        respan(self.0.clone(), span)
    }

    /// A `&'static HeaderName` for `name` (lowercase, checked by the macro): a static built
    /// at compile time, so a call does not parse the name again.
    pub fn header_name(&self, name: &str) -> TokenStream {
        let rt = &self.0;
        quote!({
            static NAME: #rt::http::HeaderName = #rt::http::HeaderName::from_static(#name);
            &NAME
        })
    }

    /// The path as a string, for serde's `crate = "..."` and `serialize_with = "..."`.
    pub fn string(&self) -> String {
        self.0.to_string().replace(' ', "")
    }
}

impl quote::ToTokens for Rt {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.0.to_tokens(tokens);
    }
}

/// `tokens` with every span (also inside groups) set to `span`.
pub fn respan(tokens: TokenStream, span: proc_macro2::Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            if let proc_macro2::TokenTree::Group(g) = &tt {
                let mut ng = proc_macro2::Group::new(g.delimiter(), respan(g.stream(), span));
                ng.set_span(span);
                tt = proc_macro2::TokenTree::Group(ng);
            } else {
                tt.set_span(span);
            }
            tt
        })
        .collect()
}

/// `Option<T>` → `Some(T)`.
pub fn option_inner(ty: &Type) -> Option<&Type> {
    generic_inner(ty, "Option")
}

fn generic_inner<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(tp) = ty else { return None };
    let seg = tp.path.segments.last()?;
    if seg.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}

/// Whether a field type is one that surely reads from JSON: a std scalar, `String`, the
/// runtime's `Secret` or `Timestamp`, or an `Option`, `Vec` or `Box` of one. Such fields are
/// deserialized directly; the others go through `de_field`, whose bound makes a type that does
/// not deserialize one error on the field (serde's derive reports three), at the cost of a
/// wrapper type per field, and of serde_json's element and value readers compiled for each.
/// Judged by name, as a macro must: a user's own type named `String` or `Timestamp` that does
/// not deserialize still fails to compile, with serde's errors instead of ours.
pub fn known_json(ty: &Type) -> bool {
    const SCALARS: &[&str] = &[
        "String",
        "bool",
        "char",
        "i8",
        "i16",
        "i32",
        "i64",
        "i128",
        "isize",
        "u8",
        "u16",
        "u32",
        "u64",
        "u128",
        "usize",
        "f32",
        "f64",
        "Secret",
        "Timestamp",
    ];
    if SCALARS.iter().any(|n| is_named(ty, n)) {
        return true;
    }
    ["Option", "Vec", "Box"]
        .iter()
        .find_map(|w| generic_inner(ty, w))
        .is_some_and(known_json)
}

/// The attributes that read a named field through `de_field` (see [`known_json`]): none when
/// its type surely deserializes or the field chooses its own deserializer; else
/// `#[serde(deserialize_with = "..::de_field")]`, spanned on the type, and `#[serde(default)]`
/// for an `Option` (a missing member stays `None`, as without `deserialize_with`).
pub fn de_field_attrs(ty: &Type, attrs: &[Attribute], rt: &Rt) -> Vec<Attribute> {
    const OWN: &[&str] = &[
        "with",
        "deserialize_with",
        "flatten",
        "skip",
        "skip_deserializing",
    ];
    if known_json(ty) || serde_mentions(attrs, OWN) {
        return Vec::new();
    }
    let span = syn::spanned::Spanned::span(ty);
    let path = syn::LitStr::new(&format!("{}::de_field", rt.string()), span);
    let mut out: Vec<Attribute> =
        vec![syn::parse_quote_spanned!(span=> #[serde(deserialize_with = #path)])];
    if option_inner(ty).is_some() && !serde_mentions(attrs, &["default"]) {
        out.push(syn::parse_quote_spanned!(span=> #[serde(default)]));
    }
    out
}

/// Whether the type's last path segment is `name` (e.g. `Secret`, `auth_sdk::Secret`).
pub fn is_named(ty: &Type, name: &str) -> bool {
    matches!(ty, Type::Path(tp) if tp.qself.is_none() && tp.path.segments.last().is_some_and(|s| s.ident == name && s.arguments.is_none()))
}

/// The argument type of a generated constructor or setter: `impl Into<T>` (so `&str` works
/// for `String` and `Secret`), except for primitives, which are taken as they are so that
/// integer literals infer (`.limit(20)`).
pub fn arg_ty(ty: &Type) -> proc_macro2::TokenStream {
    if is_primitive(ty) {
        quote!(#ty)
    } else {
        quote!(impl ::core::convert::Into<#ty>)
    }
}

/// A primitive type, taken by value as it is (no `Into`).
pub fn is_primitive(ty: &Type) -> bool {
    const PRIMS: &[&str] = &[
        "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
        "f32", "f64", "bool", "char",
    ];
    PRIMS.iter().any(|p| is_named(ty, p))
}

/// `Secret` or `Option<Secret>`.
pub fn is_secret_ty(ty: &Type) -> bool {
    is_named(ty, "Secret") || option_inner(ty).is_some_and(|t| is_named(t, "Secret"))
}

/// Whether `Secret` appears anywhere in the type's tokens.
pub fn mentions_secret(ty: &Type) -> bool {
    quote!(#ty)
        .to_string()
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .any(|w| w == "Secret")
}

/// The doc attributes of an item.
pub fn docs(attrs: &[Attribute]) -> Vec<Attribute> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .cloned()
        .collect()
}

/// The first doc line, trimmed.
pub fn first_doc_line(attrs: &[Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| {
        if !a.path().is_ident("doc") {
            return None;
        }
        let syn::Meta::NameValue(nv) = &a.meta else {
            return None;
        };
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) = &nv.value
        else {
            return None;
        };
        let v = s.value();
        let v = v.trim();
        (!v.is_empty()).then(|| v.to_owned())
    })
}

/// The attributes rustc itself understands (`#[allow]`, `#[cfg]`, ...), without docs: what a
/// field keeps in the output. Anything else was reported as a misspelt attribute of ours.
pub fn builtin_attrs(attrs: &[Attribute]) -> Vec<Attribute> {
    attrs
        .iter()
        .filter(|a| {
            !a.path().is_ident("doc")
                && a.path()
                    .get_ident()
                    .is_some_and(|i| crate::kw::BUILTIN_ATTRS.contains(&i.to_string().as_str()))
        })
        .cloned()
        .collect()
}

/// Attributes other than ours and docs (e.g. `#[allow]`, `#[cfg]`), kept on the output.
pub fn passthrough(attrs: &[Attribute], ours: &[&str]) -> Vec<Attribute> {
    attrs
        .iter()
        .filter(|a| !a.path().is_ident("doc") && !ours.iter().any(|o| a.path().is_ident(o)))
        .cloned()
        .collect()
}

/// serde's rename rules for `rename_all`.
pub fn rename(name: &str, rule: &str) -> String {
    let words: Vec<&str> = name.split('_').filter(|w| !w.is_empty()).collect();
    let cap = |w: &str| {
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
            .unwrap_or_default()
    };
    match rule {
        "camelCase" => words
            .iter()
            .enumerate()
            .map(|(i, w)| if i == 0 { (*w).to_owned() } else { cap(w) })
            .collect(),
        "PascalCase" => words.iter().map(|w| cap(w)).collect(),
        "kebab-case" => words.join("-"),
        "SCREAMING_SNAKE_CASE" => words.join("_").to_ascii_uppercase(),
        "lowercase" => words.concat().to_ascii_lowercase(),
        "UPPERCASE" => words.concat().to_ascii_uppercase(),
        _ => name.to_owned(),
    }
}

/// `pub`, spanned on `span` (the field's own tokens keep their spans, so errors about the
/// field, e.g. from derives, point at it rather than at the attribute).
pub fn pub_at(span: proc_macro2::Span) -> TokenStream {
    quote::quote_spanned!(span=> pub)
}

/// Whether one of the `#[serde(..)]` attributes mentions one of `keys` (e.g. `default`).
pub fn serde_mentions(attrs: &[Attribute], keys: &[&str]) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .any(|a| {
            let mut found = false;
            let _ = a.parse_nested_meta(|m| {
                if keys.iter().any(|k| m.path.is_ident(k)) {
                    found = true;
                }
                if m.input.peek(syn::Token![=]) {
                    let _: syn::Expr = m.value()?.parse()?;
                } else if m.input.peek(syn::token::Paren) {
                    let _content;
                    syn::parenthesized!(_content in m.input);
                }
                Ok(())
            });
            found
        })
}

/// Whether `name` is a valid HTTP header name (RFC 9110 token).
pub fn valid_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A generic `#[endpoint]` or `#[response]` struct (`what` names which): one error on its
/// parameters, and the struct as written minus our field attributes (`#[query]`, ...,
/// which would not resolve), since expanding it without its parameters would raise errors
/// of its own. `None` for a struct without generics.
pub fn refuse_generics(
    diag: &mut crate::diag::Diag,
    item: &syn::ItemStruct,
    what: &str,
) -> Option<TokenStream> {
    if item.generics.params.is_empty() && item.generics.where_clause.is_none() {
        return None;
    }
    diag.error_on(
        &item.generics,
        format!(
            "a {what} struct cannot be generic: the spec gives every field its wire type; remove the type parameters and give each field a concrete type (declare one endpoint per type instead)"
        ),
    );
    let errors = diag.finish();
    let mut item = item.clone();
    for f in item.fields.iter_mut() {
        f.attrs.retain(|a| {
            a.path().is_ident("doc")
                || a.path()
                    .get_ident()
                    .is_some_and(|i| crate::kw::BUILTIN_ATTRS.contains(&i.to_string().as_str()))
        });
    }
    Some(quote!(#errors #item))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::unwrap_used)]
    fn known_json_types_are_scalars_and_their_containers() {
        let yes = [
            "String",
            "std::string::String",
            "u64",
            "f64",
            "bool",
            "Secret",
            "auth_sdk::Timestamp",
            "Option<String>",
            "Vec<Option<u32>>",
            "Box<i64>",
        ];
        let no = [
            "Cents",
            "Vec<Cents>",
            "Option<super::ApiKey>",
            "HashMap<String, String>",
            "&'static str",
            "Box<str>",
            "serde_json::Value",
            "Option<Vec<Cents>>",
            "Result<String, String>",
        ];
        for t in yes {
            assert!(known_json(&syn::parse_str(t).unwrap()), "{t}");
        }
        for t in no {
            assert!(!known_json(&syn::parse_str(t).unwrap()), "{t}");
        }
    }

    #[test]
    fn renames() {
        assert_eq!(rename("client_id", "camelCase"), "clientId");
        assert_eq!(rename("page_size", "kebab-case"), "page-size");
        assert_eq!(rename("created_at", "PascalCase"), "CreatedAt");
    }

    #[test]
    fn header_names() {
        assert!(valid_header_name("x-api-key"));
        assert!(!valid_header_name("x api key"));
        assert!(!valid_header_name(""));
        assert!(!valid_header_name("x:y"));
    }
}
