//! The path template mini-language: `/user/keys/{key}`.

use proc_macro2::Span;
use syn::LitStr;

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Literal(String),
    Param(String),
}

/// Parses a template, returning every problem found (not just the first).
pub fn parse(template: &str) -> (Vec<Piece>, Vec<String>) {
    let mut pieces = Vec::new();
    let mut errors = Vec::new();
    let mut lit = String::new();
    let mut chars = template.chars().peekable();
    if !template.starts_with('/') {
        errors.push(format!(
            "a path template starts with `/`; write \"/{template}\""
        ));
    }
    if template.contains('?') || template.contains('#') {
        errors.push("a path template holds no query or fragment; declare query parameters as `#[query]` fields".to_owned());
    }
    while let Some(c) = chars.next() {
        match c {
            '{' => {
                let mut name = String::new();
                let mut closed = false;
                for n in chars.by_ref() {
                    if n == '}' {
                        closed = true;
                        break;
                    }
                    name.push(n);
                }
                if !closed {
                    errors.push(format!(
                        "unclosed `{{` in the path template; close the placeholder: `{{{name}}}`"
                    ));
                    continue;
                }
                if name.is_empty() {
                    errors.push(
                        "empty placeholder `{}`; name the path field it stands for, e.g. `{key}`"
                            .to_owned(),
                    );
                    continue;
                }
                if !is_ident(&name) {
                    errors.push(format!("placeholder `{{{name}}}` is not a Rust identifier; use the name of a `#[path]` field"));
                    continue;
                }
                if pieces
                    .iter()
                    .any(|p| matches!(p, Piece::Param(n) if *n == name))
                {
                    errors.push(format!("placeholder `{{{name}}}` appears twice; each path field fills one placeholder"));
                    continue;
                }
                if let Some(Piece::Param(prev)) = pieces.last()
                    && lit.is_empty()
                {
                    errors.push(format!(
                            "placeholders `{{{prev}}}` and `{{{name}}}` touch; separate them with a literal such as `/`"
                        ));
                }
                if !lit.is_empty() {
                    pieces.push(Piece::Literal(std::mem::take(&mut lit)));
                }
                pieces.push(Piece::Param(name));
            }
            '}' => errors.push(
                "unmatched `}` in the path template; placeholders look like `{name}`".to_owned(),
            ),
            c => lit.push(c),
        }
    }
    if !lit.is_empty() {
        pieces.push(Piece::Literal(lit));
    }
    (pieces, errors)
}

fn is_ident(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(f) if f == '_' || f.is_ascii_alphabetic())
        && c.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// The span of the literal (rustc cannot point inside a string literal on stable).
pub fn span(lit: &LitStr) -> Span {
    lit.span()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_literals_and_params() {
        let (p, e) = parse("/user/keys/{key}");
        assert!(e.is_empty());
        assert_eq!(
            p,
            vec![
                Piece::Literal("/user/keys/".into()),
                Piece::Param("key".into())
            ]
        );
        let (p, e) = parse("/a/{x}/b/");
        assert!(e.is_empty());
        assert_eq!(p.len(), 3);
    }

    #[test]
    fn reports_every_mistake() {
        assert_eq!(parse("/a/{").1.len(), 1);
        assert_eq!(parse("/a/{}").1.len(), 1);
        assert_eq!(parse("/a/{a}/{a}").1.len(), 1);
        assert_eq!(parse("/a/{a}{b}").1.len(), 1);
        assert_eq!(parse("/a/}").1.len(), 1);
        assert_eq!(parse("a/{1x}").1.len(), 2);
        assert_eq!(parse("/a?x=1").1.len(), 1);
    }
}
