//! Reading answers, the sans-IO half of a call: success bodies decoded into the endpoint's
//! response, other statuses and envelope failures into the provider's typed error.

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::answer::excerpt;
use crate::error::{Error, ProviderError, TransportError, TransportErrorKind, decode_error};
use crate::secret::RawBody;
use crate::secret::scrub::Scrubber;
use crate::spec::endpoint::{DecodeFailure, Endpoint};
use crate::spec::provider::{Envelope, Provider};

/// Decodes a JSON body. A failure's position locates the failing value; the error built
/// from it names the value's path (see `json_path`).
pub fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, DecodeFailure> {
    Ok(serde_json::from_slice(body)?)
}

/// A type a response header decodes into.
#[diagnostic::on_unimplemented(
    message = "a response header cannot be read as `{Self}`",
    label = "this #[header(..)] field's type",
    note = "type the field `String`, an integer (`u32`, `u64`, `i64`, ...), or an `Option` of one (for a header that may be absent)"
)]
pub trait FromHeader: Sized {
    /// Decodes a present header; `None` if unreadable.
    fn from_header(value: &HeaderValue) -> Option<Self>;
    /// Decodes the present header `name`; `None` if unreadable. An optional type answers
    /// `Some(None)` for an unreadable value, and says so in a warning naming the header.
    fn from_named_header(value: &HeaderValue, name: &'static str) -> Option<Self> {
        let _ = name;
        Self::from_header(value)
    }
    /// The value when the header is absent; `None` if it is required.
    fn absent() -> Option<Self> {
        None
    }
}
macro_rules! from_header_parse {
    ($($t:ty),*) => {$(
        impl FromHeader for $t {
            fn from_header(value: &HeaderValue) -> Option<Self> {
                value.to_str().ok()?.trim().parse().ok()
            }
        }
    )*};
}
from_header_parse!(u8, u16, u32, u64, usize, i32, i64, String);
/// An optional header that is present but unreadable decodes as `None`: losing a page of
/// keys over a malformed paging header would be worse than not knowing the page count.
impl<T: FromHeader> FromHeader for Option<T> {
    fn from_header(value: &HeaderValue) -> Option<Self> {
        Some(T::from_header(value))
    }
    fn from_named_header(value: &HeaderValue, name: &'static str) -> Option<Self> {
        let read = T::from_header(value);
        if read.is_none() {
            // The value itself is not logged: it is the provider's, and could be anything.
            tracing::warn!(target: "auth_sdk",
                header = name,
                "an optional response header could not be read; treating it as absent"
            );
        }
        Some(read)
    }
    fn absent() -> Option<Self> {
        Some(None)
    }
}

/// Decodes one response header field. The name is a `static` the macro builds at compile
/// time, so a lookup only hashes it (a `&str` name would be parsed again at every lookup).
pub fn decode_header<T: FromHeader>(
    headers: &HeaderMap,
    name: &'static HeaderName,
) -> Result<T, DecodeFailure> {
    match headers.get(name) {
        Some(v) => {
            T::from_named_header(v, name.as_str()).ok_or(DecodeFailure::Header(name.as_str()))
        }
        None => T::absent().ok_or(DecodeFailure::Header(name.as_str())),
    }
}

/// Decodes an answer for endpoint `E`: success statuses go to the endpoint's decoder, others
/// (and envelope failures) become a typed provider error. This is the sans-IO half of a call.
pub fn parse_response<E: Endpoint>(
    response: http::Response<Bytes>,
) -> Result<E::Response, Error<E::ErrorBody>> {
    let (parts, body) = response.into_parts();
    // No client, so no secrets known to scrub.
    parse_parts::<E>(parts.status, &parts.headers, &body, &Scrubber::new)
}

/// [`parse_response`] over the parts of an answer; `scrub` gives the secrets a provider
/// error must not show.
pub(crate) fn parse_parts<E: Endpoint>(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    scrub: &dyn Fn() -> Scrubber,
) -> Result<E::Response, Error<E::ErrorBody>> {
    let provider = <E::Provider as Provider>::NAME;
    let name = E::METADATA.name;
    let envelope = <E::Provider as Provider>::ENVELOPE;
    match verdict(E::METADATA.success, envelope, status, body) {
        Verdict::Decode => E::decode_response(headers, body)
            .map_err(|f| Error::Decode(decode_failure(provider, name, status, f, body))),
        Verdict::Failure { code, reauth } => Err(provider_error(
            provider, name, status, headers, body, code, reauth, scrub,
        )),
        Verdict::Redirect => Err(Error::Transport(redirect_error(provider, name, status))),
    }
}

