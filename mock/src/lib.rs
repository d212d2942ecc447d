//! A loopback mock of the verify APIs of Prosopo (`/siteverify`), GateKeeper
//! (`/api/v1/token/verify`), Turnstile, hCaptcha, reCAPTCHA v2/v3, reCAPTCHA
//! Enterprise, Friendly Captcha v2 and Yandex SmartCaptcha (paths below).
//!
//! It checks requests the way the providers document (content type, where the
//! secret goes, body schema, secret) and answers according to the scenario
//! token the client sends; see the crate README for the list.

mod apis;
mod dates;
mod h2;
mod http;
pub mod scenario;
mod state;
mod stats;
mod tls;

use std::net::SocketAddr;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

pub use crate::apis::{
    DEFAULT_SITE_KEY, HCAPTCHA_TEST_SECRET, HCAPTCHA_TEST_SITE_KEY, HCAPTCHA_TEST_TOKEN, RECAPTCHA_TEST_SECRET,
    TURNSTILE_DUMMY_TOKEN, TURNSTILE_FAIL_SECRET, TURNSTILE_PASS_SECRET, TURNSTILE_SPENT_SECRET,
};
use crate::dates::rfc3339;
use crate::http::{Reply, Request};
use crate::scenario::Scenario;
use crate::state::State;
pub use crate::stats::MockStats;
use crate::stats::Pending;
pub use crate::tls::{TlsOptions, WRONG_HOSTNAME};

/// The secret the mock accepts when none is configured.
pub const DEFAULT_SECRET: &str = "mock-secret";
/// Prosopo's path.
pub const PROSOPO_PATH: &str = "/siteverify";
/// GateKeeper's path.
pub const GATEKEEPER_PATH: &str = "/api/v1/token/verify";
/// Turnstile's path (as Cloudflare's).
pub const TURNSTILE_PATH: &str = "/turnstile/v0/siteverify";
/// hCaptcha's path in the mock. hCaptcha's own is `/siteverify`, which the
/// mock gives Prosopo; a distinct path keeps each contract strict.
pub const HCAPTCHA_PATH: &str = "/hcaptcha/siteverify";
/// reCAPTCHA v2/v3's path (as Google's).
pub const RECAPTCHA_PATH: &str = "/recaptcha/api/siteverify";
/// reCAPTCHA Enterprise's path for the project `siteverify-mock`; the mock
/// serves `/v1/projects/{any valid project ID}/assessments`.
pub const RECAPTCHA_ENTERPRISE_PATH: &str = "/v1/projects/siteverify-mock/assessments";
/// Friendly Captcha v2's path (as Friendly's).
pub const FRIENDLY_PATH: &str = "/api/v2/captcha/siteverify";
/// Yandex SmartCaptcha's path (as Yandex's).
pub const YANDEX_PATH: &str = "/validate";

/// The mock's path for a provider name (`siteverify::Provider::as_str`), for
/// test runners building an endpoint from the base URL.
pub fn path_for(provider: &str) -> Option<&'static str> {
    Some(match provider {
        "prosopo" => PROSOPO_PATH,
        "gatekeeper" => GATEKEEPER_PATH,
        "turnstile" => TURNSTILE_PATH,
        "hcaptcha" => HCAPTCHA_PATH,
        "recaptcha" => RECAPTCHA_PATH,
        "recaptcha-enterprise" => RECAPTCHA_ENTERPRISE_PATH,
        "friendly" => FRIENDLY_PATH,
        "yandex" => YANDEX_PATH,
        _ => return None,
    })
}
/// Mock configuration.
#[derive(Clone, Debug)]
pub struct MockConfig {
    /// Secrets accepted by both APIs (default: [`DEFAULT_SECRET`]).
    pub secrets: Vec<String>,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            secrets: vec![DEFAULT_SECRET.to_string()],
        }
    }
}

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
                    async move { route(&state, req).await }
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

#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Api {
    Prosopo,
    GateKeeper,
    Turnstile,
    HCaptcha,
    Recaptcha,
    Enterprise,
    Friendly,
    Yandex,
}

impl Api {
    fn classic(self) -> bool {
        matches!(self, Api::Prosopo | Api::GateKeeper)
    }
}

