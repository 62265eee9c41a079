#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
//! OAuth2 client credentials (RFC 6749 §4.4) end to end against the sandbox's authorization
//! server, with two providers declared here in the public spec language: one authenticating
//! the client by HTTP Basic (`client_secret_basic`), one by the form body
//! (`client_secret_post`). Each: a token fetched once and used as a bearer token, the §5.2
//! errors typed (`invalid_client` with 401 and `WWW-Authenticate`, `invalid_scope`,
//! `invalid_request` for two authentication methods at once), and a secret with characters
//! that §2.3.1's form encoding changes.

use auth_sandbox::{Oauth2Credentials, Sandbox, SandboxConfig, SeededCredentials};
use auth_sdk::{Error, model};

mod common;
use common::{loopback, provider_error};

/// RFC 6749 §5.2, shared by both providers.
#[model]
pub struct OAuthError {
    /// `invalid_request`, `invalid_client`, `invalid_grant`, `unauthorized_client`,
    /// `unsupported_grant_type` or `invalid_scope`.
    pub error: String,
    /// Human-readable detail.
    pub error_description: Option<String>,
    /// A page about the error.
    pub error_uri: Option<String>,
}

/// `client_secret_basic`.
pub mod by_basic {
    use auth_sdk::{Secret, provider};

    /// The sandbox's OAuth2 server; the client authenticated by HTTP Basic.
    #[provider(
        name = "OAuth2 (Basic)",
        base_url = "https://auth.example.com",
        error = super::OAuthError,
        scheme(client = client_secret_basic(client_id, client_secret)),
        scheme(token = bearer(issued(get_token))),
    )]
    pub struct Client {
        /// The client id.
        #[credential(public)]
        client_id: String,
        /// The client secret.
        client_secret: Secret,
        /// The scopes to request, space-separated.
        #[credential(public)]
        scope: String,
    }

    /// `POST /token`.
    pub mod get_token {
        use auth_sdk::{Secret, endpoint, response};

        /// Exchanges the client's credentials for an access token.
        #[endpoint(name = get_token, provider = super::Client, POST "/token", auth = client,
                   idempotent, issuer, body = form, fixed(grant_type = "client_credentials"))]
        pub struct Request {
            /// The scopes to request.
            pub scope: String,
        }

        /// RFC 6749 §5.1.
        #[response(200, token = access_token, expires_in = expires_in)]
        pub struct Response {
            /// The token.
            pub access_token: Secret,
            /// `Bearer`.
            pub token_type: String,
            /// Seconds.
            pub expires_in: i64,
            /// The granted scopes.
            pub scope: String,
        }
    }

    /// `GET /v1/me`.
    pub mod me {
        use auth_sdk::{endpoint, response};

        /// The client the token belongs to.
        #[endpoint(name = me, provider = super::Client, GET "/v1/me", auth = token, client_method)]
        pub struct Request {}

        /// The answer.
        #[response(200)]
        pub struct Response {
            /// The client the token was issued to.
            pub client_id: String,
            /// The granted scopes.
            pub scope: String,
        }
    }
}

/// `client_secret_post`.
pub mod by_post {
    use auth_sdk::{Secret, provider};

    /// The sandbox's OAuth2 server; the client's credentials in the form body.
    #[provider(
        name = "OAuth2 (post)",
        base_url = "https://auth.example.com",
        error = super::OAuthError,
        scheme(token = bearer(issued(get_token))),
    )]
    pub struct Client {
        /// The client id.
        #[credential(public)]
        client_id: String,
        /// The client secret.
        client_secret: Secret,
        /// The scopes to request, space-separated.
        #[credential(public)]
        scope: String,
    }

    /// `POST /token`.
    pub mod get_token {
        use auth_sdk::{Secret, endpoint, response};

        /// Exchanges the client's credentials for an access token.
        #[endpoint(name = get_token, provider = super::Client, POST "/token", auth = none,
                   idempotent, issuer, body = form, fixed(grant_type = "client_credentials"))]
        pub struct Request {
            /// The client id.
            pub client_id: String,
            /// The client secret.
            pub client_secret: Secret,
            /// The scopes to request.
            pub scope: String,
        }

        /// RFC 6749 §5.1.
        #[response(200, token = access_token, expires_in = expires_in)]
        pub struct Response {
            /// The token.
            pub access_token: Secret,
            /// `Bearer`.
            pub token_type: String,
            /// Seconds.
            pub expires_in: i64,
            /// The granted scopes.
            pub scope: String,
        }
    }

    /// `GET /v1/me`.
    pub mod me {
        use auth_sdk::{endpoint, response};

        /// The client the token belongs to.
        #[endpoint(name = me, provider = super::Client, GET "/v1/me", auth = token, client_method)]
        pub struct Request {}

        /// The answer.
        #[response(200)]
        pub struct Response {
            /// The client the token was issued to.
            pub client_id: String,
            /// The granted scopes.
            pub scope: String,
        }
    }
}

