//! [`Client`]: verifies tokens against one provider with one configuration.

use std::sync::Arc;

use url::Url;

use tokio::time::Instant;

use crate::catch::catch_panic;
use crate::config::ClientBuilder;
use crate::error::{Error, Result};
use crate::event::EventHook;
use crate::health::{Health, PROBE_TOKEN};
use crate::input::{email_domain, remote_ip, token_problem};
use crate::outcome::{Outcome, Reason};
use crate::policy::{Finished, Policy};
use crate::provider::{Answer, Credentials, Extras, Protocol, Provider, Verdict};
use crate::stats::{Stats, StatsSnapshot};
use crate::transport::{Plan, Transport};

/// Per-call values. Both come from the end user's request and are validated.
#[derive(Clone, Debug, Default)]
pub struct VerifyOptions {
    /// The end user's IP address (Prosopo and Yandex `ip`, GateKeeper,
    /// Turnstile, hCaptcha and reCAPTCHA `remoteip`, reCAPTCHA Enterprise
    /// `userIpAddress`; Friendly Captcha takes none).
    pub remote_ip: Option<String>,
    /// The end user's email address or domain. Prosopo only; only the domain is sent.
    pub email: Option<String>,
}

impl VerifyOptions {
    /// Sets the remote IP.
    pub fn remote_ip(mut self, ip: impl Into<String>) -> Self {
        self.remote_ip = Some(ip.into());
        self
    }
    /// Sets the email (only its domain leaves the server).
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    fn extras(&self) -> Result<Extras> {
        Ok(Extras {
            remote_ip: self.remote_ip.as_deref().map(remote_ip).transpose()?,
            email_domain: self.email.as_deref().map(email_domain).transpose()?,
        })
    }
}

/// A token refused before any request; the same policy path decides.
fn local_rejection(problem: String) -> Finished {
    Finished {
        answer: Answer::new(Verdict::Rejected(Reason::TokenInvalid)).with_detail(problem),
        http_status: None,
        attempts: 0,
        earlier_attempt_may_have_landed: false,
        token_sent: false,
        round_trips: Vec::new(),
    }
}

/// A verifier for one provider, secret and policy.
///
/// `Send + Sync` and cheap to clone (an `Arc`): build one per configuration
/// at startup and share it, so its connection pool stays warm.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub provider: Provider,
    pub protocol: &'static dyn Protocol,
    pub endpoint: Url,
    pub creds: Credentials,
    pub policy: Policy,
    pub plan: Plan,
    pub transport: Transport,
    pub stats: Stats,
    pub health: Arc<Health>,
    pub on_event: Option<EventHook>,
}

