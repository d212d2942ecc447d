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
    /// Time from the call to the verdict, per verification (retries, backoff
    /// and the outage check included).
    pub verification_seconds: Histogram,
    /// Time of each HTTP attempt that got an answer: the provider's own latency.
    pub round_trip_seconds: Histogram,
    /// Verifications per number of HTTP attempts, keyed by the count as a
    /// string (`"0"`: rejected locally, no request sent).
    pub by_attempts: BTreeMap<String, i64>,
    /// Outcomes per reason code (reasons never seen are absent).
    #[napi(ts_type = "Partial<Record<Reason, number>>")]
    pub by_reason: BTreeMap<String, i64>,
    /// Provider error keys and codes seen (Prosopo `error.key`, GateKeeper `error_codes`).
    pub by_error_key: BTreeMap<String, i64>,
}

/// A latency histogram at one moment, as Prometheus counts it.
#[napi(object, object_from_js = false)]
pub struct Histogram {
    /// `[upper bound in seconds, observations at or below it]`, cumulative,
    /// bounds ascending (`LATENCY_BUCKETS`); the last bound is `Infinity`, so
    /// its count equals `count`.
    #[napi(ts_type = "Array<[le: number, count: number]>")]
    pub buckets: Vec<Vec<f64>>,
    /// Observations.
    pub count: i64,
    /// Their sum, in seconds.
    pub sum_seconds: f64,
}

impl From<siteverify::HistogramSnapshot> for Histogram {
    fn from(h: siteverify::HistogramSnapshot) -> Self {
        let siteverify::HistogramSnapshot {
            buckets,
            count: total,
            sum_seconds,
        } = h;
        Histogram {
            // Counts are exact as doubles up to 2^53.
            buckets: buckets.into_iter().map(|(le, n)| vec![le, n as f64]).collect(),
            count: count(total),
            sum_seconds,
        }
    }
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
            verification_seconds,
            round_trip_seconds,
            by_attempts,
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
            verification_seconds: Histogram::from(verification_seconds),
            round_trip_seconds: Histogram::from(round_trip_seconds),
            by_attempts: counts(by_attempts),
            by_reason: counts(by_reason),
            by_error_key: counts(by_error_key),
        }
    }
}

/// Internal (`siteverify/prometheus`): the core's latency bucket bounds in
/// seconds, `LATENCY_BUCKETS`, the histograms' bounds before `Infinity`.
#[napi(js_name = "_latencyBuckets", skip_typescript)]
pub fn latency_buckets() -> Vec<f64> {
    siteverify::LATENCY_BUCKETS.to_vec()
}
