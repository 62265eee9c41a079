//! Shared harness of the decode fuzz targets: turns fuzzer bytes into an HTTP answer
//! (status, headers, body) and runs an endpoint's sans-IO decoder on it.
//!
//! Input layout:
//! - bytes 0..2: the status. If the top bit of byte 0 is set, the big-endian value picks one
//!   of [`COMMON_STATUSES`]; otherwise the status is `100 + value % 500` (100..=599).
//! - byte 2: the number of headers that follow (low 3 bits, 0..=7).
//! - per header: a name byte (index into [`HEADER_NAMES`]) and a mode byte. Mode with the top
//!   bit set: the value is a decimal integer made from the next 8 bytes (negative if bit
//!   0x40 is set too). Otherwise `mode & 0x3f` raw bytes follow as the value (skipped if
//!   they are not a valid header value).
//! - the rest: the body.
//!
//! Missing bytes read as zero, so every input is a valid answer.

use auth_sdk::bytes::Bytes;
use auth_sdk::http::{self, HeaderMap, HeaderName, HeaderValue, StatusCode};
use auth_sdk::{Endpoint, Error, parse_response};

/// Statuses the providers actually send, picked when byte 0's top bit is set.
pub const COMMON_STATUSES: &[u16] = &[
    200, 201, 202, 204, 301, 302, 307, 400, 401, 403, 404, 408, 409, 415, 422, 429, 500, 502, 503,
    504,
];

/// Response headers some endpoint decodes (or the runtime reads on errors).
pub const HEADER_NAMES: &[&str] = &[
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "retry-after",
    "page-total",
    "page-size",
    "page-current",
    "item-total",
    "content-type",
    "x-should-retry",
    "content-length",
    "location",
];

struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }

    fn take(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.data.len());
        let (head, rest) = self.data.split_at(n);
        self.data = rest;
        head
    }
}

/// An HTTP answer built from fuzzer bytes.
pub struct Answer {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Bytes,
}

/// Splits fuzzer input into an answer (see the module docs for the layout).
pub fn answer(data: &[u8]) -> Answer {
    let mut r = Reader { data };
    let hi = r.byte();
    let lo = r.byte();
    let v = u16::from_be_bytes([hi, lo]);
    let code = if hi & 0x80 != 0 {
        COMMON_STATUSES[usize::from(v & 0x7fff) % COMMON_STATUSES.len()]
    } else {
        100 + v % 500
    };
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
    let mut headers = HeaderMap::new();
    let count = r.byte() & 0x07;
    for _ in 0..count {
        let name = HEADER_NAMES[usize::from(r.byte()) % HEADER_NAMES.len()];
        let mode = r.byte();
        let value = if mode & 0x80 != 0 {
            let got = r.take(8);
            let mut b = [0u8; 8];
            b[..got.len()].copy_from_slice(got);
            let n = u64::from_be_bytes(b);
            let text = if mode & 0x40 != 0 {
                format!("-{}", n >> 1)
            } else {
                n.to_string()
            };
            HeaderValue::from_str(&text).ok()
        } else {
            HeaderValue::from_bytes(r.take(usize::from(mode & 0x3f))).ok()
        };
        if let Some(value) = value {
            headers.append(HeaderName::from_static(name), value);
        }
    }
    Answer {
        status,
        headers,
        body: Bytes::copy_from_slice(r.data),
    }
}

/// Decodes `answer` as endpoint `E`'s response and renders the result every way a caller
/// could (Debug of a success; Display, Debug and helpers of an error). Also checks the one
/// invariant callers rely on: a success status that fails to decode is a `Decode` (or, for
/// an envelope failure, a `Provider`) error.
pub fn check<E: Endpoint>(answer: &Answer)
where
    E::Response: std::fmt::Debug,
{
    let mut resp = http::Response::new(answer.body.clone());
    *resp.status_mut() = answer.status;
    *resp.headers_mut() = answer.headers.clone();
    match parse_response::<E>(resp) {
        Ok(r) => {
            std::hint::black_box(format!("{r:?}"));
        }
        Err(e) => {
            std::hint::black_box(format!(
                "{e} {e:?} {e:#?} {} {} {:?}",
                e.is_transient(),
                e.may_have_been_processed(),
                e.status()
            ));
            let mut cur = std::error::Error::source(&e);
            while let Some(c) = cur {
                std::hint::black_box(c.to_string());
                cur = c.source();
            }
            if let Some(pe) = e.provider_error() {
                std::hint::black_box(format!("{:?} {}", pe.rate_limit(), pe.is_auth_failure()));
            }
            if let Error::Decode(d) = &e {
                std::hint::black_box(d.raw_body().len());
            }
            if E::METADATA.success.contains(&answer.status.as_u16()) {
                assert!(
                    matches!(e, Error::Decode(_) | Error::Provider(_)),
                    "a declared success status that fails must be a decode or envelope error: {e:?}"
                );
            }
        }
    }
}
