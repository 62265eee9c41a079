//! The path (`data.items[3].id`) of the value at which a JSON decode failed, recovered from
//! the body and the position serde_json reports.
//!
//! Decoding through a path-tracking deserializer (such as `serde_path_to_error`) would
//! instantiate every response type's deserializer a second time in each crate of specs and
//! cost an allocation per object key; this scanner is one non-generic function, run only
//! for a body that failed. It reads the body up to the failure position, keeping a stack of
//! the objects and arrays it is inside and, for each, the current key or index. Its paths
//! are written as `serde_path_to_error` writes them (`a.b[0].c`; `.` for the root), and a
//! test checks the two agree.

use serde_json::error::Category;

/// One open container, and whether the value it is reading (the current key's, or the
/// current element) is complete.
enum Frame {
    /// An object and its current key (`None` between members).
    Object(Option<String>, bool),
    /// An array and the index of its current element (`None` before the first one; once
    /// that element is complete, the next one to start takes the next index).
    Array(Option<usize>, bool),
}

/// The path of the value being read at `line`/`column` (1-based, as serde_json reports
/// them; line 0 means "no position", read as the end of the body).
///
/// `kind` says what kind of failure it was. A data error (wrong type, unknown variant,
/// missing field) is about the value just read, or about to be read, at that position: its
/// key counts. A syntax error or early end of input after a complete value is about the
/// container: as `serde_path_to_error` does, the completed value's key does not count.
pub(crate) fn path_at(body: &[u8], line: usize, column: usize, kind: Category) -> String {
    let data = kind == Category::Data;
    let mut end = offset(body, line, column);
    // A syntax error's position is the offending character, which was never accepted.
    if kind == Category::Syntax {
        end = end.saturating_sub(1);
    }
    let mut stack: Vec<Frame> = Vec::new();
    // Inside a number or literal (`true`, `null`, ...), which ends at the next delimiter.
    let mut in_scalar = false;
    let mut scalar_start = 0;
    // The last significant character was `[`, `,` or `:`: a value comes next.
    let mut expect_value = false;
    // A key read, waiting for its `:`.
    let mut pending_key: Option<String> = None;
    let mut i = 0;
    while i < end {
        let b = body[i];
        if in_scalar && matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b',' | b'}' | b']') {
            in_scalar = false;
            value_done(&mut stack);
        }
        if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            expect_value = matches!(b, b'[' | b',' | b':');
        }
        match b {
            b'{' => {
                value_starts(&mut stack);
                stack.push(Frame::Object(None, false));
            }
            b'[' => {
                value_starts(&mut stack);
                stack.push(Frame::Array(None, false));
            }
            b'}' | b']' => {
                stack.pop();
                value_done(&mut stack);
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object(key, done)) => (*key, *done) = (None, false),
                // The next element's index is taken when it starts.
                Some(Frame::Array(..)) => {}
                None => {}
            },
            b'"' => {
                // A string in an object with no current key is a key (its `:` follows); it
                // counts from its `:` on. Only keys are decoded.
                let is_key = matches!(stack.last(), Some(Frame::Object(None, _)));
                let (text, closed, next) = string_at(body, i + 1, end, is_key);
                if is_key {
                    if closed {
                        pending_key = text;
                    }
                } else {
                    value_starts(&mut stack);
                    if closed {
                        value_done(&mut stack);
                    }
                }
                i = next;
                continue;
            }
            b':' => {
                if let (Some(Frame::Object(key @ None, _)), Some(text)) =
                    (stack.last_mut(), pending_key.take())
                {
                    *key = Some(text);
                }
            }
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => {
                if !in_scalar {
                    value_starts(&mut stack);
                    in_scalar = true;
                    scalar_start = i;
                }
            }
        }
        i += 1;
    }
    // A number or literal cut by the position is complete if it can end there.
    if in_scalar {
        let token = &body[scalar_start..end];
        let complete = matches!(token, b"true" | b"false" | b"null")
            || token.last().is_some_and(u8::is_ascii_digit);
        if complete {
            value_done(&mut stack);
        }
    }
    // serde_json may stop just before a value it refused without reading it (`[` then `{`
    // where a string was expected, or `[` then `x`): that value counts.
    let next = body[end..]
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    if kind != Category::Eof && expect_value && next.is_some_and(|&b| b != b']') {
        value_starts(&mut stack);
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some(_), true) | Frame::Array(Some(_), true) if !data => break,
            Frame::Object(Some(key), _) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Array(Some(index), _) => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
            Frame::Object(None, _) | Frame::Array(None, _) => break,
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

