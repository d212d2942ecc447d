//! The outage check behind `fail_mode=open`.
//!
//! Fail-open exists to survive a provider outage, not to let one odd token
//! through: a crafted token can make a provider throw (HTTP 500, garbage), and
//! accepting every such answer would let that token pass. So an inconclusive
//! outcome is accepted under `fail_mode=open` only when the failure cannot
//! have come from the token:
//!
//! - it happened before the token left the machine (DNS, connection refused,
//!   connect timeout on every attempt): the provider is unreachable from here,
//!   whatever the token; or
//! - siteverify's own probe, a fixed token that the provider rejects
//!   conclusively whenever it works, fails too: the provider is failing for
//!   every token.
//!
//! Any conclusive answer from the provider marks it up, and while it answered
//! within the last [`PROBE_TTL`] no probe is sent and nothing inconclusive is
//! accepted. A probe's answer is trusted for [`PROBE_TTL`]; one probe runs at
//! a time per client, so an outage costs one extra request per interval, and a
//! flood of crafted tokens cannot multiply requests to the provider.
//!
//! All state is atomics: a forked child inherits it safely (a probe the parent
//! had in flight is recognised by its owner's pid and ignored).

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::forksafe::current_pid;

/// How long a probe's answer, or a conclusive answer from the provider, is trusted.
pub const PROBE_TTL: Duration = Duration::from_secs(5);
/// The token siteverify probes with. No provider issues it, so a working
/// provider rejects it conclusively; it is never a user's token.
pub(crate) const PROBE_TOKEN: &str = "siteverify-outage-probe";
/// How often a verification waiting for another's probe looks for its answer.
const POLL: Duration = Duration::from_millis(10);

/// What the outage check concluded for one inconclusive outcome.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outage {
    /// The failure happened before the token was sent.
    Unreachable,
    /// The provider fails for every token (a probe failed, now or within [`PROBE_TTL`]).
    Confirmed,
    /// The provider answers other tokens: this failure may come from the token.
    Refuted,
    /// No evidence in time (the probe did not finish within the deadline).
    Unknown,
}

impl Outage {
    /// The outage is real: the verification may be accepted under `open`.
    pub fn confirmed(self) -> bool {
        matches!(self, Outage::Unreachable | Outage::Confirmed)
    }
}

/// The provider's health as this client's outage check sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderHealth {
    /// Nothing known within the last [`PROBE_TTL`].
    Unknown,
    /// The provider answered conclusively within the last [`PROBE_TTL`].
    Up,
    /// A probe failed within the last [`PROBE_TTL`]: inconclusive outcomes are
    /// accepted under `fail_mode=open`.
    Down,
}

impl ProviderHealth {
    /// `"unknown"`, `"up"` or `"down"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderHealth::Unknown => "unknown",
            ProviderHealth::Up => "up",
            ProviderHealth::Down => "down",
        }
    }
}

pub(crate) struct Health {
    born: Instant,
    /// Milliseconds since `born` (plus one; 0 = never) of the last conclusive answer.
    last_up: AtomicU64,
    /// Until when (same clock) a failed probe says the provider is down.
    down_until: AtomicU64,
    /// The pid running a probe (0 = none) and when it started.
    probing_pid: AtomicU32,
    probe_started: AtomicU64,
    pub probes: AtomicU64,
}

impl Default for Health {
    fn default() -> Self {
        Health {
            born: Instant::now(),
            last_up: AtomicU64::new(0),
            down_until: AtomicU64::new(0),
            probing_pid: AtomicU32::new(0),
            probe_started: AtomicU64::new(0),
            probes: AtomicU64::new(0),
        }
    }
}

fn ttl_ms() -> u64 {
    PROBE_TTL.as_millis() as u64
}

impl Health {
    fn now(&self) -> u64 {
        self.born.elapsed().as_millis() as u64 + 1
    }

    /// The provider answered some token conclusively.
    pub fn mark_up(&self) {
        self.last_up.store(self.now(), Relaxed);
        self.down_until.store(0, Relaxed);
    }

    fn mark_down(&self) {
        self.down_until.store(self.now() + ttl_ms(), Relaxed);
    }

    pub fn state(&self) -> ProviderHealth {
        let now = self.now();
        if self.down_until.load(Relaxed) > now {
            ProviderHealth::Down
        } else if recent(self.last_up.load(Relaxed), now) {
            ProviderHealth::Up
        } else {
            ProviderHealth::Unknown
        }
    }

    /// Decides whether an inconclusive answer is an outage, probing if
    /// nothing recent says; waits for a probe at most until `deadline`.
    pub async fn check<P, Fut>(self: &Arc<Self>, token_sent: bool, deadline: Instant, probe: P) -> Outage
    where
        P: FnOnce() -> Fut,
        Fut: std::future::Future<Output = bool> + Send + 'static,
    {
        if !token_sent {
            return Outage::Unreachable;
        }
        let mut probe = Some(probe);
        loop {
            match self.state() {
                ProviderHealth::Down => return Outage::Confirmed,
                ProviderHealth::Up => return Outage::Refuted,
                ProviderHealth::Unknown => {}
            }
            if let Some(probe) = probe.take() {
                self.start_probe(probe);
            }
            if Instant::now() + POLL > deadline {
                return Outage::Unknown;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Starts a probe unless one is running in this process. It runs as its
    /// own task, so it finishes (and informs later verifications) even when
    /// the verification that started it runs out of time.
    fn start_probe<P, Fut>(self: &Arc<Self>, probe: P)
    where
        P: FnOnce() -> Fut,
        Fut: std::future::Future<Output = bool> + Send + 'static,
    {
        let pid = current_pid();
        let owner = self.probing_pid.load(Relaxed);
        // A probe older than a TTL plus its own time is stuck or was the parent's.
        let stale = owner != pid || self.probe_started.load(Relaxed) + 4 * ttl_ms() < self.now();
        if owner != 0 && !stale {
            return;
        }
        if self.probing_pid.compare_exchange(owner, pid, Relaxed, Relaxed).is_err() {
            return;
        }
        self.probe_started.store(self.now(), Relaxed);
        self.probes.fetch_add(1, Relaxed);
        let health = Arc::clone(self);
        let answered = probe();
        crate::runtime::spawn_detached(async move {
            if answered.await {
                health.mark_up();
            } else {
                health.mark_down();
            }
            health.probing_pid.store(0, Relaxed);
        });
    }
}

/// A timestamp (0 = never) within the last TTL.
fn recent(t: u64, now: u64) -> bool {
    t != 0 && t + ttl_ms() > now
}
