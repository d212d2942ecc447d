//! Fixed-bucket latency histograms, lock-free and cheap enough for every
//! verification. The buckets suit a verify call (a few ms on a LAN mock, tens
//! to hundreds of ms to a real provider, seconds when it struggles) and match
//! Prometheus' defaults where they can, so dashboards need no rebucketing.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use serde::Serialize;

/// Upper bounds in seconds; one more bucket counts everything above the last.
pub const BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// A latency histogram with the core's buckets ([`BUCKETS`]), lock-free; bindings
/// that count more labels than the core's stats use it too, so every histogram
/// of siteverify buckets alike.
#[derive(Default)]
pub struct Histogram {
    counts: [AtomicU64; BUCKETS.len() + 1],
    sum_micros: AtomicU64,
}

/// A histogram's counts at one moment.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct HistogramSnapshot {
    /// `(upper bound in seconds, observations at or below it)`, cumulative as
    /// Prometheus counts them; the last bound is `f64::INFINITY` (`null` in JSON).
    pub buckets: Vec<(f64, u64)>,
    /// Observations.
    pub count: u64,
    /// Their sum, in seconds.
    pub sum_seconds: f64,
}

impl Histogram {
    /// Counts one observation.
    pub fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        let i = BUCKETS.iter().position(|&b| secs <= b).unwrap_or(BUCKETS.len());
        self.counts[i].fetch_add(1, Relaxed);
        self.sum_micros
            .fetch_add(u64::try_from(d.as_micros()).unwrap_or(u64::MAX), Relaxed);
    }

    /// The counts now, cumulative.
    pub fn snapshot(&self) -> HistogramSnapshot {
        let mut total = 0;
        let buckets = BUCKETS
            .iter()
            .copied()
            .chain(std::iter::once(f64::INFINITY))
            .zip(&self.counts)
            .map(|(le, c)| {
                total += c.load(Relaxed);
                (le, total)
            })
            .collect();
        HistogramSnapshot {
            buckets,
            count: total,
            sum_seconds: self.sum_micros.load(Relaxed) as f64 / 1e6,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative() {
        let h = Histogram::default();
        h.observe(Duration::from_micros(500));
        h.observe(Duration::from_millis(30));
        h.observe(Duration::from_secs(60));
        let s = h.snapshot();
        assert_eq!(s.count, 3);
        assert_eq!(s.buckets[0], (0.001, 1));
        assert_eq!(s.buckets[5], (0.05, 2));
        assert_eq!(s.buckets[12], (10.0, 2));
        assert_eq!(s.buckets[13].1, 3);
        assert!((s.sum_seconds - 60.0305).abs() < 1e-9);
    }
}
