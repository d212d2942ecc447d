//! Per-client counters, cheap enough to update on every verification.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use serde::Serialize;

use std::time::Duration;

use crate::forksafe::KeyCounter;
use crate::health::{Health, Outage, ProviderHealth};
use crate::histogram::{Histogram, HistogramSnapshot};
use crate::outcome::{Outcome, Reason};

/// Distinct provider error keys tracked; further keys count under `"other"`,
/// so a hostile provider cannot grow our memory.
const MAX_KEYS: usize = 64;

#[derive(Default)]
pub(crate) struct Stats {
    verifications: AtomicU64,
    accepted: AtomicU64,
    not_accepted: AtomicU64,
    inconclusive: AtomicU64,
    fail_open_suspected: AtomicU64,
    retries: AtomicU64,
    errors: AtomicU64,
    outage_accepted: AtomicU64,
    outage_refused: AtomicU64,
    verification_seconds: Histogram,
    round_trip_seconds: Histogram,
    /// Index = attempts (0 for a local rejection), capped at the last slot.
    by_attempts: [AtomicU64; 12],
    by_reason: [AtomicU64; Reason::ALL.len()],
    /// Lock-free: a forked child keeps counting with the client it inherited.
    by_error_key: KeyCounter<MAX_KEYS>,
}

/// A point-in-time copy of a client's counters.
///
/// To alert on a provider incident, poll this and watch
/// `fail_open_suspected` (Prosopo answers fail-open while its own upstream is
/// down) and `by_reason["provider-unavailable"]` grow.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StatsSnapshot {
    /// Verifications that produced an outcome.
    pub verifications: u64,
    /// Outcomes with `accepted == true`.
    pub accepted: u64,
    /// Outcomes with `accepted == false`: definite rejections and inconclusive
    /// outcomes that were not accepted alike. (Named `rejected` before 0.2.)
    pub not_accepted: u64,
    /// Outcomes with `conclusive == false`.
    pub inconclusive: u64,
    /// Outcomes with `fail_open_suspected == true`.
    pub fail_open_suspected: u64,
    /// HTTP attempts beyond the first.
    pub retries: u64,
    /// Calls that returned an error instead of an outcome.
    pub errors: u64,
    /// Inconclusive outcomes that `fail_mode=open` accepted during a
    /// confirmed outage (provider unreachable, or the outage probe failed too).
    pub outage_accepted: u64,
    /// Inconclusive outcomes that `fail_mode=open` did not accept because no
    /// outage was confirmed: the provider answered other tokens (a token that
    /// makes the provider fail looks like this), or the probe was too slow.
    pub outage_refused: u64,
    /// Outage probes sent (at most one per client at a time, one per
    /// [`PROBE_TTL`](crate::PROBE_TTL) while the provider is down).
    pub outage_probes: u64,
    /// The provider's health as the outage check sees it now: `"up"`,
    /// `"down"` or `"unknown"`.
    pub provider_health: String,
    /// Time from the call to the verdict, per verification (retries, backoff
    /// and outage check included).
    pub verification_seconds: HistogramSnapshot,
    /// Time of each HTTP attempt that got an answer: the provider's own latency.
    pub round_trip_seconds: HistogramSnapshot,
    /// Verifications per number of HTTP attempts (`"0"` for local rejections).
    pub by_attempts: BTreeMap<String, u64>,
    /// Outcomes per reason code.
    pub by_reason: BTreeMap<String, u64>,
    /// Provider error keys and codes seen (Prosopo `error.key`, GateKeeper `error_codes`).
    pub by_error_key: BTreeMap<String, u64>,
}

impl StatsSnapshot {
    /// The snapshot as a JSON object.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("stats are always serialisable")
    }
}

impl Stats {
    /// Counts what the outage check decided for an inconclusive outcome.
    pub(crate) fn record_outage(&self, outage: Option<Outage>, accepted: bool) {
        if outage.is_some() {
            if accepted {
                &self.outage_accepted
            } else {
                &self.outage_refused
            }
            .fetch_add(1, Relaxed);
        }
    }

    /// Times of one verification: its latency and its answered attempts'.
    pub(crate) fn record_timing(&self, latency: Duration, round_trips: &[Duration], attempts: u32) {
        self.verification_seconds.observe(latency);
        for rtt in round_trips {
            self.round_trip_seconds.observe(*rtt);
        }
        let slot = (attempts as usize).min(self.by_attempts.len() - 1);
        self.by_attempts[slot].fetch_add(1, Relaxed);
    }

    pub(crate) fn record(&self, o: &Outcome) {
        self.verifications.fetch_add(1, Relaxed);
        if o.accepted { &self.accepted } else { &self.not_accepted }.fetch_add(1, Relaxed);
        if !o.conclusive {
            self.inconclusive.fetch_add(1, Relaxed);
        }
        if o.fail_open_suspected {
            self.fail_open_suspected.fetch_add(1, Relaxed);
        }
        self.retries.fetch_add(u64::from(o.attempts.saturating_sub(1)), Relaxed);
        let idx = Reason::ALL.iter().position(|r| *r == o.reason).unwrap_or(0);
        self.by_reason[idx].fetch_add(1, Relaxed);
        if o.error_key.is_none() && o.error_codes.is_empty() {
            return;
        }
        for key in o.error_key.iter().chain(o.error_codes.iter()) {
            self.by_error_key.add(key);
        }
    }

    pub(crate) fn record_error(&self) {
        self.errors.fetch_add(1, Relaxed);
    }

    pub(crate) fn snapshot(&self, health: ProviderHealth, probes: &Health) -> StatsSnapshot {
        StatsSnapshot {
            verifications: self.verifications.load(Relaxed),
            accepted: self.accepted.load(Relaxed),
            not_accepted: self.not_accepted.load(Relaxed),
            inconclusive: self.inconclusive.load(Relaxed),
            fail_open_suspected: self.fail_open_suspected.load(Relaxed),
            retries: self.retries.load(Relaxed),
            errors: self.errors.load(Relaxed),
            outage_accepted: self.outage_accepted.load(Relaxed),
            outage_refused: self.outage_refused.load(Relaxed),
            outage_probes: probes.probes.load(Relaxed),
            provider_health: health.as_str().to_string(),
            verification_seconds: self.verification_seconds.snapshot(),
            round_trip_seconds: self.round_trip_seconds.snapshot(),
            by_attempts: self
                .by_attempts
                .iter()
                .enumerate()
                .map(|(n, c)| (n.to_string(), c.load(Relaxed)))
                .filter(|(_, c)| *c > 0)
                .collect(),
            by_reason: Reason::ALL
                .iter()
                .zip(self.by_reason.iter())
                .map(|(r, n)| (r.as_str().to_string(), n.load(Relaxed)))
                .filter(|(_, n)| *n > 0)
                .collect(),
            by_error_key: self.by_error_key.snapshot(),
        }
    }
}
