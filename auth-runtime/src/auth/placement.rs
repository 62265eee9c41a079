//! Placing a credential or token into a request where its scheme says: `Authorization:
//! Bearer`, raw `Authorization`, or a named header, always as a sensitive header value.

use http::header::{AUTHORIZATION, HeaderName};
use http::{HeaderMap, HeaderValue};

use crate::error::InvalidInput;
use crate::spec::params::header_value;
use crate::spec::provider::Placement;

/// Puts a credential or token where `placement` says, as a sensitive header value.
pub(crate) fn place(
    headers: &mut HeaderMap,
    placement: Placement,
    value: &str,
    field: &'static str,
) -> Result<(), InvalidInput> {
    match placement {
        Placement::Bearer => {
            let mut v = String::with_capacity(7 + value.len());
            v.push_str("Bearer ");
            v.push_str(value);
            headers.insert(AUTHORIZATION, header_value(&v, field, true)?);
        }
        Placement::Authorization => {
            headers.insert(AUTHORIZATION, header_value(value, field, true)?);
        }
        Placement::Header(name) => {
            headers.insert(
                HeaderName::from_static(name),
                header_value(value, field, true)?,
            );
        }
        // Goes in the URL, which a header map cannot hold (`authorize` places it there).
        Placement::Query(_) => {
            return Err(InvalidInput::new(
                field,
                "a query-parameter credential is placed in the URL, not in a header",
            ));
        }
    }
    Ok(())
}

/// A header placed once: [`place`]s `value` into `headers`, keeping the header in `cell` so
/// later calls with the same placement clone it (a reference count) instead of formatting,
/// checking and copying the value again. For values that never change under `cell` (a
/// cached token, a client's credential).
pub(crate) fn place_once(
    cell: &std::sync::OnceLock<(Placement, HeaderName, HeaderValue)>,
    headers: &mut HeaderMap,
    placement: Placement,
    value: &str,
    field: &'static str,
) -> Result<(), InvalidInput> {
    if let Some((p, name, v)) = cell.get()
        && *p == placement
    {
        headers.insert(name.clone(), v.clone());
        return Ok(());
    }
    let mut one = HeaderMap::with_capacity(1);
    place(&mut one, placement, value, field)?;
    for (name, v) in &one {
        let _ = cell.set((placement, name.clone(), v.clone()));
    }
    for (name, v) in one {
        if let Some(name) = name {
            headers.insert(name, v);
        }
    }
    Ok(())
}

/// One half of an OAuth2 `client_secret_basic` pair, form-encoded before Base64 (RFC 6749
/// §2.3.1); zeroized when dropped.
pub(crate) fn form_encoded(half: &str) -> zeroize::Zeroizing<String> {
    zeroize::Zeroizing::new(url::form_urlencoded::byte_serialize(half.as_bytes()).collect())
}
