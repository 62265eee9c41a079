//! The sans-IO endpoint trait that every spec implements, and the pieces generated code uses
//! to build an `http::Request` and decode an `http::Response`.

use std::fmt;

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{
    Error, InvalidInput, ProviderError, TransportError, TransportErrorKind, decode_error,
};
use crate::params::{CharRange, ToHeader, ToParam, path_segment, push_query};
use crate::provider::{Envelope, Provider, SchemeId};
use crate::secret::RawBody;

/// What a spec says about an endpoint, apart from its fields.
#[derive(Debug, Clone)]
pub struct Metadata {
    /// Endpoint name (the spec module's name, e.g. `create_key`).
    pub name: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path template relative to the base URL, e.g. `/user/keys/{key}`.
    pub path: &'static str,
    /// Whether a retry after the request was sent is safe.
    pub idempotent: bool,
    /// Success statuses.
    pub success: &'static [u16],
}

/// An endpoint: a request type that knows how to become an `http::Request` and how to read
/// its answer. Implemented by `#[endpoint]`; no I/O happens here.
pub trait Endpoint: Send + Sync + Sized {
    /// The provider (its client type).
    type Provider: Provider;
    /// The decoded success answer.
    type Response: Send;
    /// The typed error body of this endpoint.
    type ErrorBody: DeserializeOwned + fmt::Debug + Send + Sync + 'static;
    /// Method, path, idempotency, success statuses.
    const METADATA: Metadata;

    /// The auth scheme to apply (`None`: no auth).
    fn auth(&self) -> Option<SchemeId>;

    /// Builds the request (without auth) against `base`, in the SDK's own form.
    fn prepare_request(&self, base: &BaseUrl) -> Result<PreparedRequest, InvalidInput>;

    /// Builds the request (without auth) against `base` as an `http::Request`.
    fn to_http_request(&self, base: &BaseUrl) -> Result<http::Request<Bytes>, InvalidInput> {
        self.prepare_request(base)?.into_http()
    }

    /// Decodes a success answer.
    fn decode_response(headers: &HeaderMap, body: &[u8]) -> Result<Self::Response, DecodeFailure>;
}

/// A validated base URL (`https://host/prefix`, no trailing slash, no query).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    text: String,
    loopback: bool,
    https: bool,
    /// The length of the origin (`https://host:port`) at the start of `text`; the path
    /// prefix (`/v1`, or empty) follows it.
    origin_len: usize,
}

