//! Token issuers: the generic call that exchanges a client's credentials for a token
//! through an issuer endpoint, and the scheme-table entry that `#[provider]` generates for
//! a scheme whose token an issuer mints (checked at compile time).

use crate::call::client::{ClientCore, ProviderClient};
use crate::error::{Error, TokenExchangeError};
use crate::spec::checks::{Issuer, IssuesToken};
use crate::spec::endpoint::Endpoint;
use crate::spec::provider::{FromCredentials, IssueFuture, Placement, SchemeKind, issuer_ready};
use crate::spec::request::PreparedRequest;
use crate::spec::token::TokenResponse;

/// The generic issuer call: build the request from credentials, send it without auth, read the
/// token. Referenced by the `SCHEMES` table that `#[provider]` generates.
pub fn issue_with<'a, P, E>(core: &'a ClientCore<P>) -> IssueFuture<'a>
where
    P: ProviderClient,
    E: Endpoint<Provider = P> + FromCredentials<P> + 'static,
    E::Response: TokenResponse,
{
    Box::pin(async move {
        let name = E::METADATA.name;
        let req = E::from_credentials(core.credentials()).map_err(|e| {
            TokenExchangeError::new(
                P::NAME,
                name,
                false,
                Error::<E::ErrorBody>::MissingCredential(e),
            )
        })?;
        let res = core.execute(&req).await;
        match res {
            Ok(resp) => Ok(TokenResponse::issued_token(&resp)),
            Err(e) => {
                let transient = e.is_transient();
                Err(TokenExchangeError::new(P::NAME, name, transient, e))
            }
        }
    })
}

/// The issuer request `E` built from the client's credentials: the identity of those
/// credentials in a fleet token store (hashed under the store's key, never stored).
pub fn issuer_identity<P, E>(core: &ClientCore<P>) -> Option<PreparedRequest>
where
    P: ProviderClient,
    E: Endpoint<Provider = P> + FromCredentials<P>,
{
    E::from_credentials(core.credentials())
        .ok()?
        .prepare_request(core.base_url())
        .ok()
}

/// The table entry of a scheme whose token is minted by endpoint `E` (one bound, so one
/// error if `E` is not an issuer).
pub const fn issued_kind<P, E>(
    placement: Placement,
    slot: usize,
    issuer: &'static str,
    needs: &'static str,
) -> SchemeKind<P>
where
    P: ProviderClient,
    E: Issuer<P>,
    E::Response: IssuesToken,
{
    SchemeKind::Issued {
        placement,
        slot,
        issuer,
        needs,
        ready: issuer_ready::<P, E>,
        issue: issue_with::<P, E>,
        identity: issuer_identity::<P, E>,
    }
}