/// A value starts in the innermost container: the first element of an array gets index 0.
fn value_starts(stack: &mut [Frame]) {
    match stack.last_mut() {
        Some(Frame::Array(index, done)) => {
            match index {
                None => *index = Some(0),
                Some(n) if *done => *n += 1,
                Some(_) => {}
            }
            *done = false;
        }
        Some(Frame::Object(_, done)) => *done = false,
        None => {}
    }
}

/// The innermost container's current value is complete.
fn value_done(stack: &mut [Frame]) {
    if let Some(Frame::Array(_, done) | Frame::Object(_, done)) = stack.last_mut() {
        *done = true;
    }
}

/// The byte offset just past the character at `line`/`column`, within `body`.
fn offset(body: &[u8], line: usize, column: usize) -> usize {
    if line == 0 {
        return body.len();
    }
    let mut start = 0;
    for _ in 1..line {
        match body[start..].iter().position(|&b| b == b'\n') {
            Some(nl) => start += nl + 1,
            None => return body.len(),
        }
    }
    start.saturating_add(column).min(body.len())
}

/// Reads the string whose text starts at `from` (after its opening quote), stopping at
/// `end`: its decoded text (if `decode`), whether it was closed before `end`, and the offset
/// after it.
fn string_at(body: &[u8], from: usize, end: usize, decode: bool) -> (Option<String>, bool, usize) {
    let mut raw = Vec::new();
    let mut i = from;
    let text = |raw: Vec<u8>| decode.then(|| finish(raw));
    while i < end {
        match body[i] {
            b'"' => return (text(raw), true, i + 1),
            b'\\' if i + 1 < end => {
                let (decoded, next) = escape_at(body, i + 1, end);
                if decode {
                    raw.extend_from_slice(decoded.encode_utf8(&mut [0; 4]).as_bytes());
                }
                i = next;
            }
            b => {
                if decode {
                    raw.push(b);
                }
                i += 1;
            }
        }
    }
    (text(raw), false, end)
}

fn finish(raw: Vec<u8>) -> String {
    String::from_utf8(raw).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Decodes the escape whose letter is at `at`: the character and the offset after it.
fn escape_at(body: &[u8], at: usize, end: usize) -> (char, usize) {
    let simple = match body[at] {
        b'n' => '\n',
        b't' => '\t',
        b'r' => '\r',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'u' => {
            let hex = |from: usize| -> Option<u32> {
                let digits = body.get(from..from + 4).filter(|_| from + 4 <= end)?;
                u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
            };
            let Some(first) = hex(at + 1) else {
                return (char::REPLACEMENT_CHARACTER, (at + 5).min(end));
            };
            // A surrogate pair is two escapes.
            if (0xD800..0xDC00).contains(&first)
                && body.get(at + 5..at + 7) == Some(b"\\u")
                && let Some(second) = hex(at + 7)
                && (0xDC00..0xE000).contains(&second)
            {
                let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                return (
                    char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER),
                    at + 11,
                );
            }
            return (
                char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER),
                at + 5,
            );
        }
        other => char::from(other),
    };
    (simple, at + 1)
}

#[cfg(test)]
#[path = "json_path_tests.rs"]
mod tests;
