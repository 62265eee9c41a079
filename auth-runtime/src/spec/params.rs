//! Turning request fields into path segments, query values and header values, with the
//! validation that keeps a field from becoming more than one segment or header.

use std::borrow::Cow;

use http::HeaderValue;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::InvalidInput;
use crate::secret::Secret;

/// Bytes left unencoded in a path segment: RFC 3986 unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A value that has a plain text form for paths, queries and headers.
///
/// Implemented for strings, integers, booleans and the enums declared with
/// [`string_enum`](../auth_macros/attr.string_enum.html). Deliberately **not** implemented
/// for [`Secret`]: secrets never go into URLs.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent as a path or query parameter",
    label = "this #[path] or #[query] field's type",
    note = "type the field `String`, an integer (`u32`, `i64`, ...), `bool`, `Timestamp` or an enum declared with `#[string_enum]` (an `Option` of one for an optional input), or implement `auth_sdk::ToParam` for your type"
)]
pub trait ToParam {
    /// The text form.
    fn to_param(&self) -> Cow<'_, str>;
}

impl ToParam for String {
    fn to_param(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}
impl ToParam for str {
    fn to_param(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}
impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param(&self) -> Cow<'_, str> {
        (**self).to_param()
    }
}
impl ToParam for bool {
    fn to_param(&self) -> Cow<'_, str> {
        Cow::Borrowed(if *self { "true" } else { "false" })
    }
}
macro_rules! int_param {
    ($($t:ty),*) => {$(
        impl ToParam for $t {
            fn to_param(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        }
    )*};
}
int_param!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl ToParam for crate::spec::timestamp::Timestamp {
    fn to_param(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.as_str())
    }
}

/// A value that can be sent as a header: any [`ToParam`], and [`Secret`] (marked sensitive).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent as a header value",
    label = "this #[header(..)] field's type",
    note = "type the field `String`, an integer, `bool`, `Timestamp`, `Secret` (for a credential) or an enum declared with `#[string_enum]` (an `Option` of one for an optional input), or implement `auth_sdk::ToParam` for your type"
)]
pub trait ToHeader {
    /// Builds the header value, rejecting CR, LF, NUL and other control characters.
    fn to_header(&self, field: &'static str) -> Result<HeaderValue, InvalidInput>;
}

impl<T: ToParam + ?Sized> ToHeader for T {
    fn to_header(&self, field: &'static str) -> Result<HeaderValue, InvalidInput> {
        header_value(&self.to_param(), field, false)
    }
}

impl ToHeader for Secret {
    fn to_header(&self, field: &'static str) -> Result<HeaderValue, InvalidInput> {
        header_value(self.expose_secret(), field, true)
    }
}

/// Builds a header value; `sensitive` marks it so `Debug` and HPACK keep it out of sight.
pub fn header_value(
    value: &str,
    field: &'static str,
    sensitive: bool,
) -> Result<HeaderValue, InvalidInput> {
    if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(InvalidInput::new(
            field,
            "header values must not contain control characters (CR, LF, NUL)",
        ));
    }
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        InvalidInput::new(
            field,
            "header values must be visible ASCII or UTF-8 without control characters",
        )
    })?;
    v.set_sensitive(sensitive);
    Ok(v)
}

/// An inclusive character range, as declared by `#[path(charset = "a-z0-9-")]`.
pub type CharRange = (char, char);

/// Checks a path parameter and returns it percent-encoded as exactly one segment.
///
/// Rejects the empty string, `.` and `..` (they would change the path's meaning), and, when
/// `charset` is not empty, any character outside it.
pub fn path_segment<'a>(
    value: &'a str,
    field: &'static str,
    charset: &[CharRange],
) -> Result<Cow<'a, str>, InvalidInput> {
    if value.is_empty() {
        return Err(InvalidInput::new(
            field,
            "a path parameter must not be empty",
        ));
    }
    if value == "." || value == ".." {
        return Err(InvalidInput::new(
            field,
            "a path parameter must not be `.` or `..`",
        ));
    }
    if !charset.is_empty()
        && let Some(pos) = value
            .chars()
            .position(|c| !charset.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)))
    {
        let allowed: Vec<String> = charset
            .iter()
            .map(|(lo, hi)| {
                if lo == hi {
                    lo.to_string()
                } else {
                    format!("{lo}-{hi}")
                }
            })
            .collect();
        return Err(InvalidInput::new(
            field,
            format!(
                "character {} is outside the accepted set [{}]",
                pos + 1,
                allowed.join("")
            ),
        ));
    }
    Ok(utf8_percent_encode(value, SEGMENT).into())
}

/// Appends `name=value` to a query string under construction (form-urlencoded).
pub fn push_query(query: &mut String, name: &str, value: &str) {
    if !query.is_empty() {
        query.push('&');
    }
    query.extend(form_urlencoded_byte_serialize(name));
    query.push('=');
    query.extend(form_urlencoded_byte_serialize(value));
}

fn form_urlencoded_byte_serialize(s: &str) -> impl Iterator<Item = &str> {
    url::form_urlencoded::byte_serialize(s.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_single_and_encoded() {
        assert_eq!(
            path_segment("my-key", "key", &[]).ok().as_deref(),
            Some("my-key")
        );
        assert_eq!(
            path_segment("a/b", "key", &[]).ok().as_deref(),
            Some("a%2Fb")
        );
        assert_eq!(
            path_segment("?x#f", "key", &[]).ok().as_deref(),
            Some("%3Fx%23f")
        );
        assert_eq!(
            path_segment("%2e%2e", "key", &[]).ok().as_deref(),
            Some("%252e%252e")
        );
        for bad in ["", ".", ".."] {
            assert!(path_segment(bad, "key", &[]).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn charset_is_enforced_without_echoing_the_value() {
        let cs = [('a', 'z'), ('0', '9'), ('-', '-')];
        assert!(path_segment("key-1", "key", &cs).is_ok());
        let err = path_segment("Key/secret", "key", &cs)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("[a-z0-9-]"), "{err}");
        assert!(!err.contains("secret"), "{err}");
    }

    #[test]
    fn header_values_reject_control_characters() {
        assert!(header_value("ok value", "h", false).is_ok());
        for bad in ["a\r\nb", "a\nb", "a\0b", "a\x7fb"] {
            assert!(header_value(bad, "h", false).is_err());
        }
        let v = Secret::new("tok").to_header("h");
        assert!(v.map(|v| v.is_sensitive()).unwrap_or(false));
    }

    #[test]
    fn query_is_form_encoded() {
        let mut q = String::new();
        push_query(&mut q, "page-size", "20");
        push_query(&mut q, "search", "a b&c");
        assert_eq!(q, "page-size=20&search=a+b%26c");
    }
}
