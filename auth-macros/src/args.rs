//! Parsing of our attribute arguments: `key = value`, flags, `key(...)` lists, the
//! `GET "/path"` form, and `crate = path`. Each argument keeps its key's span.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, LitStr, Token};

/// One argument.
pub struct Arg {
    pub key: Ident,
    pub value: ArgValue,
}

pub enum ArgValue {
    /// `key`
    Flag,
    /// `key = expr`
    Value(Expr),
    /// `key(tokens)`
    List(TokenStream),
    /// `GET "/path"`
    Route(LitStr),
}

impl Arg {
    pub fn name(&self) -> String {
        self.key.to_string()
    }
}

/// A comma-separated list of arguments.
pub struct Args(pub Vec<Arg>);

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut out = Vec::new();
        while !input.is_empty() {
            let key: Ident = if input.peek(Token![crate]) {
                let kw: Token![crate] = input.parse()?;
                Ident::new("crate", kw.span)
            } else {
                input.call(syn::ext::IdentExt::parse_any)?
            };
            let value = if input.peek(Token![=]) {
                input.parse::<Token![=]>()?;
                ArgValue::Value(input.parse()?)
            } else if input.peek(syn::token::Paren) {
                let content;
                syn::parenthesized!(content in input);
                ArgValue::List(content.parse()?)
            } else if input.peek(LitStr) {
                ArgValue::Route(input.parse()?)
            } else {
                ArgValue::Flag
            };
            out.push(Arg { key, value });
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(Args(out))
    }
}

/// `a, b, c` inside a list argument.
pub fn parse_list<T: Parse>(tokens: TokenStream) -> syn::Result<Vec<T>> {
    let p = Punctuated::<T, Token![,]>::parse_terminated;
    Ok(syn::parse::Parser::parse2(p, tokens)?.into_iter().collect())
}

/// The expression as a single identifier, if it is one.
pub fn expr_ident(e: &Expr) -> Option<&Ident> {
    match e {
        Expr::Path(p) if p.qself.is_none() => p.path.get_ident(),
        _ => None,
    }
}

/// The expression as a string literal, if it is one.
pub fn expr_str(e: &Expr) -> Option<&LitStr> {
    match e {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s),
        _ => None,
    }
}

/// The expression as a path, if it is one.
pub fn expr_path(e: &Expr) -> Option<&syn::Path> {
    match e {
        Expr::Path(p) if p.qself.is_none() => Some(&p.path),
        _ => None,
    }
}

pub fn span_of(e: &Expr) -> Span {
    syn::spanned::Spanned::span(e)
}
