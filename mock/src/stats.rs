//! The mock's counters and their snapshot served at `GET /__mock/stats`. Each
//! layer (accept loop, TLS, HTTP/2, router) bumps its own; they live apart from
//! the server so that the public [`MockStats`] shape has one home.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use serde::Serialize;

/// Counters, served as JSON at `GET /__mock/stats`.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct MockStats {
    /// TCP connections accepted.
    pub connections: u64,
    /// HTTP requests served.
    pub requests: u64,
    /// Requests that arrived at the redirect target `/__mock/captured`.
    pub captured: u64,
    /// HTTPS mode: TLS handshakes completed, full and resumed together.
    pub tls_handshakes: u64,
    /// HTTPS mode: of those, the ones that resumed an earlier session.
    pub tls_resumed: u64,
    /// HTTPS mode: handshakes that failed (e.g. the client refused the certificate).
    pub tls_failed: u64,
    /// HTTPS mode: connections that negotiated HTTP/2 through ALPN.
    pub h2_connections: u64,
    /// HTTPS mode: requests served over HTTP/2.
    pub h2_requests: u64,
    /// Verification requests received and not yet answered: the ones a `delay=N` or `slow`
    /// scenario is holding (`hang` is not counted: its answer is decided at once).
    pub pending: u64,
    /// The most `pending` there have been at once since the mock started (a load test's
    /// proof that N requests were really held together, not queued in the client).
    pub pending_peak: u64,
}

/// HTTPS-mode counters (all zero in plain mode).
#[derive(Default)]
pub(crate) struct TlsCounters {
    pub full: AtomicU64,
    pub resumed: AtomicU64,
    pub failed: AtomicU64,
    pub h2_connections: AtomicU64,
    pub h2_requests: AtomicU64,
}

/// The live counters behind [`MockStats`].
#[derive(Default)]
pub(crate) struct Counters {
    pub connections: AtomicU64,
    pub requests: AtomicU64,
    pub captured: AtomicU64,
    pending: AtomicU64,
    pending_peak: AtomicU64,
    pub tls: TlsCounters,
}

impl Counters {
    /// The counters now.
    pub fn snapshot(&self) -> MockStats {
        MockStats {
            connections: self.connections.load(Relaxed),
            requests: self.requests.load(Relaxed),
            captured: self.captured.load(Relaxed),
            tls_handshakes: self.tls.full.load(Relaxed) + self.tls.resumed.load(Relaxed),
            tls_resumed: self.tls.resumed.load(Relaxed),
            tls_failed: self.tls.failed.load(Relaxed),
            h2_connections: self.tls.h2_connections.load(Relaxed),
            h2_requests: self.tls.h2_requests.load(Relaxed),
            pending: self.pending.load(Relaxed),
            pending_peak: self.pending_peak.load(Relaxed),
        }
    }
}

/// Counts one verification request in `pending` for as long as it lives.
pub(crate) struct Pending<'a>(&'a Counters);

impl<'a> Pending<'a> {
    pub fn hold(counters: &'a Counters) -> Self {
        let now = counters.pending.fetch_add(1, Relaxed) + 1;
        counters.pending_peak.fetch_max(now, Relaxed);
        Pending(counters)
    }
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        self.0.pending.fetch_sub(1, Relaxed);
    }
}
