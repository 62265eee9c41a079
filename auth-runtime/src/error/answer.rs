//! The errors of an answer: the provider's typed error, an undecodable body, a throttled
//! call.

use std::error::Error as StdError;
use std::fmt;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

use crate::secret::RawBody;

/// The provider answered with an error.
pub struct ProviderError<B> {
    /// Provider name.
    pub provider: &'static str,
    /// Endpoint name.
    pub endpoint: &'static str,
    /// HTTP status (may be 200 for envelope failures such as Akool's `code`).
    pub status: StatusCode,
    /// The response headers (rate-limit headers among them).
    pub headers: HeaderMap,
    /// The envelope's failure code, for providers that report errors in the body.
    pub code: Option<i64>,
    /// The typed error body, if it decoded.
    pub body: Option<B>,
    /// The raw body, as the server sent it (echoed secrets included).
    pub raw: RawBody,
    /// The body as text for `Display`: the client's secrets scrubbed, at most
    /// [`MESSAGE_LIMIT`] bytes; `None` for an empty body.
    pub(crate) message: Option<Box<str>>,
    pub(crate) auth_failure: bool,
}

/// The most bytes of a provider's message an error's `Display` shows.
pub const MESSAGE_LIMIT: usize = 512;

/// `text` (already scrubbed) as one printable line of at most [`MESSAGE_LIMIT`] bytes:
/// invalid UTF-8 replaced, control characters escaped, an ellipsis where it was cut.
pub(crate) fn excerpt(text: &[u8]) -> Option<Box<str>> {
    if text.is_empty() {
        return None;
    }
    let lossy = String::from_utf8_lossy(text);
    let mut out = String::with_capacity(lossy.len().min(MESSAGE_LIMIT + 4));
    for c in lossy.trim().chars() {
        let piece: String = if c.is_control() {
            c.escape_debug().collect()
        } else {
            c.to_string()
        };
        if out.len() + piece.len() > MESSAGE_LIMIT {
            out.push('…');
            break;
        }
        out.push_str(&piece);
    }
    Some(out.into_boxed_str())
}

/// At most [`MESSAGE_LIMIT`] bytes of `text`, cut at a character boundary.
fn cut(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() <= MESSAGE_LIMIT {
        return text.into();
    }
    let mut end = MESSAGE_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end]).into()
}

impl<B> ProviderError<B> {
    /// Whether the provider rejected the credentials (HTTP 401, or an envelope code the
    /// provider declares as an auth failure).
    pub fn is_auth_failure(&self) -> bool {
        self.auth_failure
    }

    /// The `X-RateLimit-*` and `Retry-After` headers of the answer.
    pub fn rate_limit(&self) -> crate::error::rate_limit::RateLimit {
        crate::error::rate_limit::RateLimit::from_headers(&self.headers)
    }
}

impl<B: fmt::Debug> fmt::Debug for ProviderError<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderError")
            .field("provider", &self.provider)
            .field("endpoint", &self.endpoint)
            .field("status", &self.status)
            .field("code", &self.code)
            .field("body", &self.body)
            .field("raw", &self.raw)
            .finish_non_exhaustive()
    }
}

impl<B: fmt::Debug> fmt::Display for ProviderError<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} `{}` answered HTTP {}",
            self.provider, self.endpoint, self.status
        )?;
        if let Some(code) = self.code {
            write!(f, " with code {code}")?;
        }
        // The typed body was decoded from the scrubbed text, so it shows no secret either.
        match (&self.body, &self.message) {
            (Some(body), _) => write!(f, ": {}", cut(&format!("{body:?}"))),
            (None, Some(message)) => write!(f, ": {message}"),
            (None, None) => f.write_str(" with an empty body"),
        }
    }
}

/// The response body could not be decoded.
#[derive(Debug)]
pub struct DecodeError {
    /// Provider name.
    pub provider: &'static str,
    /// Endpoint name.
    pub endpoint: &'static str,
    /// HTTP status of the answer.
    pub status: StatusCode,
    /// Path of the offending field (`data.credit`), empty for the top level.
    pub path: String,
    /// What kind of decoding failure (syntax, data, end of input...).
    pub category: &'static str,
    /// Line and column of the failure in the body.
    pub position: (usize, usize),
    /// The raw body, so nothing is lost (e.g. a created API key's token).
    pub raw: RawBody,
}