pub(crate) async fn route(state: &State, req: Request) -> Reply {
    state.counters.requests.fetch_add(1, Relaxed);
    let path = req.path.split('?').next().unwrap_or_default();
    match (req.method.as_str(), path) {
        ("POST", PROSOPO_PATH) => verify(state, Api::Prosopo, &req).await,
        ("POST", GATEKEEPER_PATH) => verify(state, Api::GateKeeper, &req).await,
        ("POST", TURNSTILE_PATH) => verify(state, Api::Turnstile, &req).await,
        ("POST", HCAPTCHA_PATH) => verify(state, Api::HCaptcha, &req).await,
        ("POST", RECAPTCHA_PATH) => verify(state, Api::Recaptcha, &req).await,
        ("POST", FRIENDLY_PATH) => verify(state, Api::Friendly, &req).await,
        ("POST", YANDEX_PATH) => verify(state, Api::Yandex, &req).await,
        ("POST", p) if apis::enterprise_project(p).is_some() => verify(state, Api::Enterprise, &req).await,
        ("GET", "/__mock/stats") => Reply::json(200, serde_json::to_value(state.counters.snapshot()).unwrap()),
        (_, "/__mock/captured") => {
            state.counters.captured.fetch_add(1, Relaxed);
            Reply::json(
                200,
                json!({"status": "ok", "verified": true, "success": true, "data": {"verified": true}}),
            )
        }
        ("GET", "/" | "/health") => Reply::json(200, json!({"mock": "siteverify", "ok": true})),
        _ => Reply::json(
            404,
            json!({"error": {"code": 404, "key": "API.NOT_FOUND", "message": "Not found", "data": {}}}),
        ),
    }
}

fn prosopo_error(status: u16, key: &str, message: &str) -> Reply {
    Reply::json(
        status,
        json!({"error": {"code": status, "key": key, "message": message, "data": {}}}),
    )
}

/// `code` may list several codes separated by commas.
fn gk_error(status: u16, code: &str) -> Reply {
    let codes: Vec<&str> = code.split(',').collect();
    Reply::json(status, json!({"success": false, "error_codes": codes}))
}

/// Checks the request contract; `Err` is the provider's documented answer.
fn check_request(state: &State, api: Api, req: &Request) -> Result<(String, Value), Reply> {
    let json_type = req.header("content-type").is_some_and(|v| {
        v.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .eq_ignore_ascii_case("application/json")
    });
    match api {
        Api::Prosopo => {
            if !json_type || req.body.is_empty() {
                return Err(prosopo_error(400, "API.MISSING_BODY", "Missing body"));
            }
            let body: Value =
                serde_json::from_slice(&req.body).map_err(|_| prosopo_error(400, "API.PARSE_ERROR", "Parse error"))?;
            let Value::Object(obj) = &body else {
                return Err(prosopo_error(400, "API.PARSE_ERROR", "Parse error"));
            };
            let (Some(secret), Some(token)) = (obj.get("secret"), obj.get("token")) else {
                return Err(prosopo_error(400, "API.MISSING_BODY", "Missing body"));
            };
            let optional_ok = ["ip", "email"]
                .iter()
                .all(|k| matches!(obj.get(*k), None | Some(Value::String(_))));
            let (Value::String(secret), Value::String(token), true) = (secret, token, optional_ok) else {
                return Err(prosopo_error(400, "API.PARSE_ERROR", "Parse error"));
            };
            if !state.accepts(secret) {
                return Err(prosopo_error(400, "API.INVALID_SITE_KEY", "Invalid site key"));
            }
            Ok((token.clone(), body.clone()))
        }
        Api::GateKeeper => {
            let Some(secret) = req.header("authorization").and_then(|v| v.strip_prefix("Bearer ")) else {
                return Err(gk_error(401, "missing-input-secret"));
            };
            if !state.accepts(secret.trim()) {
                return Err(gk_error(401, "invalid-input-secret"));
            }
            if !json_type {
                return Err(gk_error(400, "bad-request"));
            }
            let body: Value = serde_json::from_slice(&req.body).map_err(|_| gk_error(400, "bad-request"))?;
            let Value::Object(obj) = &body else {
                return Err(gk_error(400, "bad-request"));
            };
            if !matches!(obj.get("remoteip"), None | Some(Value::String(_))) {
                return Err(gk_error(400, "bad-request"));
            }
            match obj.get("token") {
                Some(Value::String(t)) if !t.is_empty() => Ok((t.clone(), body.clone())),
                None | Some(Value::String(_)) => Err(gk_error(400, "missing-input-response")),
                Some(_) => Err(gk_error(400, "bad-request")),
            }
        }
        _ => unreachable!("the other APIs are checked in apis.rs"),
    }
}

