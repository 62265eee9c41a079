//! `#[header_group(provider = ...)]` on an enum: alternative sets of headers, exactly one of
//! which is sent (Coinflow's three ways to ask for a session key). A variant may also apply
//! one of the provider's auth schemes with `#[auth(scheme)]`, looked up at compile time.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::{Ident, ItemEnum, LitStr};

use crate::args::{ArgValue, Args, expr_path, span_of};
use crate::diag::{Diag, suggestion};
use crate::util::{Rt, docs, is_named, option_inner, valid_header_name};

pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut diag = Diag::new();
    let item: ItemEnum = match syn::parse2(item) {
        Ok(i) => i,
        Err(e) => {
            diag.push(e);
            return diag.finish();
        }
    };
    let mut provider = None;
    let mut krate = None;
    let mut parsed = false;
    match syn::parse2::<Args>(args.clone()) {
        Ok(a) => {
            parsed = true;
            for arg in a.0 {
                match (arg.name().as_str(), &arg.value) {
                    ("provider", ArgValue::Value(e)) => match expr_path(e) {
                        Some(p) => provider = Some(p.clone()),
                        None => diag.error(
                            span_of(e),
                            "expected the provider's client type: `provider = super::Client`",
                        ),
                    },
                    ("crate", ArgValue::Value(e)) => krate = expr_path(e).cloned(),
                    (k, _) => diag.error(
                        arg.key.span(),
                        format!(
                            "unknown header_group key `{k}`{}; write `provider = super::Client`",
                            suggestion(k, ["provider", "crate"])
                        ),
                    ),
                }
            }
        }
        Err(e) => diag.push(e),
    }
    if provider.is_none() && parsed {
        diag.error_on_tokens(
            &args,
            proc_macro2::Span::call_site(),
            "a header group needs `provider = Path`, the client whose schemes `#[auth(..)]` names: `#[header_group(provider = super::Client)]`",
        );
    }
    let rt = Rt::resolve(krate);
    let mut variants = Vec::new();
    let mut applies = Vec::new();
    let mut auths = Vec::new();
    for v in &item.variants {
        let vident = &v.ident;
        let mut scheme: Option<Ident> = None;
        for attr in &v.attrs {
            let name = attr
                .path()
                .get_ident()
                .map(|i| i.to_string())
                .unwrap_or_default();
            if name == "auth" {
                match attr.parse_args::<Ident>() {
                    Ok(i) => scheme = Some(i),
                    Err(_) => diag.error_on(
                        attr,
                        "write `#[auth(scheme_name)]` with one of the provider's schemes",
                    ),
                }
            } else if !crate::kw::BUILTIN_ATTRS.contains(&name.as_str()) {
                diag.error_on(
                    attr.path(),
                    format!("unknown variant attribute `{name}`{}; a variant may have `#[auth(scheme)]`", suggestion(&name, ["auth"])),
                );
            }
        }
        let vdocs = docs(&v.attrs);
        let mut fdefs = Vec::new();
        let mut binds = Vec::new();
        let mut sends = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        match &v.fields {
            syn::Fields::Named(n) => {
                for f in &n.named {
                    let Some(fi) = f.ident.clone() else { continue };
                    let mut header: Option<LitStr> = None;
                    for a in &f.attrs {
                        if a.path().is_ident("header") {
                            match a.parse_args::<LitStr>() {
                                Ok(l) => header = Some(l),
                                Err(_) => diag.error_on(a, "write `#[header(\"x-name\")]`"),
                            }
                        } else if !a.path().is_ident("doc") {
                            let n = a
                                .path()
                                .get_ident()
                                .map(|i| i.to_string())
                                .unwrap_or_default();
                            diag.error_on(
                                a.path(),
                                format!("unknown attribute `{n}`{}; header group fields take #[header(\"name\")]", suggestion(&n, ["header"])),
                            );
                        }
                    }
                    let fd = docs(&f.attrs);
                    let ty = &f.ty;
                    fdefs.push(quote!(#(#fd)* #fi: #ty,));
                    binds.push(fi.clone());
                    let Some(h) = header else {
                        diag.error(
                            fi.span(),
                            format!("field `{fi}` needs its header name: `#[header(\"x-name\")]`"),
                        );
                        continue;
                    };
                    let hv = h.value();
                    if !valid_header_name(&hv) {
                        diag.error(
                            h.span(),
                            format!("\"{hv}\" is not a valid header name; use letters, digits and `-`, e.g. \"{}\"", crate::endpoint::suggest_header(&hv)),
                        );
                    }
                    let lower = hv.to_ascii_lowercase();
                    if seen.contains(&lower) {
                        diag.error(
                            h.span(),
                            format!(
                                "header `{lower}` is declared twice in this variant; remove one"
                            ),
                        );
                    }
                    if lower == "authorization"
                        && !is_named(option_inner(ty).unwrap_or(ty), "Secret")
                    {
                        diag.error_on(
                            ty,
                            "the `authorization` header carries a credential: type it `Secret`",
                        );
                    }
                    seen.push(lower.clone());
                    let fstr = fi.to_string();
                    let name = rt.header_name(&lower);
                    sends.push(if option_inner(ty).is_some() {
                        quote!(if let #rt::Option::Some(v) = #fi { rb.header(#name, #fstr, v)?; })
                    } else {
                        quote!(rb.header(#name, #fstr, #fi)?;)
                    });
                }
                variants.push(quote!(#(#vdocs)* #vident { #(#fdefs)* },));
                applies.push(quote!(Self::#vident { #(#binds),* } => { #(#sends)* }));
            }
            syn::Fields::Unit => {
                variants.push(quote!(#(#vdocs)* #vident,));
                applies.push(quote!(Self::#vident => {}));
            }
            syn::Fields::Unnamed(u) => {
                diag.error_on(u, "header group variants have named fields, each a #[header(\"name\")]: `Variant { #[header(\"x-name\")] name: String }`");
                let tys = u.unnamed.iter().map(|f| &f.ty);
                variants.push(quote!(#(#vdocs)* #vident(#(#tys),*),));
                applies.push(quote!(Self::#vident(..) => {}));
            }
        }
        let pat = match &v.fields {
            syn::Fields::Unit => quote!(Self::#vident),
            syn::Fields::Named(_) => quote!(Self::#vident { .. }),
            syn::Fields::Unnamed(_) => quote!(Self::#vident(..)),
        };
        let a = match (&scheme, &provider) {
            (Some(s), Some(p)) => {
                let sname = s.to_string();
                quote_spanned! {s.span()=>
                    #pat => {
                        #[allow(clippy::panic)]
                        const SCHEME: #rt::SchemeId = match #rt::find_scheme::<#p>(#sname) {
                            #rt::Option::Some(id) => id,
                            #rt::Option::None => ::core::panic!("{}", #rt::unknown_scheme::<#p>("#[auth(", #sname, ")]", "; write one of them").as_str()),
                        };
                        #rt::Option::Some(SCHEME)
                    }
                }
            }
            _ => quote!(#pat => #rt::Option::None,),
        };
        auths.push(a);
    }
    let errors = diag.finish();
    let stub = !errors.is_empty();
    let (vis, ident) = (&item.vis, &item.ident);
    let d = docs(&item.attrs);
    let group_impl = match &provider {
        Some(provider) => {
            let apply = if stub {
                quote!(::core::unreachable!(
                    "this header group's spec failed to compile"
                ))
            } else {
                quote! {
                    match self { #(#applies)* }
                    #rt::Result::Ok(())
                }
            };
            let rb = if stub { quote!(_rb) } else { quote!(rb) };
            quote! {
                impl #rt::HeaderGroup<#provider> for #ident {
                    fn apply(&self, #rb: &mut #rt::RequestBuilder) -> #rt::Result<(), #rt::InvalidInput> {
                        #apply
                    }
                    fn auth(&self) -> #rt::Option<#rt::SchemeId> {
                        match self { #(#auths)* }
                    }
                }
            }
        }
        None => quote!(),
    };
    quote! {
        #errors
        #(#d)*
        #[derive(Debug, Clone)]
        #vis enum #ident { #(#variants)* }
        #group_impl
    }
}
