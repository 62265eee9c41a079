//! [`AuthFailure`]: why authorizing a request failed, before anything was sent. The token
//! cache hands a clone of a failed fetch's `AuthFailure` to every caller that waited on it.

use crate::error::{Error, InvalidInput, MissingCredential, Timeout, TokenExchangeError};

/// Why a request could not be authorized.
#[derive(Debug, Clone)]
pub(crate) enum AuthFailure {
    Missing(MissingCredential),
    Exchange(TokenExchangeError),
    Timeout(Timeout),
    Input(InvalidInput),
}

impl<B> From<AuthFailure> for Error<B> {
    fn from(f: AuthFailure) -> Self {
        match f {
            AuthFailure::Missing(e) => Error::MissingCredential(e),
            AuthFailure::Exchange(e) => Error::TokenExchange(e),
            AuthFailure::Timeout(e) => Error::Timeout(e),
            AuthFailure::Input(e) => Error::InvalidInput(e),
        }
    }
}
