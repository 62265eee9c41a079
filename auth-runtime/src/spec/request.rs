//! Building requests: the validated [`BaseUrl`], the [`RequestBuilder`] generated code
//! fills field by field, and the [`PreparedRequest`] it produces.

use std::fmt;

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method};

use crate::error::InvalidInput;
use crate::spec::params::{CharRange, ToHeader, ToParam, path_segment, push_query};

/// A validated base URL (`https://host/prefix`, no trailing slash, no query).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    text: String,
    loopback: bool,
    https: bool,
    /// The length of the origin (`https://host:port`) at the start of `text`; the path
    /// prefix (`/v1`, or empty) follows it.
    origin_len: usize,
    /// The host (`[::1]` for IPv6) and port, for traces (`server.address`, `server.port`).
    host: String,
    port: u16,
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
            host: url.host_str().unwrap_or_default().to_owned(),
            port: url
                .port_or_known_default()
                .unwrap_or(if https { 443 } else { 80 }),
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

    /// The host name or address.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port (the scheme's default when the URL names none).
    pub fn port(&self) -> u16 {
        self.port
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

    /// Sets an `application/x-www-form-urlencoded` body (RFC 6749's token requests).
    /// Members must be scalars (strings, numbers, booleans, options of them).
    pub fn form<T: serde::Serialize + ?Sized>(&mut self, body: &T) -> Result<(), InvalidInput> {
        let text = serde_urlencoded::to_string(body).map_err(|_| {
            InvalidInput::new(
                "body",
                "could not be form-encoded (only strings, numbers and booleans can be)",
            )
        })?;
        self.headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        self.body = Some(text.into_bytes());
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

    /// Appends `name=value` to the query, form-encoded (a credential placed in the query).
    pub(crate) fn append_query(&mut self, name: &str, value: &str) {
        let mut pair = String::new();
        crate::spec::params::push_query(&mut pair, name, value);
        self.url.push(if self.url[self.path_start..].contains('?') {
            '&'
        } else {
            '?'
        });
        self.url.push_str(&pair);
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
