//! Tests of the decode-error path scanner (`json_path.rs`), against `serde_path_to_error`.

#![allow(clippy::unwrap_used, clippy::expect_used)]
use super::*;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Item {
    id: u32,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
enum Kind {
    #[serde(rename = "a")]
    A,
    #[serde(rename = "b")]
    B,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Page {
    data: Data,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Data {
    token: String,
    expires_in: i64,
    #[serde(default)]
    items: Vec<Item>,
    #[serde(default)]
    kind: Option<Kind>,
    #[serde(default, rename = "we\"ird key")]
    weird: Option<u8>,
}

/// The scanner's path against `serde_path_to_error`'s for the same failure.
fn check(body: &str) {
    let reference =
        serde_path_to_error::deserialize::<_, Page>(&mut serde_json::Deserializer::from_str(body))
            .expect_err(body);
    let inner = reference.inner();
    let ours = path_at(
        body.as_bytes(),
        inner.line(),
        inner.column(),
        inner.classify(),
    );
    // Where input ends before a key, serde_path_to_error adds an unknown segment (`?`);
    // the scanner names the object.
    let mut expected = reference.path().to_string().replace(".?", "");
    if expected.is_empty() || expected == "?" {
        expected = ".".to_owned();
    }
    assert_eq!(ours, expected, "{body}: {inner}");
}

#[test]
fn agrees_with_serde_path_to_error() {
    for body in [
        r#"{"data": {"token": 5, "expires_in": 1}}"#,
        r#"{"data": {"token": "t", "expires_in": "86400"}}"#,
        r#"{"data": {"token": "t", "expires_in": 86400.5}}"#,
        r#"{"data": {"token": "t", "expires_in": null}}"#,
        r#"{"data": {"token": "t", "expires_in": 10000000000000000000}}"#,
        r#"{"data": {"token": "t"}}"#,
        r#"{"data": {"expires_in": 1}}"#,
        r#"{"data": 7}"#,
        r#"{"note": "x"}"#,
        r#"[]"#,
        r#"{"data": {"token": "t", "expires_in": 1, "items": [{"id": 1}, {"id": "2"}]}}"#,
        r#"{"data": {"token": "t", "expires_in": 1, "items": [{"id": 1}, {}]}}"#,
        r#"{"data": {"token": "t", "expires_in": 1, "items": [{"id": 1, "tags": ["a", 3]}]}}"#,
        r#"{"data": {"token": "t", "expires_in": 1, "items": [{"id": 1, "tags": []}, {"id": 2, "tags": [{"x": 1}]}]}}"#,
        r#"{"data": {"token": "t", "expires_in": 1, "items": [1]}}"#,
        r#"{"data": {"token": "t", "expires_in": 1, "kind": "c"}}"#,
        r#"{"data": {"token": "t", "expires_in": 1, "we\"ird key": 300}}"#,
        r#"{"data": {"to\u006ben": 5, "expires_in": 1}}"#,
        r#"{"data": {"x": {"nested": [1, {"deep": [true]}]}, "token": 1, "expires_in": 1}}"#,
        r#"{"data": {"x": "a,b}]{[\"", "token": 1, "expires_in": 1}}"#,
        "{\n  \"data\": {\n    \"token\": \"t\",\n    \"expires_in\": \"soon\"\n  }\n}",
        r#"{"data": {"token": "t", "expires_in": 1}, "note": 5}"#,
        r#"{"data": {"token": "t", "expires_in": 1,"#,
        r#"{"data": {"token": "t", "expires_in": 1, "items": [{"id": 1}"#,
        r#"{"data": {"token": "tru"#,
        r#"{"data": {"token": "\ud83d\ude00", "expires_in": true}}"#,
        r#"{"data": {"token": "t", "expires_in": 1, "items": [{"id": -1}]}}"#,
    ] {
        check(body);
    }
}

/// Every truncation and many one-byte corruptions of a valid body.
#[test]
fn agrees_on_truncated_and_corrupted_bodies() {
    let valid = r#"{"data": {"token": "t\u00e9", "expires_in": 3600, "items": [{"id": 1, "tags": ["a", "b"]}, {"id": 22}], "kind": "a"}, "note": null}"#;
    assert!(serde_json::from_str::<Page>(valid).is_ok());
    let mut checked = 0;
    for cut in 0..valid.len() {
        if valid.is_char_boundary(cut) {
            check(&valid[..cut]);
            checked += 1;
        }
    }
    for at in 0..valid.len() {
        for with in ["x", "1", "\"", "{", "[", "}", "]", ",", ":", " "] {
            let mut body = valid.as_bytes().to_vec();
            body[at] = with.as_bytes()[0];
            let Ok(body) = String::from_utf8(body) else {
                continue;
            };
            if serde_path_to_error::deserialize::<_, Page>(&mut serde_json::Deserializer::from_str(
                &body,
            ))
            .is_ok()
            {
                continue;
            }
            check(&body);
            checked += 1;
        }
    }
    assert!(checked > 1000, "{checked}");
}

#[test]
fn never_panics_on_odd_positions() {
    let body = br#"{"a": [1, "\u12"#;
    for line in 0..4 {
        for column in 0..40 {
            for kind in [
                Category::Data,
                Category::Syntax,
                Category::Eof,
                Category::Io,
            ] {
                let _ = path_at(body, line, column, kind);
            }
        }
    }
    assert_eq!(path_at(b"", 1, 5, Category::Eof), ".");
    // Trailing input (which `serde_json::from_slice` refuses) is at the root.
    let body = r#"{"data": {"token": "t", "expires_in": 1}} trailing"#;
    let err = serde_json::from_str::<Page>(body).unwrap_err();
    assert_eq!(
        path_at(body.as_bytes(), err.line(), err.column(), err.classify()),
        "."
    );
    assert_eq!(path_at(br#"{"a": [1, 2"#, 0, 0, Category::Data), "a[1]");
}
