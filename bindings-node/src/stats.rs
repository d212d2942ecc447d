//! A client's counters as a JavaScript object: field for field, names camelCased.

use std::collections::BTreeMap;

use napi_derive::napi;

/// A point-in-time copy of a client's counters.
#[napi(object, object_from_js = false)]
pub struct Stats {
    /// Verifications that produced an outcome.
    pub verifications: i64,
    /// Outcomes with `accepted === true`.
    pub accepted: i64,
    /// Outcomes with `accepted === false`: definite rejections and inconclusive outcomes alike.
    pub not_accepted: i64,
    /// The same count as `notAccepted`, under its old name.
    /// @deprecated Use `notAccepted`, which says what it counts.
    pub rejected: i64,
    /// Outcomes with `conclusive === false`.
    pub inconclusive: i64,
    /// Outcomes with `failOpenSuspected === true`.
    pub fail_open_suspected: i64,
    /// HTTP attempts beyond the first.
    pub retries: i64,
    /// Calls that failed with an error instead of an outcome.
    pub errors: i64,
    /// Inconclusive outcomes `failMode: "open"` accepted during a confirmed outage.
    pub outage_accepted: i64,
    /// Inconclusive outcomes `failMode: "open"` refused: no outage was confirmed.
    pub outage_refused: i64,
    /// Outage probes sent.
    pub outage_probes: i64,
    /// The provider's health as the outage check sees it.
    #[napi(ts_type = "'up' | 'down' | 'unknown'")]
    pub provider_health: String,
    /// Outcomes per reason code (reasons never seen are absent).
    #[napi(ts_type = "Partial<Record<Reason, number>>")]
    pub by_reason: BTreeMap<String, i64>,
    /// Provider error keys and codes seen (Prosopo `error.key`, GateKeeper `error_codes`).
    pub by_error_key: BTreeMap<String, i64>,
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl From<siteverify::StatsSnapshot> for Stats {
    fn from(s: siteverify::StatsSnapshot) -> Self {
        let siteverify::StatsSnapshot {
            verifications,
            accepted,
            not_accepted,
            inconclusive,
            fail_open_suspected,
            retries,
            errors,
            outage_accepted,
            outage_refused,
            outage_probes,
            provider_health,
            by_reason,
            by_error_key,
            // The latency histograms reach Node with the observability work (issue 18).
            verification_seconds: _,
            round_trip_seconds: _,
            by_attempts: _,
        } = s;
        let counts = |m: BTreeMap<String, u64>| m.into_iter().map(|(k, v)| (k, count(v))).collect();
        Stats {
            verifications: count(verifications),
            accepted: count(accepted),
            not_accepted: count(not_accepted),
            rejected: count(not_accepted),
            inconclusive: count(inconclusive),
            fail_open_suspected: count(fail_open_suspected),
            retries: count(retries),
            errors: count(errors),
            outage_accepted: count(outage_accepted),
            outage_refused: count(outage_refused),
            outage_probes: count(outage_probes),
            provider_health,
            by_reason: counts(by_reason),
            by_error_key: counts(by_error_key),
        }
    }
}