impl DecodeError {
    /// The raw body that failed to decode. It may contain secrets.
    pub fn raw_body(&self) -> &RawBody {
        &self.raw
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} `{}`: could not decode the HTTP {} body ({} error",
            self.provider, self.endpoint, self.status, self.category
        )?;
        if !self.path.is_empty() && self.path != "." {
            write!(f, " at `{}`", self.path)?;
        }
        write!(
            f,
            ", line {} column {}, {} bytes kept)",
            self.position.0,
            self.position.1,
            self.raw.len()
        )
    }
}
impl StdError for DecodeError {}

/// The provider throttled the call for longer than the client is allowed to wait.
#[derive(Debug, Clone)]
pub struct RateLimited {
    /// Provider name.
    pub provider: &'static str,
    /// HTTP status (usually 429).
    pub status: StatusCode,
    /// How long the provider asked to wait, if it said.
    pub retry_after: Option<Duration>,
    /// When the provider's window resets, if it said (`X-RateLimit-Reset`).
    pub reset_at: Option<SystemTime>,
    /// Everything the answer said about the limit (`X-RateLimit-Limit`, `-Remaining`, `-Reset`).
    pub rate_limit: crate::error::rate_limit::RateLimit,
}

impl fmt::Display for RateLimited {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} rate-limited the call (HTTP {})",
            self.provider, self.status
        )?;
        if let Some(wait) = self.retry_after {
            write!(f, "; retry after {}s", wait.as_secs())?;
        }
        Ok(())
    }
}
impl StdError for RateLimited {}

/// Reduces a serde_json error to a path and category, dropping the message (which can quote
/// the offending value, e.g. a token in a mistyped field).
pub(crate) fn decode_error(
    provider: &'static str,
    endpoint: &'static str,
    status: StatusCode,
    inner: serde_json::Error,
    raw: &[u8],
) -> DecodeError {
    let mut path =
        crate::error::json_path::path_at(raw, inner.line(), inner.column(), inner.classify());
    // serde reports a missing field at the end of the object that lacks it: name the field.
    if let Some(field) = missing_field(&inner) {
        path = if path == "." {
            field.to_owned()
        } else {
            format!("{path}.{field}")
        };
    }
    let category = match inner.classify() {
        serde_json::error::Category::Io => "io",
        serde_json::error::Category::Syntax => "syntax",
        serde_json::error::Category::Data => "data",
        serde_json::error::Category::Eof => "unexpected end of input",
    };
    DecodeError {
        provider,
        endpoint,
        status,
        path,
        category,
        position: (inner.line(), inner.column()),
        raw: RawBody::new(raw.to_vec()),
    }
}

/// The field a "missing field" error names (the name comes from the response type, never
/// from the body).
fn missing_field(e: &serde_json::Error) -> Option<String> {
    if e.classify() != serde_json::error::Category::Data {
        return None;
    }
    let text = e.to_string();
    let rest = text.strip_prefix("missing field `")?;
    rest.split_once('`').map(|(name, _)| name.to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: u64,
        name: String,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        token: String,
        items: Vec<Item>,
    }

    fn path_of(body: &str) -> String {
        let e = serde_json::from_str::<Page>(body).unwrap_err();
        decode_error("P", "e", StatusCode::OK, e, body.as_bytes()).path
    }

    #[test]
    fn missing_fields_are_named_with_their_path() {
        assert_eq!(path_of(r#"{"items":[]}"#), "token");
        assert_eq!(
            path_of(r#"{"token":"t","items":[{"id":1,"name":"a"},{"name":"b"}]}"#),
            "items[1].id"
        );
        assert_eq!(
            path_of(r#"{"token":"t","items":[{"id":1,"name":"a"},{"id":2}]}"#),
            "items[1].name"
        );
        assert_eq!(
            path_of(r#"{"token":"t","items":[{"id":"x","name":"a"}]}"#),
            "items[0].id"
        );
    }
}