fn basic_client(sb: &Sandbox, secret: &str, scope: &str) -> by_basic::Client {
    let c = &sb.credentials().oauth2;
    let creds = by_basic::Credentials::new()
        .with_client_id(c.client_id.as_str())
        .with_client_secret(secret)
        .with_scope(scope);
    loopback(sb.base_urls().oauth2, creds).build().unwrap()
}

fn post_client(sb: &Sandbox, secret: &str, scope: &str) -> by_post::Client {
    let c = &sb.credentials().oauth2;
    let creds = by_post::Credentials::new()
        .with_client_id(c.client_id.as_str())
        .with_client_secret(secret)
        .with_scope(scope);
    loopback(sb.base_urls().oauth2, creds).build().unwrap()
}

/// The typed §5.2 body inside a failed token exchange.
fn oauth_error<B: std::fmt::Debug>(err: &Error<B>, status: u16) -> (String, Option<String>) {
    let Error::TokenExchange(te) = err else {
        panic!("expected a token exchange error, got {err:?}")
    };
    let inner = te
        .inner()
        .downcast_ref::<Error<OAuthError>>()
        .unwrap_or_else(|| panic!("not the issuer's typed error: {te:?}"));
    let pe = provider_error(inner, status);
    let challenge = pe
        .headers
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned());
    (
        pe.body.as_ref().expect("a typed §5.2 body").error.clone(),
        challenge,
    )
}

#[tokio::test]
async fn client_secret_basic_and_post_get_one_token_each_and_use_it() {
    let sb = Sandbox::start().await.unwrap();
    let secret = sb.credentials().oauth2.client_secret.clone();
    let basic = basic_client(&sb, &secret, "read");
    for _ in 0..3 {
        let me = basic.me().await.unwrap();
        assert_eq!(me.client_id, sb.credentials().oauth2.client_id);
        assert_eq!(me.scope, "read");
    }
    assert_eq!(sb.stats().oauth2.tokens_issued, 1);
    let post = post_client(&sb, &secret, "read write");
    for _ in 0..3 {
        assert_eq!(post.me().await.unwrap().scope, "read write");
    }
    assert_eq!(sb.stats().oauth2.tokens_issued, 2);
}

