//! The quickstart's last step: a provider of your own, declared here in the spec language,
//! against the sandbox's RFC 6749 authorization server. OAuth2 client credentials
//! (`client_secret_basic`: the client authenticated by HTTP Basic over its form-encoded id
//! and secret, `grant_type` fixed by the spec, a form body), the token cached and used as a bearer token, the §5.2 error typed.

use auth_sandbox::Sandbox;
use auth_sdk::{Error, Secret, model, provider};

/// An OAuth2 API: the token endpoint authenticates the client by HTTP Basic.
#[provider(
    name = "Your OAuth2 API",
    base_url = "https://auth.example.com",
    error = OAuthError,
    scheme(client = client_secret_basic(client_id, client_secret)),
    scheme(token = bearer(issued(get_token))),
)]
pub struct Client {
    /// The client id.
    #[credential(public)]
    client_id: String,
    /// The client secret.
    client_secret: Secret,
}

/// RFC 6749 §5.2.
#[model]
pub struct OAuthError {
    /// `invalid_client`, `invalid_scope`, ...
    pub error: String,
    /// Detail.
    pub error_description: Option<String>,
}

/// `POST /token` (RFC 6749 §4.4).
pub mod get_token {
    use auth_sdk::{Secret, endpoint, response};

    /// Exchanges the client's credentials for an access token.
    #[endpoint(name = get_token, provider = super::Client, POST "/token", auth = client,
               idempotent, issuer, body = form, fixed(grant_type = "client_credentials"))]
    pub struct Request {}

    /// RFC 6749 §5.1.
    #[response(200, token = access_token, expires_in = expires_in)]
    pub struct Response {
        /// The token.
        pub access_token: Secret,
        /// Seconds.
        pub expires_in: i64,
    }
}

/// `GET /v1/me`, with the issued token.
pub mod me {
    use auth_sdk::{endpoint, response};

    /// The client the token belongs to.
    #[endpoint(name = me, provider = super::Client, GET "/v1/me", auth = token, client_method)]
    pub struct Request {}

    /// The answer.
    #[response(200)]
    pub struct Response {
        /// The client.
        pub client_id: String,
        /// The granted scopes.
        pub scope: String,
    }
}

fn client(sandbox: &Sandbox, secret: &str) -> Result<Client, auth_sdk::BuildError> {
    let c = &sandbox.credentials().oauth2;
    Client::builder()
        .credentials(
            Credentials::new()
                .with_client_id(c.client_id.as_str())
                .with_client_secret(secret),
        )
        .base_url(&sandbox.base_urls().oauth2)
        .allow_http_loopback(true)
        .build()
}

/// Runs the step; one line of what happened, or why it did not.
pub(crate) async fn own_provider_flow(sandbox: &Sandbox) -> crate::Result<String> {
    let good = client(sandbox, &sandbox.credentials().oauth2.client_secret)?;
    let first = good.me().await?;
    let second = good.me().await?;
    let issued = sandbox.stats().oauth2.tokens_issued;
    if issued != 1 || first.client_id != second.client_id {
        return Err(format!("two calls should share one token, {issued} were issued").into());
    }
    let err = client(sandbox, "cs_test_wrong")?
        .me()
        .await
        .err()
        .ok_or("a wrong client secret was accepted")?;
    let refused = match &err {
        Error::TokenExchange(te) => te
            .inner()
            .downcast_ref::<Error<OAuthError>>()
            .and_then(|e| e.provider_error())
            .and_then(|pe| pe.body.as_ref())
            .map(|b| b.error.clone()),
        _ => None,
    }
    .ok_or_else(|| format!("not a typed RFC 6749 error: {err}"))?;
    Ok(format!(
        "me x2 as {} (scope \"{}\") on 1 token; a wrong secret is refused with `{refused}`",
        first.client_id, first.scope
    ))
}