/// How an answer is read, decided without its types.
enum Verdict {
    /// A success: decode it.
    Decode,
    /// The provider's error (an error status, or a success status whose envelope code says
    /// failure).
    Failure { code: Option<i64>, reauth: bool },
    /// A redirect, which credential-bearing calls never follow.
    Redirect,
}

/// Compiled once for every endpoint: only the decoding of bodies is per type.
fn verdict(
    success: &[u16],
    envelope: Option<Envelope>,
    status: StatusCode,
    body: &[u8],
) -> Verdict {
    if status.is_redirection() {
        return Verdict::Redirect;
    }
    if success.contains(&status.as_u16()) {
        if let Some(env) = envelope
            && let Some(code) = envelope_failure(&env, body)
        {
            return Verdict::Failure {
                code: Some(code),
                reauth: env.reauth.contains(&code),
            };
        }
        return Verdict::Decode;
    }
    let code = envelope.and_then(|env| envelope_code(&env, body));
    let reauth = status == StatusCode::UNAUTHORIZED
        || envelope.is_some_and(|env| code.is_some_and(|c| env.reauth.contains(&c)));
    Verdict::Failure { code, reauth }
}

#[cold]
fn redirect_error(
    provider: &'static str,
    endpoint: &'static str,
    status: StatusCode,
) -> TransportError {
    TransportError::new(
        TransportErrorKind::Redirect,
        true,
        format!(
            "{provider} `{endpoint}` answered with a redirect (HTTP {status}); credential-bearing calls do not follow redirects"
        ),
    )
}

#[cold]
fn decode_failure(
    provider: &'static str,
    endpoint: &'static str,
    status: StatusCode,
    failure: DecodeFailure,
    body: &[u8],
) -> crate::error::DecodeError {
    match failure {
        DecodeFailure::Json(e) => decode_error(provider, endpoint, status, e, body),
        DecodeFailure::NotText => crate::error::DecodeError {
            provider,
            endpoint,
            status,
            path: ".".to_owned(),
            category: "body is not UTF-8 text",
            position: (0, 0),
            raw: RawBody::new(body.to_vec()),
        },
        DecodeFailure::Header(name) => crate::error::DecodeError {
            provider,
            endpoint,
            status,
            path: format!("header {name}"),
            category: "missing or unreadable header",
            position: (0, 0),
            raw: RawBody::new(body.to_vec()),
        },
    }
}

/// The provider's error, its body decoded as `B` if it can be. Generic over the body only,
/// so the endpoints of a provider share one copy.
///
/// The typed body and the message are read from the body with the client's secrets
/// scrubbed (`scrub` builds the scrubber, only here, off the success path); the raw body
/// keeps what the server sent.
#[allow(clippy::too_many_arguments)]
fn provider_error<B: DeserializeOwned>(
    provider: &'static str,
    endpoint: &'static str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    code: Option<i64>,
    auth_failure: bool,
    scrub: &dyn Fn() -> Scrubber,
) -> Error<B> {
    let scrubber = scrub();
    let clean = scrubber.scrub(body);
    let parsed = if clean.is_empty() {
        None
    } else {
        serde_json::from_slice::<B>(&clean).ok()
    };
    Error::Provider(Box::new(ProviderError {
        provider,
        endpoint,
        status,
        headers: headers.clone(),
        code,
        body: parsed,
        raw: RawBody::new(body.to_vec()),
        message: excerpt(&clean),
        auth_failure,
    }))
}

fn envelope_code(env: &Envelope, body: &[u8]) -> Option<i64> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    value.get(env.code_field)?.as_i64()
}

/// `Some(code)` when the body's envelope code says failure.
fn envelope_failure(env: &Envelope, body: &[u8]) -> Option<i64> {
    // Fast path: a top-level `"<code_field>": <success>` settles it without a second JSON
    // pass (the probe below cost as much as decoding the whole answer). The probe could
    // only report a failure for a well-formed object whose single code differs, which such a
    // body is not; anything else falls through to the probe.
    if leading_envelope_code(body, env.code_field) == Some(env.success) {
        return None;
    }
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(default)]
        code: Option<serde_json::Value>,
    }
    let code = if env.code_field == "code" {
        serde_json::from_slice::<Probe>(body).ok()?.code?.as_i64()
    } else {
        envelope_code(env, body)
    }?;
    (code != env.success).then_some(code)
}