#[tokio::test]
async fn the_rfc_6749_errors_are_typed() {
    let sb = Sandbox::start().await.unwrap();
    let secret = sb.credentials().oauth2.client_secret.clone();
    // invalid_client: 401 with a challenge, for either authentication method.
    let err = basic_client(&sb, "cs_test_wrong", "read")
        .me()
        .await
        .unwrap_err();
    let (code, challenge) = oauth_error(&err, 401);
    assert_eq!(code, "invalid_client");
    assert!(
        challenge.is_some_and(|c| c.starts_with("Basic ")),
        "{err:?}"
    );
    let err = post_client(&sb, "cs_test_wrong", "read")
        .me()
        .await
        .unwrap_err();
    assert_eq!(oauth_error(&err, 401).0, "invalid_client");
    // invalid_scope: 400.
    let err = basic_client(&sb, &secret, "read admin")
        .me()
        .await
        .unwrap_err();
    assert_eq!(oauth_error(&err, 400).0, "invalid_scope");
    assert!(!err.is_transient());
    assert_eq!(sb.stats().oauth2.tokens_issued, 0);
    // The rest of §2.3, §3.2, §4.4 and §5.1 on the raw wire.
    let c = sb.credentials().oauth2.clone();
    let url = format!("{}/token", sb.base_urls().oauth2);
    let http = auth_sdk::reqwest::Client::new();
    let form = "application/x-www-form-urlencoded";
    let post = |body: String, basic: bool, content_type: &'static str| {
        let mut r = http
            .post(&url)
            .header("content-type", content_type)
            .body(body);
        if basic {
            r = r.basic_auth(&c.client_id, Some(&c.client_secret));
        }
        r.send()
    };
    let creds = format!(
        "client_id={}&client_secret={}",
        c.client_id, c.client_secret
    );
    let cases = [
        (
            format!("grant_type=client_credentials&{creds}"),
            true,
            form,
            400,
            "invalid_request",
        ),
        (
            format!("grant_type=client_credentials&{creds}"),
            false,
            "application/json",
            400,
            "invalid_request",
        ),
        (
            format!("grant_type=password&{creds}"),
            false,
            form,
            400,
            "unsupported_grant_type",
        ),
        (creds.clone(), false, form, 400, "invalid_request"),
        (
            format!("grant_type=client_credentials&grant_type=client_credentials&{creds}"),
            false,
            form,
            400,
            "invalid_request",
        ),
        (
            "grant_type=client_credentials".to_owned(),
            false,
            form,
            401,
            "invalid_client",
        ),
    ];
    for (body, basic, content_type, status, error) in cases {
        let r = post(body.clone(), basic, content_type).await.unwrap();
        assert_eq!(r.status().as_u16(), status, "{body}");
        assert_eq!(r.headers()["cache-control"], "no-store", "{body}");
        let v: serde_json::Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
        assert_eq!(v["error"], error, "{body}: {v}");
    }
    let r = post("grant_type=client_credentials".into(), true, form)
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["pragma"], "no-cache");
    let v: serde_json::Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(
        v["scope"], "read write",
        "no scope requested: the client's default"
    );
    assert_eq!(v["expires_in"], 3600);
}

/// Plain RFC 7617 Basic, for the comparison below.
pub mod plain_basic {
    use auth_sdk::{Secret, provider};

    /// The same server, the client's id and secret sent by `basic` as they are.
    #[provider(
        name = "OAuth2 (plain Basic)",
        base_url = "https://auth.example.com",
        error = super::OAuthError,
        scheme(client = basic(client_id, client_secret)),
        scheme(token = bearer(issued(get_token))),
    )]
    pub struct Client {
        /// The client id.
        #[credential(public)]
        client_id: String,
        /// The client secret.
        client_secret: Secret,
    }

    /// `POST /token`.
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
}

/// A sandbox whose one client is `id` with `secret`.
async fn sandbox_with_client(id: &str, secret: &str) -> Sandbox {
    let config = SandboxConfig::default().with_credentials(SeededCredentials {
        oauth2: Oauth2Credentials {
            client_id: id.into(),
            client_secret: secret.into(),
            scopes: vec!["read".into()],
        },
        ..SeededCredentials::default()
    });
    Sandbox::start_with(config).await.unwrap()
}

fn encoded_client(sb: &Sandbox, id: &str, secret: &str) -> by_basic::Client {
    let creds = by_basic::Credentials::new()
        .with_client_id(id)
        .with_client_secret(secret)
        .with_scope("read");
    loopback(sb.base_urls().oauth2, creds).build().unwrap()
}

#[tokio::test]
async fn client_secret_basic_form_encodes_what_plain_basic_would_garble() {
    // `+` means a space and `%` starts an escape once the server form-decodes (§2.3.1).
    let secret = "cs_test_a+b%2Fc:d e&f=é";
    let sb = sandbox_with_client("client-one", secret).await;
    let encoded = encoded_client(&sb, "client-one", secret);
    assert_eq!(encoded.me().await.unwrap().client_id, "client-one");

    // The same id and secret by plain Basic: the server decodes a different secret.
    let creds = plain_basic::Credentials::new()
        .with_client_id("client-one")
        .with_client_secret(secret);
    let plain: plain_basic::Client = loopback(sb.base_urls().oauth2, creds).build().unwrap();
    let err = plain
        .send(plain_basic::get_token::Request::new())
        .await
        .unwrap_err();
    let pe = provider_error(&err, 401);
    assert_eq!(pe.body.as_ref().unwrap().error, "invalid_client");

    // A `:` in the id, which plain Basic refuses, is escaped.
    let sb = sandbox_with_client("client:one", secret).await;
    let colon = encoded_client(&sb, "client:one", secret);
    assert_eq!(colon.me().await.unwrap().client_id, "client:one");
}
