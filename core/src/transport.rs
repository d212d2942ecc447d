//! HTTP: one pooled keep-alive client, a total deadline, retries, a body cap,
//! and no redirects.

use std::error::Error as _;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use tokio::time::Instant;
use url::Url;

use crate::error::{Error, Result};
use crate::forksafe::PerProcess;
use crate::policy::Finished;
use crate::provider::{truncate, Answer, Protocol, Verdict, WireRequest};
use crate::retry::{parse_retry_after, RetryPolicy};

/// Largest provider answer read; anything bigger is a protocol error.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How long a verification may take, in total and per attempt.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Plan {
    pub timeout: Duration,
    pub attempt_timeout: Duration,
    pub retry: RetryPolicy,
}

/// What the HTTP client is built from (kept to rebuild it after a fork).
#[derive(Clone)]
pub(crate) struct HttpSettings {
    pub connect_timeout: Duration,
    pub proxy: Option<reqwest::Proxy>,
    pub extra_roots: Vec<reqwest::Certificate>,
    /// The endpoint is plain HTTP: never route it through a proxy, which
    /// would see the secret in the clear.
    pub plain_http: bool,
}

pub(crate) struct Transport {
    settings: HttpSettings,
    /// The pool of async calls. It belongs to the process that built it: its
    /// connection tasks live on that process's runtimes, which a forked child
    /// does not have. Lock-free, so a child forked mid-verification cannot
    /// inherit it locked.
    http: PerProcess<reqwest::Client>,
    /// Identifies this transport's per-thread clients of blocking calls
    /// (runtime.rs), which are dropped once this is.
    threads: Arc<()>,
}

impl Transport {
    pub fn new(settings: HttpSettings) -> Result<Self> {
        let http = build_http(&settings)?;
        Ok(Transport {
            settings,
            http: PerProcess::new(http),
            threads: Arc::new(()),
        })
    }

    /// The client for a request made here: this thread's own inside a blocking
    /// call, the process's otherwise.
    fn http(&self) -> reqwest::Client {
        if let Some(client) = crate::runtime::thread_client(&self.threads, || self.rebuild()) {
            return client;
        }
        self.shared_http()
    }

    /// The process's client, whose connections run on whichever runtime polls
    /// them first: never a blocking call's (see `http`).
    fn shared_http(&self) -> reqwest::Client {
        self.http.get_or_init(|| self.rebuild()).clone()
    }

    fn rebuild(&self) -> reqwest::Client {
        // Building succeeded once with the same settings; failing now is a bug
        // (and a panic in a verification is caught: an `internal` error).
        build_http(&self.settings).expect("rebuilding the HTTP client")
    }

    /// Sends `request`, retrying what is worth retrying, until `deadline`.
    pub async fn exchange(
        &self,
        endpoint: &Url,
        protocol: &dyn Protocol,
        request: &WireRequest,
        plan: &Plan,
        deadline: Instant,
    ) -> Finished {
        let http = self.http();
        // A provider that answers a retry with the first attempt's answer
        // (Turnstile's idempotency key) cannot tell us "already used" because
        // of our own earlier attempt: the ambiguity rule does not apply.
        let idempotent = protocol.capabilities().idempotent_retries;
        let mut attempts = 0u32;
        let mut landed = false;
        let mut sent = false;
        let mut round_trips = Vec::new();
        loop {
            attempts += 1;
            let limit = deadline
                .saturating_duration_since(Instant::now())
                .min(plan.attempt_timeout);
            let started = Instant::now();
            let reply = match tokio::time::timeout(limit, attempt(&http, endpoint, protocol, request)).await {
                Ok(reply) => reply,
                Err(_) => Reply::failed(true, format!("no answer within {} ms", limit.as_millis())),
            };
            sent |= reply.may_have_landed || reply.status.is_some();
            if reply.status.is_some() {
                round_trips.push(started.elapsed());
            }
            let finished = Finished {
                answer: reply.answer,
                http_status: reply.status,
                attempts,
                earlier_attempt_may_have_landed: landed,
                token_sent: sent,
                round_trips: round_trips.clone(),
            };
            if !matches!(finished.answer.verdict, Verdict::Transient) || attempts > plan.retry.max_retries {
                return finished;
            }
            landed |= reply.may_have_landed && !idempotent;
            let delay = reply.retry_after.unwrap_or_else(|| plan.retry.backoff(attempts));
            // A provider-sent delay can be any size: compare without adding to
            // an Instant, which would overflow (and panic) on a huge Retry-After.
            if delay >= deadline.saturating_duration_since(Instant::now()) {
                return finished;
            }
            tokio::time::sleep(delay).await;
        }
    }
}