/// The verified answer for `pass` and friends.
fn pass(api: Api, s: &Scenario) -> Reply {
    let score = match s.get("score") {
        Some("none") => None,
        Some(v) => v.parse::<f64>().ok(),
        None if api == Api::GateKeeper => Some(0.1),
        None => None,
    };
    match api {
        Api::Prosopo => {
            let mut body = json!({"status": "ok", "verified": true});
            if let Some(score) = score {
                body["score"] = json!(score);
            }
            if let Some(reason) = s.get("reason") {
                body["reason"] = json!(reason);
            }
            Reply::json(200, body)
        }
        Api::GateKeeper => {
            let now = SystemTime::now();
            let age = Duration::from_secs(s.num("age").unwrap_or(5));
            let mut data = json!({
                "verified": true,
                "hostname": s.get("hostname").unwrap_or("example.com"),
                "action": s.get("action").unwrap_or("login"),
                "timestamp": rfc3339(now),
                "challenge_ts": rfc3339(now - age),
            });
            if let Some(score) = score {
                data["score"] = json!(score);
            }
            if s.get("hostname") == Some("none") {
                data.as_object_mut().unwrap().remove("hostname");
            }
            if s.get("action") == Some("none") {
                data.as_object_mut().unwrap().remove("action");
            }
            Reply::json(200, json!({"success": true, "data": data}))
        }
        other => apis::pass(other, s),
    }
}

fn token_failed(api: Api, code: &str) -> Reply {
    match api {
        Api::Prosopo => Reply::json(200, json!({"status": "ok", "verified": false, "score": 0})),
        Api::GateKeeper => Reply::json(
            200,
            json!({"success": true, "data": {"verified": false, "score": 0.85, "error_codes": [code]}}),
        ),
        other => apis::token_failed(other),
    }
}

fn duplicate(api: Api) -> Reply {
    match api {
        Api::Prosopo => prosopo_error(400, "API.USER_ALREADY_VERIFIED", "User already verified"),
        Api::GateKeeper => token_failed(api, "timeout-or-duplicate"),
        other => apis::duplicate(other),
    }
}

fn server_error(api: Api, status: u16) -> Reply {
    match api {
        Api::Prosopo => prosopo_error(status, "API.UNKNOWN", "Unknown error"),
        Api::GateKeeper => gk_error(status, "internal-error"),
        other => apis::server_error(other, status),
    }
}

/// What `echo` shows of a Prosopo or GateKeeper request.
fn classic_echo(body: &Value) -> String {
    let ip = body
        .get("ip")
        .or_else(|| body.get("remoteip"))
        .and_then(Value::as_str)
        .unwrap_or("-");
    let email = body.get("email").and_then(Value::as_str).unwrap_or("-");
    format!("ip={ip} email={email}")
}

async fn verify(state: &State, api: Api, req: &Request) -> Reply {
    let _pending = Pending::hold(&state.counters);
    let (token, seen, key) = if api.classic() {
        match check_request(state, api, req) {
            Ok((token, body)) => (token, classic_echo(&body), None),
            Err(reply) => return reply,
        }
    } else {
        match apis::check(state, api, req) {
            Ok(apis::Checked { fixed: Some(reply), .. }) => return reply,
            Ok(c) => (c.token, c.echo, c.idempotency_key),
            Err(reply) => return reply,
        }
    };
    // Turnstile: a retry with the same idempotency key gets the first answer.
    let Some(key) = key else {
        return answer(state, api, &token, &seen).await;
    };
    if let Some(first) = state.replay(&key, &token) {
        return first;
    }
    let reply = answer(state, api, &token, &seen).await;
    let s = Scenario::parse(&token);
    if s.name.starts_with("consume-") && matches!(reply, Reply::Reset | Reply::Hang) {
        // The attempt used the token and its answer was lost: a retry with
        // the same key gets that answer.
        state.remember(key, token, &pass(api, &s));
    } else {
        state.remember(key, token, &reply);
    }
    reply
}

