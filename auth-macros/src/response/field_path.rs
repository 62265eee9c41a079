//! A path to a response field, `token` or `data.token`: the first segment is a field of the
//! response struct (checked by the macro); the rest are fields of nested models, checked by
//! rustc on the user's tokens.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Expr, Ident, Member};

use crate::args::span_of;
use crate::diag::Diag;

/// `a.b.c`.
pub struct FieldPath(pub Vec<Ident>);

impl FieldPath {
    /// The response struct's own field.
    pub fn first(&self) -> &Ident {
        &self.0[0]
    }

    /// Whether the path is a single field of the response struct.
    pub fn is_own_field(&self) -> bool {
        self.0.len() == 1
    }

    /// `a.b.c` as tokens with the user's spans, for `self.a.b.c`.
    pub fn tokens(&self) -> TokenStream {
        let segs = &self.0;
        quote!(#(#segs).*)
    }

    /// The last segment's span, where a wrong type is reported.
    pub fn span(&self) -> proc_macro2::Span {
        self.0[self.0.len() - 1].span()
    }
}

impl std::fmt::Display for FieldPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(Ident::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

/// Reads `field` or `field.inner.leaf` from `e`, or reports an error with `example`.
pub fn field_path(diag: &mut Diag, e: &Expr, example: &str) -> Option<FieldPath> {
    fn walk(e: &Expr, out: &mut Vec<Ident>) -> bool {
        match e {
            Expr::Path(p) if p.qself.is_none() => match p.path.get_ident() {
                Some(i) => {
                    out.push(i.clone());
                    true
                }
                None => false,
            },
            Expr::Field(f) => {
                if !walk(&f.base, out) {
                    return false;
                }
                match &f.member {
                    Member::Named(i) => {
                        out.push(i.clone());
                        true
                    }
                    Member::Unnamed(_) => false,
                }
            }
            _ => false,
        }
    }
    let mut segs = Vec::new();
    if walk(e, &mut segs) {
        Some(FieldPath(segs))
    } else {
        diag.error(
            span_of(e),
            format!("expected a field, or a path to a field of a nested model: `{example}`"),
        );
        None
    }
}
