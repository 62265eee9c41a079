//! The variant a test expects out of an SDK error: each helper returns it, or panics with
//! the error it got instead.

use std::fmt::Debug;

use auth_sdk::{Error, InvalidInput, MissingCredential, ProviderError};

/// The `MissingCredential` inside `err`.
pub fn missing_credential<B: Debug>(err: Error<B>) -> MissingCredential {
    match err {
        Error::MissingCredential(mc) => mc,
        other => panic!("expected Error::MissingCredential, got {other:?}"),
    }
}

/// The `MissingCredential` inside `err`, after checking that it names `provider`'s `scheme`.
pub fn missing_credential_of<B: Debug>(
    err: Error<B>,
    provider: &str,
    scheme: &str,
) -> MissingCredential {
    let mc = missing_credential(err);
    assert_eq!(mc.provider, provider);
    assert_eq!(mc.scheme, scheme);
    mc
}

/// The `InvalidInput` inside `err`.
pub fn invalid_input<B: Debug>(err: Error<B>) -> InvalidInput {
    match err {
        Error::InvalidInput(ii) => ii,
        other => panic!("expected Error::InvalidInput, got {other:?}"),
    }
}

/// The provider error inside `err`, after checking that its status is `status`.
pub fn provider_error<B: Debug>(err: &Error<B>, status: u16) -> &ProviderError<B> {
    let pe = err
        .provider_error()
        .unwrap_or_else(|| panic!("expected Error::Provider, got {err:?}"));
    assert_eq!(pe.status.as_u16(), status, "{err:?}");
    pe
}
