//! One event per verification, as Python `logging` records on the logger
//! `siteverify`, and the per-verdict counts the Prometheus exporter needs.
//!
//! The core calls the client's event hook on the verifying thread, which for
//! `AsyncClient` is a tokio worker. The hook never touches Python: it counts
//! the verdict (atomics) and leaves the event's own fields (latency, token
//! fingerprint) in a task-local slot of the verification's future. The
//! binding takes them from there with the outcome and logs where the outcome
//! is delivered, holding the GIL anyway: the calling thread for `Client`, the
//! event loop's thread for `AsyncClient`. So the verification path never
//! waits for the GIL for logging's sake, and a disabled level costs one
//! `isEnabledFor` call.

use std::cell::RefCell;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;
use siteverify::{EventLevel, Histogram, Outcome, Reason, VerificationEvent};

use crate::stats::PyHistogram;

/// What an event adds to the outcome it describes.
pub(crate) struct EventInfo {
    pub provider: &'static str,
    pub latency: Duration,
    pub token_fingerprint: String,
    /// The level the core gives the event.
    pub level: EventLevel,
}

tokio::task_local! {
    /// The event of the verification this future runs (set by the hook).
    static EVENT: RefCell<Option<EventInfo>>;
}

/// Runs `future` (one verification) with a slot for its event, and returns
/// its output with the event the hook left there, if any.
pub(crate) async fn with_event<F: Future>(future: F) -> (F::Output, Option<EventInfo>) {
    EVENT
        .scope(RefCell::new(None), async move {
            let output = future.await;
            let event = EVENT.with(|slot| slot.borrow_mut().take());
            (output, event)
        })
        .await
}

/// Verdicts per (reason, accepted) and latency per accepted: the labels of
/// `siteverify_verifications_total` and `siteverify_verification_duration_seconds`,
/// which the core's stats count per reason and in one histogram only.
#[derive(Default)]
pub(crate) struct Verdicts {
    /// `[reason index][accepted as usize]`
    counts: [[AtomicU64; 2]; Reason::ALL.len()],
    /// `[accepted as usize]`
    latency: [Histogram; 2],
}

impl Verdicts {
    fn record(&self, outcome: &Outcome, latency: Duration) {
        let reason = Reason::ALL.iter().position(|r| *r == outcome.reason).unwrap_or(0);
        let accepted = usize::from(outcome.accepted);
        self.counts[reason][accepted].fetch_add(1, Relaxed);
        self.latency[accepted].observe(latency);
    }

    /// `(counts per (reason, accepted) seen, histogram per accepted)`.
    pub(crate) fn snapshot(&self) -> (Vec<(&'static str, bool, u64)>, [PyHistogram; 2]) {
        let mut counts = Vec::new();
        for (reason, row) in Reason::ALL.iter().zip(&self.counts) {
            for (accepted, n) in [false, true].into_iter().zip(row) {
                let n = n.load(Relaxed);
                if n > 0 {
                    counts.push((reason.as_str(), accepted, n));
                }
            }
        }
        let hist = |i: usize| PyHistogram {
            inner: self.latency[i].snapshot(),
        };
        (counts, [hist(0), hist(1)])
    }
}

/// The hook every Python client installs: counts the verdict, and leaves
/// the event's fields for the code that delivers the outcome. No GIL, no
/// allocation beyond the fingerprint the core already made.
pub(crate) fn hook(verdicts: Arc<Verdicts>) -> impl Fn(&VerificationEvent<'_>) + Send + Sync + 'static {
    move |e| {
        verdicts.record(e.outcome, e.latency);
        let _ = EVENT.try_with(|slot| {
            *slot.borrow_mut() = Some(EventInfo {
                provider: e.provider,
                latency: e.latency,
                token_fingerprint: e.token_fingerprint.clone(),
                level: e.level,
            });
        });
    }
}

static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The `logging` level of the core's event level (the core decides which
/// event gets which: accepted DEBUG, rejected INFO, what an operator must look
/// at WARNING).
fn logging_level(level: EventLevel) -> u8 {
    match level {
        EventLevel::Debug => 10,
        EventLevel::Info => 20,
        EventLevel::Warn => 30,
    }
}

/// Logs one verification on the logger `siteverify`, if it is enabled for
/// the event's level. Never raises: an error from a filter or handler (which
/// `logging` does not already swallow) goes to `sys.unraisablehook`.
pub(crate) fn log(py: Python<'_>, outcome: &Outcome, event: Option<&EventInfo>) {
    let Some(event) = event else { return };
    if let Err(e) = try_log(py, outcome, event) {
        e.write_unraisable(py, None);
    }
}

fn try_log(py: Python<'_>, o: &Outcome, e: &EventInfo) -> PyResult<()> {
    let logger = LOGGER.get_or_try_init(py, || {
        py.import("logging")?
            .call_method1("getLogger", ("siteverify",))
            .map(Bound::unbind)
    })?;
    let logger = logger.bind(py);
    let level = logging_level(e.level);
    if !logger
        .call_method1(intern!(py, "isEnabledFor"), (level,))?
        .is_truthy()?
    {
        return Ok(());
    }
    let latency_ms = e.latency.as_secs_f64() * 1000.0;
    let extra = PyDict::new(py);
    extra.set_item("provider", e.provider)?;
    extra.set_item("reason", o.reason.as_str())?;
    extra.set_item("accepted", o.accepted)?;
    extra.set_item("verified", o.verified)?;
    extra.set_item("conclusive", o.conclusive)?;
    extra.set_item("fail_open_suspected", o.fail_open_suspected)?;
    extra.set_item("http_status", o.http_status)?;
    extra.set_item("attempts", o.attempts)?;
    extra.set_item("latency_ms", latency_ms)?;
    extra.set_item("token_fingerprint", e.token_fingerprint.as_str())?;
    extra.set_item("error_key", o.error_key.as_deref())?;
    extra.set_item("detail", o.detail.as_deref())?;
    // key=value, one line; provider-sent text (error_key) is quoted and
    // escaped, so it cannot forge a line or a field.
    let mut message = format!(
        "verification provider={} reason={} accepted={} conclusive={} attempts={} latency_ms={:.1} token_fingerprint={}",
        e.provider,
        o.reason.as_str(),
        o.accepted,
        o.conclusive,
        o.attempts,
        latency_ms,
        e.token_fingerprint,
    );
    if let Some(status) = o.http_status {
        message.push_str(&format!(" http_status={status}"));
    }
    if let Some(key) = &o.error_key {
        message.push_str(&format!(" error_key={key:?}"));
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item("extra", extra)?;
    logger.call_method(intern!(py, "log"), (level, message), Some(&kwargs))?;
    Ok(())
}
