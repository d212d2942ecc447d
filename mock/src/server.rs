//! Listening and serving: the accept loop (plain or TLS), the binary's
//! print-the-URL-then-serve entry points, and [`MockServer`] for in-process
//! tests. What a request gets is decided in `route.rs`.

use std::net::SocketAddr;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::provider::{path_for, GATEKEEPER_PATH, PROSOPO_PATH};
use crate::state::State;
use crate::stats::MockStats;
use crate::tls::{self, TlsOptions};
use crate::{http, MockConfig};

/// Serves on `listener` until the future is dropped.
pub async fn serve(listener: TcpListener, config: MockConfig) {
    let state = Arc::new(State::new(config.secrets, false, listener.local_addr().ok()));
    accept_loop(listener, state, None).await
}

/// Serves HTTPS on `listener` with a CA generated here, until the future is
/// dropped. `on_ready` receives the CA certificate (PEM) before the first accept.
pub async fn serve_tls(
    listener: TcpListener,
    config: MockConfig,
    options: TlsOptions,
    on_ready: impl FnOnce(&str),
) -> std::io::Result<()> {
    let identity = tls::identity(&options)?;
    let state = Arc::new(State::new(config.secrets, true, listener.local_addr().ok()));
    on_ready(&identity.ca_pem);
    accept_loop(listener, state, Some(identity.acceptor)).await;
    Ok(())
}

async fn accept_loop(listener: TcpListener, state: Arc<State>, tls: Option<TlsAcceptor>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        state.counters.connections.fetch_add(1, Relaxed);
        let state = state.clone();
        match &tls {
            None => tokio::spawn(async move {
                http::serve_connection(stream, |req| {
                    let state = state.clone();
                    async move { crate::route::route(&state, req).await }
                })
                .await
            }),
            Some(acceptor) => tokio::spawn(tls::serve(acceptor.clone(), stream, state)),
        };
    }
}

/// Binds `127.0.0.1:port` (0 = any free port), prints the base URL as the
/// first line of stdout, then serves forever. Used by both binaries.
pub fn run_printing_url(port: u16, config: MockConfig) -> std::io::Result<()> {
    use std::io::Write;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "http://{}", listener.local_addr()?)?;
        out.flush()?;
        drop(out);
        serve(listener, config).await;
        Ok(())
    })
}

/// Like [`run_printing_url`], over HTTPS with a CA generated at start: the CA
/// certificate (PEM) is written to `ca_out` before the base URL
/// (`https://127.0.0.1:PORT`) is printed, so a reader of the first line can
/// use the file at once.
pub fn run_printing_url_tls(
    port: u16,
    config: MockConfig,
    options: TlsOptions,
    ca_out: &std::path::Path,
) -> std::io::Result<()> {
    use std::io::Write;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let url = format!("https://{}", listener.local_addr()?);
        let mut ready = Ok(());
        serve_tls(listener, config, options, |ca_pem| {
            ready = std::fs::write(ca_out, ca_pem).and_then(|()| {
                let mut out = std::io::stdout().lock();
                writeln!(out, "{url}")?;
                out.flush()
            });
        })
        .await?;
        ready
    })
}

/// A mock running on its own thread, for in-process tests. Stops on drop.
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<State>,
    /// HTTPS mode: the generated CA certificate, PEM.
    ca_pem: Option<String>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for MockServer {
    fn drop(&mut self) {
        // Works from sync code and from inside another runtime alike.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl MockServer {
    /// Starts on an ephemeral loopback port.
    pub fn start(config: MockConfig) -> std::io::Result<MockServer> {
        Self::launch(config, None)
    }

    /// Starts in HTTPS mode on an ephemeral loopback port, with a CA
    /// generated now ([`MockServer::ca_pem`]) and a leaf for `localhost`,
    /// `127.0.0.1` and `::1` (unless `options` asks for a wrong name).
    /// ALPN offers `h2` and `http/1.1`.
    pub fn start_tls(config: MockConfig, options: TlsOptions) -> std::io::Result<MockServer> {
        Self::launch(config, Some(tls::identity(&options)?))
    }

    fn launch(config: MockConfig, identity: Option<tls::Identity>) -> std::io::Result<MockServer> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("siteverify-mock")
            .enable_all()
            .build()?;
        // Bound with std so that starting works from inside another runtime too.
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let listener = {
            let _guard = runtime.enter();
            TcpListener::from_std(std_listener)?
        };
        let (ca_pem, acceptor) = match identity {
            Some(id) => (Some(id.ca_pem), Some(id.acceptor)),
            None => (None, None),
        };
        let state = Arc::new(State::new(config.secrets, acceptor.is_some(), Some(addr)));
        runtime.spawn(accept_loop(listener, state.clone(), acceptor));
        Ok(MockServer {
            addr,
            state,
            ca_pem,
            runtime: Some(runtime),
        })
    }

    /// `http://127.0.0.1:PORT`, or `https://127.0.0.1:PORT` in HTTPS mode.
    pub fn url(&self) -> String {
        let scheme = if self.state.https { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// HTTPS mode: the CA certificate (PEM) that signed the server's
    /// certificate, to give the client as an extra CA. `None` in plain mode.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The Prosopo endpoint.
    pub fn prosopo_url(&self) -> String {
        format!("{}{PROSOPO_PATH}", self.url())
    }

    /// The GateKeeper endpoint.
    pub fn gatekeeper_url(&self) -> String {
        format!("{}{GATEKEEPER_PATH}", self.url())
    }

    /// The endpoint for a provider name (see [`path_for`]).
    pub fn url_for(&self, provider: &str) -> Option<String> {
        path_for(provider).map(|p| format!("{}{p}", self.url()))
    }

    /// Current counters.
    pub fn stats(&self) -> MockStats {
        self.state.counters.snapshot()
    }

    /// The verify URL for the provider named `provider` (the core's names),
    /// or `None` for a provider the mock does not serve. (Bindings call it this.)
    pub fn endpoint(&self, provider: &str) -> Option<String> {
        self.url_for(provider)
    }
}