impl Transport {
    /// One attempt with `request` (the outage probe's), as a task of its own:
    /// false only when the probe fails the way an outage does (no answer,
    /// 5xx, garbage, a refused request). Anything else refutes an outage: a
    /// conclusive answer; a 429 (over quota is not an outage, and a flood of
    /// requests, which an attacker controls, can cause it); a TLS failure
    /// (never an outage to accept).
    pub fn probe(
        &self,
        endpoint: &Url,
        protocol: &'static dyn Protocol,
        request: WireRequest,
        timeout: Duration,
    ) -> impl std::future::Future<Output = bool> + Send + 'static {
        // The probe runs as a task of the shared runtime, even when a blocking
        // call starts it: a connection from that thread's pool would only make
        // progress while the thread is blocked in a call, so the probe would
        // time out and report an outage that is not there.
        let http = self.shared_http();
        let endpoint = endpoint.clone();
        async move {
            match tokio::time::timeout(timeout, attempt(&http, &endpoint, protocol, &request)).await {
                Ok(reply) => {
                    reply.status == Some(429)
                        || !matches!(
                            reply.answer.verdict,
                            Verdict::Transient | Verdict::Protocol | Verdict::RequestRefused | Verdict::FailOpen
                        )
                }
                Err(_) => false,
            }
        }
    }
}

/// One attempt's result.
struct Reply {
    status: Option<u16>,
    answer: Answer,
    retry_after: Option<Duration>,
    /// The request may have reached the provider and used the token.
    may_have_landed: bool,
}

impl Reply {
    /// A certificate or handshake failure: not transient, so never retried.
    fn tls_failure(detail: String) -> Self {
        Reply {
            status: None,
            answer: Answer::new(Verdict::TlsFailure).with_detail(format!("TLS verification failed: {detail}")),
            retry_after: None,
            may_have_landed: false,
        }
    }

    fn failed(may_have_landed: bool, detail: String) -> Self {
        Reply {
            status: None,
            answer: Answer::new(Verdict::Transient).with_detail(detail),
            retry_after: None,
            may_have_landed,
        }
    }
}

async fn attempt(http: &reqwest::Client, endpoint: &Url, protocol: &dyn Protocol, request: &WireRequest) -> Reply {
    let mut builder = http
        .post(endpoint.clone())
        .header(CONTENT_TYPE, request.content_type.as_str())
        .body(request.body.clone());
    let headers = request.secret_headers.iter().map(|h| (h, true));
    for ((name, value), sensitive) in headers.chain(request.headers.iter().map(|h| (h, false))) {
        // Checked at build; a value that still fails never goes out, and is never echoed.
        let Ok(mut value) = HeaderValue::from_str(value) else {
            return Reply::failed(false, format!("header {name} cannot be sent"));
        };
        // Sensitive values are left out of reqwest's and hyper's Debug output.
        value.set_sensitive(sensitive);
        builder = builder.header(HeaderName::from_static(name), value);
    }
    let mut response = match builder.send().await {
        Ok(r) => r,
        Err(e) if crate::tls::is_tls_failure(&e) => {
            return Reply::tls_failure(describe(&e));
        }
        Err(e) => return Reply::failed(!e.is_connect(), describe(&e)),
    };
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after);
    let answer_with = |answer| Reply {
        status: Some(status),
        answer,
        retry_after,
        may_have_landed: status != 429,
    };
    if (300..400).contains(&status) {
        return answer_with(Answer::protocol(format!(
            "provider answered with a redirect (HTTP {status}); redirects are never followed, so the secret is not re-sent"
        )));
    }
    if response.content_length().is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return answer_with(Answer::unusable(
            status,
            format!("response body is over {MAX_BODY_BYTES} bytes"),
        ));
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_BODY_BYTES {
                    return answer_with(Answer::unusable(
                        status,
                        format!("response body is over {MAX_BODY_BYTES} bytes"),
                    ));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => return Reply::failed(true, describe(&e)),
        }
    }
    answer_with(protocol.parse(status, &body, request.sent))
}

/// A transport error in our words plus its causes, without the URL.
fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_connect() {
        "could not connect to the provider"
    } else if e.is_timeout() {
        "provider timed out"
    } else {
        "connection to the provider failed"
    };
    let mut causes = Vec::new();
    let mut source = e.source();
    while let Some(s) = source {
        causes.push(s.to_string());
        source = s.source();
    }
    if causes.is_empty() {
        what.to_string()
    } else {
        format!("{what}: {}", truncate(&causes.join(": "), 200))
    }
}

fn build_http(s: &HttpSettings) -> Result<reqwest::Client> {
    // The system trust store (or the bundled roots without one); see tls.rs.
    let mut b = crate::tls::with_default_roots(reqwest::Client::builder().use_rustls_tls())
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(s.connect_timeout)
        .pool_idle_timeout(Duration::from_secs(60))
        .tcp_keepalive(Duration::from_secs(30))
        .tcp_nodelay(true)
        .user_agent(concat!("siteverify/", env!("CARGO_PKG_VERSION")));
    if s.plain_http {
        b = b.no_proxy();
    } else if let Some(proxy) = &s.proxy {
        b = b.proxy(proxy.clone());
    }
    for root in &s.extra_roots {
        b = b.add_root_certificate(root.clone());
    }
    b.build()
        .map_err(|_| Error::config("cannot build the HTTP client from these settings"))
}
