//! The running server: binding, shutdown, and the top of the module graph,
//! where [`AppState`] composes the shared pieces with every provider's own
//! state and [`AppState::router`] nests each provider's routes.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::Response;
use serde_json::json;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::{SandboxConfig, SeededCredentials};
use crate::http_util::{json, no_route_message};
use crate::state::{Provider, ProviderState, Shared, Stats};
use crate::{akool, coinflow, coolset, coopfin, loccus, oauth2};

/// How long [`Sandbox::shutdown`] waits for in-flight requests.
const GRACE: Duration = Duration::from_secs(2);

/// Base URL of every emulated provider (no trailing slash), e.g.
/// `http://127.0.0.1:40123/coopfin/v1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrls {
    /// CoopFin: `…/coopfin/v1` (token endpoint at `/sandbox/token`).
    pub coopfin: String,
    /// Coinflow: `…/coinflow/api` (`/auth`, `/auth/session-key`, `/auth/verify`).
    pub coinflow: String,
    /// Coolset: `…/coolset/api` (`/accounts/user-config/`, `/accounts/workspaces/`).
    pub coolset: String,
    /// Akool: `…/akool` (`/api/open/v3/getToken`, `/api/open/v3/faceswap/quota/info`).
    pub akool: String,
    /// Loccus: `…/loccus/v1` (`/auth/credentials`, `/user`, `/user/keys…`).
    pub loccus: String,
    /// The OAuth2 server: `…/oauth2` (`/token`, RFC 6749 client credentials; `/v1/me`).
    pub oauth2: String,
}

/// A running sandbox server bound to a loopback address.
///
/// Dropping it requests a shutdown: the listening socket is closed as soon as
/// the server task next runs (immediately on a multi-threaded runtime, at the
/// next `.await` on a current-thread one). [`Sandbox::shutdown`] also waits
/// for that, so the port refuses connections when it returns.
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Starts a sandbox with the default configuration on `127.0.0.1:0`
    /// (an ephemeral port).
    pub async fn start() -> io::Result<Sandbox> {
        Self::start_with(SandboxConfig::default()).await
    }

    /// Starts a sandbox with `config` on `127.0.0.1:0`.
    pub async fn start_with(config: SandboxConfig) -> io::Result<Sandbox> {
        Self::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config).await
    }

    /// Starts a sandbox on `addr`, which must be a loopback address
    /// (otherwise fails with [`io::ErrorKind::InvalidInput`] without binding).
    /// The server task is spawned on the current tokio runtime.
    pub async fn bind(addr: SocketAddr, config: SandboxConfig) -> io::Result<Sandbox> {
        if !addr.ip().is_loopback() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("auth-sandbox only binds loopback addresses, refusing {addr}"),
            ));
        }
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = AppState::new(config, format!("http://{addr}"));
        let app = state.router();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                // Either an explicit stop or the sender being dropped.
                let _ = stopped.await;
            });
            if let Err(error) = serve.await {
                tracing::warn!(%error, "auth-sandbox server stopped with an error");
            }
        });
        tracing::debug!(%addr, "auth-sandbox listening");
        Ok(Sandbox {
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Base URL of every provider.
    pub fn base_urls(&self) -> BaseUrls {
        let url = |p: Provider| format!("{}{}", self.state.shared.origin, p.prefix());
        BaseUrls {
            coopfin: url(Provider::Coopfin),
            coinflow: url(Provider::Coinflow),
            coolset: url(Provider::Coolset),
            akool: url(Provider::Akool),
            loccus: url(Provider::Loccus),
            oauth2: url(Provider::Oauth2),
        }
    }

    /// The credentials this instance accepts.
    pub fn credentials(&self) -> &SeededCredentials {
        &self.state.shared.config.credentials
    }

    /// The configuration this instance runs with.
    pub fn config(&self) -> &SandboxConfig {
        &self.state.shared.config
    }

    /// A snapshot of the request and token counters.
    pub fn stats(&self) -> Stats {
        self.state.shared.counters.snapshot()
    }

    /// Moves the sandbox clock forward by `by` (both the monotonic clock used
    /// for expiry and the wall clock used for timestamps), so tests can expire
    /// credentials without sleeping.
    pub fn advance_clock(&self, by: Duration) {
        self.state.shared.clock.advance(by);
    }

    /// Stops accepting connections, lets in-flight requests finish (up to
    /// 2 s, then aborts them) and waits until the listener is closed.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(GRACE, &mut task).await.is_err()
        {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The shared pieces composed with each provider's own state.
#[derive(Debug, Clone)]
struct AppState {
    shared: Shared,
    coopfin: coopfin::App,
    coinflow: coinflow::App,
    coolset: coolset::App,
    akool: akool::App,
    loccus: loccus::App,
    oauth2: oauth2::App,
}

impl AppState {
    fn new(config: SandboxConfig, origin: String) -> Self {
        let loccus = loccus::State::seeded(&config.credentials.loccus);
        let shared = Shared::new(config, origin);
        Self {
            coopfin: ProviderState::new(shared.clone(), coopfin::State::default()),
            coinflow: ProviderState::new(shared.clone(), coinflow::State::default()),
            coolset: ProviderState::new(shared.clone(), coolset::State::default()),
            akool: ProviderState::new(shared.clone(), akool::State::default()),
            loccus: ProviderState::new(shared.clone(), loccus),
            oauth2: ProviderState::new(shared.clone(), oauth2::State::default()),
            shared,
        }
    }

    /// The full router: one nested router per provider, request counting,
    /// and a fallback naming the unmatched method and path.
    fn router(&self) -> Router {
        Router::new()
            .nest(
                Provider::Coopfin.prefix(),
                coopfin::router(self.coopfin.clone()),
            )
            .nest(
                Provider::Coinflow.prefix(),
                coinflow::router(self.coinflow.clone()),
            )
            .nest(
                Provider::Coolset.prefix(),
                coolset::router(self.coolset.clone()),
            )
            .nest(Provider::Akool.prefix(), akool::router(self.akool.clone()))
            .nest(
                Provider::Loccus.prefix(),
                loccus::router(self.loccus.clone()),
            )
            .nest(
                Provider::Oauth2.prefix(),
                oauth2::router(self.oauth2.clone()),
            )
            .fallback(fallback)
            .layer(middleware::from_fn_with_state(
                self.shared.clone(),
                count_requests,
            ))
    }
}

async fn count_requests(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    if let Some(provider) = Provider::for_path(request.uri().path()) {
        shared.counters.request(provider);
    }
    next.run(request).await
}

async fn fallback(method: Method, uri: Uri) -> Response {
    json(
        StatusCode::NOT_FOUND,
        json!({
            "error": no_route_message(&method, uri.path()),
            "method": method.as_str(),
            "path": uri.path(),
            "providers": Provider::ALL.map(Provider::prefix),
        }),
    )
}