/// The integer value of the first top-level key spelled exactly `"field"` in a JSON object,
/// found with a byte scan that stops there. `None` when the body is not an object, the key
/// is absent, or its value is anything but a plain integer.
fn leading_envelope_code(body: &[u8], field: &str) -> Option<i64> {
    let ws = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let mut i = body.iter().position(|b| !ws(*b))?;
    if body[i] != b'{' {
        return None;
    }
    i += 1;
    let (mut depth, mut expect_key) = (1usize, true);
    while i < body.len() {
        match body[i] {
            b'"' => {
                let start = i + 1;
                i = start;
                while i < body.len() && body[i] != b'"' {
                    i += if body[i] == b'\\' { 2 } else { 1 };
                }
                let is_key = depth == 1 && expect_key;
                expect_key = false;
                if is_key && body.get(start..i) == Some(field.as_bytes()) {
                    let mut j = i + 1;
                    while j < body.len() && ws(body[j]) {
                        j += 1;
                    }
                    if body.get(j) != Some(&b':') {
                        return None;
                    }
                    j += 1;
                    while j < body.len() && ws(body[j]) {
                        j += 1;
                    }
                    let negative = body.get(j) == Some(&b'-');
                    let digits = j + usize::from(negative);
                    let (mut k, mut value) = (digits, 0i64);
                    while let Some(d) = body.get(k).filter(|b| b.is_ascii_digit()) {
                        value = value.checked_mul(10)?.checked_add(i64::from(d - b'0'))?;
                        k += 1;
                    }
                    if k == digits
                        || !matches!(
                            body.get(k),
                            Some(b',' | b'}' | b' ' | b'\t' | b'\n' | b'\r')
                        )
                    {
                        return None;
                    }
                    return Some(if negative { -value } else { value });
                }
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return None;
                }
            }
            b',' if depth == 1 => expect_key = true,
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod envelope_tests {
    use super::*;

    const ENV: Envelope = Envelope {
        code_field: "code",
        success: 1000,
        reauth: &[1101],
    };

    /// The probe alone, as `envelope_failure` decided before the byte-scan fast path.
    fn probe_only(body: &[u8]) -> Option<i64> {
        #[derive(serde::Deserialize)]
        struct Probe {
            #[serde(default)]
            code: Option<serde_json::Value>,
        }
        let code = serde_json::from_slice::<Probe>(body).ok()?.code?.as_i64()?;
        (code != ENV.success).then_some(code)
    }

    #[test]
    fn fast_path_agrees_with_the_probe() {
        let bodies: &[&str] = &[
            r#"{"code":1000,"msg":"OK","data":{"credit":1.5}}"#,
            r#" { "code" : 1000 , "data" : {"code": 1101} } "#,
            r#"{"data":{"code":1000},"code":1101,"msg":"bad"}"#,
            r#"{"msg":"x\"code\":1000","code":1102}"#,
            r#"{"code":1101,"msg":"invalid"}"#,
            r#"{"code":1000.0}"#,
            r#"{"code":"1000"}"#,
            r#"{"code":01000}"#,
            r#"{"code":1000,"code":1101}"#,
            r#"{"co\u0064e":1101,"code":1000}"#,
            r#"{"code":1000"#,
            r#"{"code":1000}trailing"#,
            r#"[{"code":1101}]"#,
            r#"{"list":[1,{"a":"]"}],"code":1200}"#,
            r#"{"code":-1}"#,
            r#"{}"#,
            "",
            "not json",
        ];
        for body in bodies {
            assert_eq!(
                envelope_failure(&ENV, body.as_bytes()),
                probe_only(body.as_bytes()),
                "{body}"
            );
        }
        assert_eq!(
            leading_envelope_code(br#"{"data":{"code":1},"code":1000}"#, "code"),
            Some(1000)
        );
        assert_eq!(
            leading_envelope_code(br#"{"data":{"code":1}}"#, "code"),
            None
        );
    }
}