impl Inner {
    /// Counts a verdict, times it, and tells the event hook and `tracing`.
    fn finish(
        &self,
        outcome: &Outcome,
        started: std::time::Instant,
        round_trips: &[std::time::Duration],
        token: &[u8],
    ) {
        let latency = started.elapsed();
        self.stats.record(outcome);
        self.stats.record_timing(latency, round_trips, outcome.attempts);
        crate::event::emit(self.on_event.as_ref(), self.provider, outcome, latency, token);
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("provider", &self.inner.provider)
            .field("endpoint", &self.inner.endpoint.as_str())
            .field("secret", &self.inner.creds.secret)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a [`ClientBuilder`] for `provider`.
    pub fn builder(provider: Provider) -> ClientBuilder {
        ClientBuilder::new(provider)
    }

    /// The provider this client verifies against.
    pub fn provider(&self) -> Provider {
        self.inner.provider
    }

    /// The verify URL in use.
    pub fn endpoint(&self) -> &str {
        self.inner.endpoint.as_str()
    }

    /// Verifies `token`. Returns an [`Outcome`] for every verdict, including
    /// provider outages; an `Err` only for an invalid `remote_ip` or `email`.
    ///
    /// Dropping the future cancels the request.
    ///
    /// A panic inside the verification (a bug) is an `internal` error, never
    /// a lost completion, however the caller drives this future.
    pub async fn verify(&self, token: &str, options: &VerifyOptions) -> Result<Outcome> {
        match catch_panic(self.verify_unguarded(token, options)).await {
            Ok(result) => result,
            Err(()) => {
                self.inner.stats.record_error();
                Err(Error::internal(
                    "the verification panicked; this is a siteverify bug, please report it",
                ))
            }
        }
    }

    async fn verify_unguarded(&self, token: &str, options: &VerifyOptions) -> Result<Outcome> {
        let inner = &*self.inner;
        let started = std::time::Instant::now();
        let extras = match options.extras() {
            Ok(extras) => extras,
            Err(e) => {
                inner.stats.record_error();
                return Err(e);
            }
        };
        crate::fault::maybe_panic(token);
        let mut round_trips = Vec::new();
        let problem =
            token_problem(token, inner.protocol.token_limits()).or_else(|| inner.protocol.token_problem(token));
        let outcome = match problem {
            Some(problem) => inner.policy.decide(local_rejection(problem), None),
            None => {
                let deadline = Instant::now() + inner.plan.timeout;
                let request = inner.protocol.request(&inner.creds, token, &extras);
                let finished = inner
                    .transport
                    .exchange(&inner.endpoint, inner.protocol, &request, &inner.plan, deadline)
                    .await;
                if finished.answer.verdict.is_conclusive_answer() {
                    inner.health.mark_up();
                }
                let outage = if inner.policy.needs_outage_check(&finished) {
                    let probe = || {
                        let request = inner.protocol.request(&inner.creds, PROBE_TOKEN, &Extras::default());
                        let timeout = inner.plan.attempt_timeout;
                        inner.transport.probe(&inner.endpoint, inner.protocol, request, timeout)
                    };
                    Some(inner.health.check(finished.token_sent, deadline, probe).await)
                } else {
                    None
                };
                round_trips = finished.round_trips.clone();
                let outcome = inner.policy.decide(finished, outage);
                inner.stats.record_outage(outage, outcome.accepted);
                outcome
            }
        };
        inner.finish(&outcome, started, &round_trips, token.as_bytes());
        Ok(outcome)
    }

    /// [`verify`](Self::verify) for a token that arrives as bytes (a C
    /// buffer, a PHP or Go string): bytes that are not UTF-8 are an invalid
    /// token, rejected locally like any other malformed token, not an error.
    pub async fn verify_bytes(&self, token: &[u8], options: &VerifyOptions) -> Result<Outcome> {
        match std::str::from_utf8(token) {
            Ok(token) => self.verify(token, options).await,
            Err(_) => {
                let inner = &*self.inner;
                // Argument errors still win, as in `verify`.
                if let Err(e) = options.extras() {
                    inner.stats.record_error();
                    return Err(e);
                }
                let started = std::time::Instant::now();
                let outcome = inner
                    .policy
                    .decide(local_rejection("token is not valid UTF-8".into()), None);
                inner.finish(&outcome, started, &[], token);
                Ok(outcome)
            }
        }
    }

    /// Blocking [`verify`](Self::verify), run on the calling thread (a
    /// current-thread runtime and connection pool of that thread, see
    /// [`runtime::block_on`](crate::runtime::block_on)). Returns an error with
    /// code `blocking-in-async-context` when called from async code.
    pub fn verify_blocking(&self, token: &str, options: &VerifyOptions) -> Result<Outcome> {
        crate::runtime::block_on(self.verify(token, options))?
    }

    /// The client's counters.
    pub fn stats(&self) -> StatsSnapshot {
        self.inner.stats.snapshot(self.inner.health.state(), &self.inner.health)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::VerifyOptions;

    /// health.rs spawns the outage probe so that it outlives the verification
    /// that started it. Made inside a blocking call, whose thread has an idle
    /// keep-alive connection in its own pool, it must not use that
    /// connection: its task only runs while the thread is blocked in a call,
    /// the probe would time out, and an outage would be declared that is not
    /// there (and `open` would then accept a crafted token's failures).
    #[test]
    fn a_probe_made_in_a_blocking_call_runs_after_the_call_returned() {
        let mock = siteverify_mock::MockServer::start(siteverify_mock::MockConfig::default()).unwrap();
        let c = Client::builder(Provider::Prosopo)
            .secret(siteverify_mock::DEFAULT_SECRET)
            .endpoint(mock.prosopo_url())
            .build()
            .unwrap();
        let inner = Arc::clone(&c.inner);
        let probe = crate::runtime::block_on(async {
            // Leaves an idle connection in this thread's pool.
            assert!(c.verify("pass", &VerifyOptions::default()).await.unwrap().accepted);
            let request = inner.protocol.request(&inner.creds, PROBE_TOKEN, &Extras::default());
            // Made here, awaited elsewhere, as health.rs does.
            Some(
                inner
                    .transport
                    .probe(&inner.endpoint, inner.protocol, request, Duration::from_secs(2)),
            )
        })
        .unwrap()
        .unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        crate::runtime::handle().spawn(async move { tx.send(probe.await).unwrap() });
        let answered = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the probe never finished");
        assert!(answered, "the probe saw an outage: the mock answers it conclusively");
    }
}
