//! Per-client counters, cheap enough to update on every verification.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

use serde::Serialize;

use crate::outcome::{Outcome, Reason};

/// Distinct provider error keys tracked; further keys count under `"other"`,
/// so a hostile provider cannot grow our memory.
const MAX_KEYS: usize = 64;

#[derive(Default)]
pub(crate) struct Stats {
    verifications: AtomicU64,
    accepted: AtomicU64,
    rejected: AtomicU64,
    inconclusive: AtomicU64,
    fail_open_suspected: AtomicU64,
    retries: AtomicU64,
    errors: AtomicU64,
    by_reason: [AtomicU64; Reason::ALL.len()],
    by_error_key: Mutex<BTreeMap<String, u64>>,
}

/// A point-in-time copy of a client's counters.
///
/// To alert on a provider incident, poll this and watch
/// `fail_open_suspected` (Prosopo answers fail-open while its own upstream is
/// down) and `by_reason["provider-unavailable"]` grow.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StatsSnapshot {
    /// Verifications that produced an outcome.
    pub verifications: u64,
    /// Outcomes with `accepted == true`.
    pub accepted: u64,
    /// Outcomes with `accepted == false`.
    pub rejected: u64,
    /// Outcomes with `conclusive == false`.
    pub inconclusive: u64,
    /// Outcomes with `fail_open_suspected == true`.
    pub fail_open_suspected: u64,
    /// HTTP attempts beyond the first.
    pub retries: u64,
    /// Calls that returned an error instead of an outcome.
    pub errors: u64,
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
    pub(crate) fn record(&self, o: &Outcome) {
        self.verifications.fetch_add(1, Relaxed);
        if o.accepted { &self.accepted } else { &self.rejected }.fetch_add(1, Relaxed);
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
        let mut keys = self.by_error_key.lock().unwrap_or_else(|p| p.into_inner());
        for key in o.error_key.iter().chain(o.error_codes.iter()) {
            let slot = if keys.contains_key(key) || keys.len() < MAX_KEYS {
                key.as_str()
            } else {
                "other"
            };
            *keys.entry(slot.to_string()).or_default() += 1;
        }
    }

    pub(crate) fn record_error(&self) {
        self.errors.fetch_add(1, Relaxed);
    }

    pub(crate) fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            verifications: self.verifications.load(Relaxed),
            accepted: self.accepted.load(Relaxed),
            rejected: self.rejected.load(Relaxed),
            inconclusive: self.inconclusive.load(Relaxed),
            fail_open_suspected: self.fail_open_suspected.load(Relaxed),
            retries: self.retries.load(Relaxed),
            errors: self.errors.load(Relaxed),
            by_reason: Reason::ALL
                .iter()
                .zip(self.by_reason.iter())
                .map(|(r, n)| (r.as_str().to_string(), n.load(Relaxed)))
                .filter(|(_, n)| *n > 0)
                .collect(),
            by_error_key: self.by_error_key.lock().unwrap_or_else(|p| p.into_inner()).clone(),
        }
    }
}