/// The scenario's answer to a request that kept the contract.
async fn answer(state: &State, api: Api, token: &str, seen: &str) -> Reply {
    let token = token.to_string();
    let s = Scenario::parse(&token);
    if s.name == "outage" {
        let until = std::time::Instant::now() + Duration::from_millis(s.num("ms").unwrap_or(1000).min(600_000));
        *state.outage.lock().unwrap() = Some((until, s.num("status").unwrap_or(503)));
    }
    // During an outage every token, the client's outage probe included, fails alike.
    let outage = *state.outage.lock().unwrap();
    if let Some((until, status)) = outage {
        if std::time::Instant::now() < until {
            return server_error(api, status);
        }
    }
    if let Some(ms) = s.num::<u64>("delay") {
        tokio::time::sleep(Duration::from_millis(ms.min(600_000))).await;
    }
    // Single use: a second sighting answers "duplicate" whatever the scenario.
    let consuming = s.has("once") || s.name.starts_with("consume-");
    if consuming && state.use_token(&token) {
        return duplicate(api);
    }
    match s.name.as_str() {
        "pass" => pass(api, &s),
        "slow" => {
            tokio::time::sleep(Duration::from_millis(s.num("ms").unwrap_or(1000).min(600_000))).await;
            pass(api, &s)
        }
        "fail" => token_failed(api, "invalid-input-response"),
        "expired" => match api {
            Api::Prosopo => prosopo_error(400, "API.USER_NOT_VERIFIED_TIME_EXPIRED", "Verification expired"),
            Api::GateKeeper => token_failed(api, "timeout-or-duplicate"),
            other => apis::expired(other),
        },
        "fail-open" => match api {
            Api::Prosopo => Reply::json(200, json!({"status": "ok", "verified": true, "score": 0})),
            // GateKeeper's SDK reports fail-open in its flat, undocumented shape.
            Api::GateKeeper => Reply::json(200, json!({"success": true, "score": 0, "failOpen": true})),
            other => apis::fail_open(other),
        },
        // reCAPTCHA Enterprise: HTTP 200 with `valid:false` and this reason.
        "invalid" if api == Api::Enterprise => apis::invalid(s.get("reason").unwrap_or("MALFORMED")),
        "error" => {
            let status = s.num("status").unwrap_or(400);
            let key = s.get("key").unwrap_or("API.UNKNOWN_ERROR");
            match api {
                Api::Prosopo => prosopo_error(status, key, "Mock error"),
                Api::GateKeeper => gk_error(status, key),
                other => apis::error(other, &s),
            }
        }
        "status" => {
            let status = s.num("code").unwrap_or(503);
            if s.get("body") == Some("html") {
                Reply::Answer {
                    status,
                    headers: vec![("Content-Type".into(), "text/html".into())],
                    body: b"<html><body>Bad gateway</body></html>".to_vec(),
                }
            } else {
                server_error(api, status)
            }
        }
        "flaky" => {
            if state.seen_before(&token) < s.num("fails").unwrap_or(1) {
                server_error(api, s.num("status").unwrap_or(503))
            } else {
                pass(api, &s)
            }
        }
        "ratelimit" => {
            if state.seen_before(&token) < s.num("fails").unwrap_or(u32::MAX) {
                let retry_after = s.get("retry-after").unwrap_or("1").to_string();
                let mut reply = match api {
                    Api::Prosopo => prosopo_error(429, "API.RATE_LIMITED", "Too many requests"),
                    Api::GateKeeper => gk_error(429, "rate-limited"),
                    other => apis::rate_limited(other),
                };
                if let Reply::Answer { headers, .. } = &mut reply {
                    headers.push(("Retry-After".into(), retry_after));
                }
                reply
            } else {
                pass(api, &s)
            }
        }
        "hang" | "consume-hang" => Reply::Hang,
        "reset" | "consume-reset" => Reply::Reset,
        "malformed" => Reply::Answer {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: b"{\"status\": \"ok\", \"verified\": tru".to_vec(),
        },
        "wrong-shape" => match api {
            Api::Prosopo => Reply::json(200, json!({"status": "ok", "verified": "yes"})),
            Api::GateKeeper => Reply::json(200, json!({"success": true})),
            other => apis::wrong_shape(other),
        },
        "huge" => {
            let padding = "x".repeat(1024 * 1024);
            Reply::json(
                200,
                json!({"status": "ok", "verified": true, "success": true, "data": {"verified": true}, "padding": padding}),
            )
        }
        "redirect" => {
            let target = state
                .addr
                .map(|a| {
                    let scheme = if state.https { "https" } else { "http" };
                    format!("{scheme}://{a}/__mock/captured")
                })
                .unwrap_or_default();
            Reply::Answer {
                status: s.num("status").unwrap_or(307),
                headers: vec![("Location".into(), target)],
                body: Vec::new(),
            }
        }
        // Shows what the client sent besides secret and token.
        "echo" => match api {
            Api::Prosopo => Reply::json(200, json!({"status": "ok", "verified": true, "reason": seen})),
            Api::GateKeeper => Reply::json(
                200,
                json!({"success": true, "data": {"verified": true, "action": seen}}),
            ),
            other => apis::echo(other, seen),
        },
        _ => token_failed(api, "invalid-input-response"),
    }
}