impl BaseUrl {
    /// Parses and checks a base URL.
    pub fn parse(input: &str) -> Result<Self, crate::error::BuildError> {
        let bad = |why: &str| crate::error::BuildError::new("base_url", why.to_owned());
        let url = url::Url::parse(input).map_err(|_| bad("not an absolute URL"))?;
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            _ => return Err(bad("only http and https URLs are accepted")),
        };
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad("a base URL must not carry a query or fragment"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad(
                "a base URL must not carry credentials; configure them on the client",
            ));
        }
        let loopback = match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            None => return Err(bad("a base URL needs a host")),
        };
        let text = url.as_str().trim_end_matches('/').to_owned();
        let uri = http::Uri::try_from(text.as_str())
            .map_err(|_| bad("not a URL an HTTP request can be sent to"))?;
        if uri.scheme().is_none() || uri.authority().is_none() {
            return Err(bad("a base URL needs a scheme and a host"));
        }
        let prefix = uri.path().trim_end_matches('/');
        let Some(origin) = text.strip_suffix(prefix) else {
            return Err(bad("not a URL an HTTP request can be sent to"));
        };
        Ok(BaseUrl {
            origin_len: origin.len(),
            text,
            loopback,
            https,
        })
    }

    /// The URL text, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the host is a loopback address.
    pub fn is_loopback(&self) -> bool {
        self.loopback
    }

    /// Whether the scheme is https.
    pub fn is_https(&self) -> bool {
        self.https
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Builds one request; generated code calls it field by field.
#[derive(Debug)]
pub struct RequestBuilder {
    method: Method,
    /// The absolute URL: the base URL, then the path (the query is added by `finish`).
    url: String,
    /// Where the path starts in `url`.
    path_start: usize,
    query: String,
    headers: HeaderMap,
    body: Option<Vec<u8>>,
}

/// `application/json`, checked once at compile time rather than at every request.
static APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");

impl RequestBuilder {
    /// Starts a request to `base`.
    pub fn new(method: Method, base: &BaseUrl) -> Self {
        let mut url = String::with_capacity(base.text.len() + 48);
        url.push_str(&base.text);
        let mut headers = HeaderMap::with_capacity(6);
        headers.insert(ACCEPT, APPLICATION_JSON.clone());
        RequestBuilder {
            method,
            url,
            path_start: base.origin_len,
            query: String::new(),
            headers,
            body: None,
        }
    }

    /// The headers so far, to add to (a provider's fixed headers go here).
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// Appends a literal part of the path template.
    pub fn path(&mut self, literal: &str) {
        self.url.push_str(literal);
    }

    /// Appends a path parameter as exactly one percent-encoded segment.
    pub fn path_param<T: ToParam + ?Sized>(
        &mut self,
        field: &'static str,
        value: &T,
        charset: &[CharRange],
    ) -> Result<(), InvalidInput> {
        let v = value.to_param();
        let seg = path_segment(&v, field, charset)?;
        self.url.push_str(&seg);
        Ok(())
    }

    /// Adds a query parameter.
    pub fn query<T: ToParam + ?Sized>(&mut self, name: &str, value: &T) {
        push_query(&mut self.query, name, &value.to_param());
    }

    /// Adds a header. Generated code passes a `static` name built at compile time (checked
    /// by the macro), so a call does not parse the name again.
    pub fn header<T: ToHeader + ?Sized>(
        &mut self,
        name: &'static HeaderName,
        field: &'static str,
        value: &T,
    ) -> Result<(), InvalidInput> {
        let v = value.to_header(field)?;
        self.headers.append(name.clone(), v);
        Ok(())
    }

    /// Sets a JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, body: &T) -> Result<(), InvalidInput> {
        let bytes = serde_json::to_vec(body)
            .map_err(|_| InvalidInput::new("body", "could not be serialized as JSON"))?;
        self.headers.insert(CONTENT_TYPE, APPLICATION_JSON.clone());
        self.body = Some(bytes);
        Ok(())
    }

    /// Finishes the request. Its URL is valid by construction: the base URL was checked,
    /// path literals are checked by the macro, and parameters are percent-encoded.
    pub fn finish(mut self) -> PreparedRequest {
        if self.url.len() == self.path_start {
            self.url.push('/');
        }
        if !self.query.is_empty() {
            self.url.push('?');
            self.url.push_str(&self.query);
        }
        PreparedRequest {
            method: self.method,
            url: self.url,
            path_start: self.path_start,
            headers: self.headers,
            body: self.body.map(Bytes::from).unwrap_or_default(),
        }
    }
}

/// A request an endpoint built, before or after auth.
///
/// A client with its default transport turns it straight into a `reqwest::Request` (the URL
/// is parsed once, by reqwest's `url`); [`into_http`](Self::into_http) gives the
/// `http::Request` that a custom [`Transport`] receives and that sans-IO users work with.
///
/// Its `Debug` shows the method, the URL's path (never its query, which can carry a
/// credential) and the header names (never their values).
///
/// [`Transport`]: crate::Transport
pub struct PreparedRequest {
    method: Method,
    url: String,
    path_start: usize,
    headers: HeaderMap,
    body: Bytes,
}

