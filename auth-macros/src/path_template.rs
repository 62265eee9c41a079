//! The path template mini-language: `/user/keys/{key}`.
//!
//! Every problem is reported (not just the first) with the byte range it concerns, so that a
//! compiler able to point inside a string literal does so. On stable rustc a literal's span
//! cannot be narrowed (`Literal::subspan` returns `None`), so the whole literal is underlined
//! and each message names the placeholder it is about.

use std::ops::Range;

use proc_macro2::Span;
use syn::LitStr;

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Literal(String),
    Param(String),
}

/// A mistake in a template, with the bytes of the template it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub range: Range<usize>,
    pub message: String,
}

/// Parses a template, returning every problem found (not just the first).
pub fn parse(template: &str) -> (Vec<Piece>, Vec<TemplateError>) {
    let mut pieces = Vec::new();
    let mut errors = Vec::new();
    let mut err =
        |range: Range<usize>, message: String| errors.push(TemplateError { range, message });
    if !template.starts_with('/') {
        let path = template.split(['?', '#']).next().unwrap_or_default();
        err(
            0..template.len().min(1),
            format!("a path template starts with `/`; write \"/{path}\""),
        );
    }
    if let Some(at) = template.find(['?', '#']) {
        err(
            at..template.len(),
            format!(
                "the path template \"{template}\" holds a query or fragment; remove it and declare query parameters as `#[query] pub name: Type` fields"
            ),
        );
    }
    let mut lit = String::new();
    let mut chars = template.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        match c {
            '{' => {
                let mut name = String::new();
                let mut end = None;
                while let Some((i, n)) = chars.peek().copied() {
                    if n == '}' {
                        chars.next();
                        end = Some(i + 1);
                        break;
                    }
                    if n == '{' || n == '/' {
                        break;
                    }
                    chars.next();
                    name.push(n);
                }
                let range = start..end.unwrap_or(start + 1 + name.len());
                if end.is_none() {
                    let fix = if name.is_empty() {
                        "write a placeholder as `{name}`".to_owned()
                    } else {
                        format!("close the placeholder: write `{{{name}}}`")
                    };
                    err(
                        range.clone(),
                        format!("unclosed `{{` in the path template \"{template}\"; {fix}"),
                    );
                    if !is_ident(&name) {
                        continue;
                    }
                } else if name.is_empty() {
                    err(
                        range.clone(),
                        format!(
                            "empty placeholder `{{}}` in the path template \"{template}\"; name the path field it stands for, e.g. `{{key}}`"
                        ),
                    );
                    continue;
                } else if !is_ident(&name) {
                    err(
                        range.clone(),
                        format!(
                            "placeholder `{{{name}}}` is not a Rust identifier; use the name of a `#[path]` field, e.g. `{{{}}}`",
                            sanitize(&name)
                        ),
                    );
                    continue;
                }
                if pieces
                    .iter()
                    .any(|p| matches!(p, Piece::Param(n) if *n == name))
                {
                    err(
                        range.clone(),
                        format!(
                            "placeholder `{{{name}}}` appears twice in \"{template}\"; each #[path] field fills one placeholder: remove the second `{{{name}}}` or give it its own field"
                        ),
                    );
                    continue;
                }
                if let Some(Piece::Param(prev)) = pieces.last()
                    && lit.is_empty()
                {
                    err(
                        range.clone(),
                        format!(
                            "placeholders `{{{prev}}}` and `{{{name}}}` touch; separate them with a literal such as `/`: `{{{prev}}}/{{{name}}}`"
                        ),
                    );
                }
                if !lit.is_empty() {
                    pieces.push(Piece::Literal(std::mem::take(&mut lit)));
                }
                pieces.push(Piece::Param(name));
            }
            '}' => err(
                start..start + 1,
                format!(
                    "unmatched `}}` in the path template \"{template}\"; placeholders look like `{{name}}`"
                ),
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

fn sanitize(s: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    match out.chars().next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => out,
        _ => format!("p{out}"),
    }
}

/// The span of `range` inside the literal when the compiler can narrow it (nightly), else
/// the literal's span (stable). Only plain literals (no escapes, not raw) are narrowed, so the
/// byte offsets of the value are those of the source.
pub fn span(lit: &LitStr, range: &Range<usize>) -> Span {
    let token = lit.token();
    let plain = token.to_string() == format!("\"{}\"", lit.value());
    if plain && let Some(s) = token.subspan(range.start + 1..range.end + 1) {
        return s;
    }
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
    fn reports_every_mistake_with_its_range() {
        let (p, e) = parse("/a/{key");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].range, 3..7);
        // The unclosed placeholder still counts, so its field is not reported as unused.
        assert!(p.contains(&Piece::Param("key".into())));
        assert_eq!(parse("/a/{}").1[0].range, 3..5);
        assert_eq!(parse("/a/{a}/{a}").1.len(), 1);
        assert_eq!(parse("/a/{a}{a}").1.len(), 1);
        assert_eq!(parse("/a/{a}{b}").1.len(), 1);
        assert_eq!(parse("/a/}").1.len(), 1);
        assert_eq!(parse("a/{1x}").1.len(), 2);
        assert_eq!(parse("/a?x=1").1.len(), 1);
        assert_eq!(parse("/a/{").1.len(), 1);
    }
}