impl PreparedRequest {
    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The absolute URL, query included (it can carry a credential: do not log it).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL's path, without the query.
    pub fn path(&self) -> &str {
        let path = &self.url[self.path_start..];
        path.split_once('?').map_or(path, |(p, _)| p)
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The headers, to add to (the call loop adds the auth header here).
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// The body (empty when the endpoint sends none).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Takes the request apart: method, absolute URL, headers, body.
    pub fn into_parts(self) -> (Method, String, HeaderMap, Bytes) {
        (self.method, self.url, self.headers, self.body)
    }

    /// The `http::Request` for this request.
    pub fn into_http(self) -> Result<http::Request<Bytes>, InvalidInput> {
        let uri = http::Uri::from_maybe_shared(Bytes::from(self.url))
            .map_err(|_| InvalidInput::new("url", "the request URL is not valid"))?;
        let mut req = http::Request::new(self.body);
        *req.method_mut() = self.method;
        *req.uri_mut() = uri;
        *req.headers_mut() = self.headers;
        Ok(req)
    }
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("method", &self.method)
            .field("path", &self.path())
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// A success response declared with `#[response]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not declared as a response",
    label = "the endpoint's module needs a `Response` declared with `#[response(200)]`",
    note = "declare `#[response(200)] pub struct Response {{ ... }}` beside the request"
)]
pub trait ResponseSpec: Sized {
    /// Success statuses.
    const SUCCESS: &'static [u16];
    /// Decodes the answer.
    fn decode(headers: &HeaderMap, body: &[u8]) -> Result<Self, DecodeFailure>;
}

/// Alternative header sets declared with `#[header_group]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a header group of `{P}`",
    note = "declare the enum with `#[header_group(provider = ...)]` naming the same provider as the endpoint"
)]
pub trait HeaderGroup<P> {
    /// Adds the variant's headers.
    fn apply(&self, rb: &mut RequestBuilder) -> Result<(), InvalidInput>;
    /// The auth scheme the variant asks for.
    fn auth(&self) -> Option<SchemeId>;
}

/// Serializes a borrowed secret in a generated request body.
#[derive(Clone, Copy)]
pub struct Expose<'a>(pub &'a crate::secret::Secret);

impl serde::Serialize for Expose<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.expose_secret())
    }
}

/// Why a success answer could not be decoded.
#[derive(Debug)]
pub enum DecodeFailure {
    /// The JSON body did not match (the error's position locates the failing value).
    Json(serde_json::Error),
    /// A header field was missing or unreadable.
    Header(&'static str),
}

impl From<serde_json::Error> for DecodeFailure {
    fn from(e: serde_json::Error) -> Self {
        DecodeFailure::Json(e)
    }
}

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
        Some(v) => T::from_header(v).ok_or(DecodeFailure::Header(name.as_str())),
        None => T::absent().ok_or(DecodeFailure::Header(name.as_str())),
    }
}

/// Decodes an answer for endpoint `E`: success statuses go to the endpoint's decoder, others
/// (and envelope failures) become a typed provider error. This is the sans-IO half of a call.
pub fn parse_response<E: Endpoint>(
    response: http::Response<Bytes>,
) -> Result<E::Response, Error<E::ErrorBody>> {
    let (parts, body) = response.into_parts();
    parse_parts::<E>(parts.status, &parts.headers, &body)
}

pub(crate) fn parse_parts<E: Endpoint>(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<E::Response, Error<E::ErrorBody>> {
    let provider = <E::Provider as Provider>::NAME;
    let name = E::METADATA.name;
    let envelope = <E::Provider as Provider>::ENVELOPE;
    match verdict(E::METADATA.success, envelope, status, body) {
        Verdict::Decode => E::decode_response(headers, body)
            .map_err(|f| Error::Decode(decode_failure(provider, name, status, f, body))),
        Verdict::Failure { code, reauth } => Err(provider_error(
            provider, name, status, headers, body, code, reauth,
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
fn provider_error<B: DeserializeOwned>(
    provider: &'static str,
    endpoint: &'static str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    code: Option<i64>,
    auth_failure: bool,
) -> Error<B> {
    let parsed = if body.is_empty() {
        None
    } else {
        serde_json::from_slice::<B>(body).ok()
    };
    Error::Provider(Box::new(ProviderError {
        provider,
        endpoint,
        status,
        headers: headers.clone(),
        code,
        body: parsed,
        raw: RawBody::new(body.to_vec()),
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn prepared(base: &str) -> PreparedRequest {
        let base = BaseUrl::parse(base).unwrap();
        let mut rb = RequestBuilder::new(Method::GET, &base);
        rb.path("/keys/");
        rb.path_param("key", "a b/ü", &[]).unwrap();
        rb.query("api_key", "sk_test_QUERY");
        rb.query("page", &2u32);
        static X_TOKEN: HeaderName = HeaderName::from_static("x-token");
        rb.header(&X_TOKEN, "token", "sk_test_HEADER").unwrap();
        rb.finish()
    }

    /// The default transport sends `url()` parsed by `url`; other transports get
    /// `into_http()`. Both must name the same resource, for every shape of base URL.
    #[test]
    fn the_url_and_the_http_request_agree() {
        let cases = [
            ("https://api.example.com", "https://api.example.com"),
            ("https://api.example.com/", "https://api.example.com"),
            ("https://API.Example.com:443/", "https://api.example.com"),
            ("http://127.0.0.1:8080/v1/", "http://127.0.0.1:8080/v1"),
            ("http://[::1]:9/a/b", "http://[::1]:9/a/b"),
            ("https://h.example/x%20y/", "https://h.example/x%20y"),
            ("https://h.example/x y/", "https://h.example/x%20y"),
        ];
        for (base, origin_and_prefix) in cases {
            let p = prepared(base);
            let want =
                format!("{origin_and_prefix}/keys/a%20b%2F%C3%BC?api_key=sk_test_QUERY&page=2");
            assert_eq!(p.url(), want, "{base}");
            let prefix = origin_and_prefix.splitn(4, '/').nth(3).unwrap_or("");
            let path = if prefix.is_empty() {
                "/keys/a%20b%2F%C3%BC".to_owned()
            } else {
                format!("/{prefix}/keys/a%20b%2F%C3%BC")
            };
            assert_eq!(p.path(), path, "{base}");
            let url = url::Url::parse(p.url()).unwrap();
            let http = p.into_http().unwrap();
            assert_eq!(http.uri().to_string(), want, "{base}");
            assert_eq!(url::Url::parse(&http.uri().to_string()).unwrap(), url);
            assert_eq!(http.method(), Method::GET);
            assert_eq!(http.headers()["x-token"], "sk_test_HEADER");
            assert_eq!(http.headers()[ACCEPT], "application/json");
        }
    }

    #[test]
    fn an_empty_path_is_the_root() {
        let base = BaseUrl::parse("https://api.example.com").unwrap();
        let mut rb = RequestBuilder::new(Method::POST, &base);
        rb.query("q", "1");
        rb.json(&serde_json::json!({"a": 1})).unwrap();
        let p = rb.finish();
        assert_eq!(p.url(), "https://api.example.com/?q=1");
        assert_eq!(p.path(), "/");
        assert_eq!(&p.body()[..], br#"{"a":1}"#);
        let http = p.into_http().unwrap();
        assert_eq!(http.uri(), "https://api.example.com/?q=1");
        assert_eq!(http.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(&http.body()[..], br#"{"a":1}"#);
    }

    #[test]
    fn debug_shows_neither_the_query_nor_header_values() {
        let p = prepared("https://api.example.com/v1");
        for text in [format!("{p:?}"), format!("{p:#?}")] {
            assert!(!text.contains("sk_test"), "{text}");
            assert!(!text.contains("api_key"), "{text}");
            assert!(text.contains("/v1/keys/a%20b%2F%C3%BC"), "{text}");
            assert!(text.contains("x-token"), "{text}");
        }
    }
}
