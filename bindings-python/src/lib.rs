//! `siteverify._native`: the pyo3 extension behind the Python package `siteverify`.
//!
//! This crate only translates. Every verdict, default and validation rule lives
//! in the Rust core; here Python values become core options, core outcomes
//! become immutable Python objects, and core error codes become exception
//! classes. One module per job:
//!
//! - `client`: `_ClientCore`, the base of `Client` and `AsyncClient`, and the
//!   blocking `verify` (GIL released, on the calling thread: the core's
//!   per-thread runtime of blocking calls);
//! - `async_client`: the asyncio `verify` (a core future on the shared runtime,
//!   an asyncio future of the caller's loop, cancellation both ways);
//! - `options`: keyword arguments to the core's generic option setter;
//! - `outcome`, `stats`: the core's `Outcome` and `StatsSnapshot`, read-only;
//! - `errors`: core errors as the exception classes of `siteverify/_errors.py`;
//! - `events`: one `logging` record per verification (logger `siteverify`),
//!   and the per-verdict counts of `siteverify.prometheus`;
//! - `mock`: the mock provider in-process (`siteverify.testing.MockProvider`);
//! - `testing`: the panic-injection hook, for the tests only.

use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use siteverify::{Provider, Reason};

mod async_client;
mod client;
mod errors;
mod events;
mod mock;
mod options;
mod outcome;
mod stats;
mod testing;

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// The native part of ``siteverify``; import ``siteverify`` instead.
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<client::ClientCore>()?;
    m.add_class::<outcome::PyOutcome>()?;
    m.add_class::<stats::PyStats>()?;
    m.add_class::<stats::PyHistogram>()?;
    m.add_class::<mock::MockServer>()?;
    m.add("LATENCY_BUCKETS", PyTuple::new(py, siteverify::LATENCY_BUCKETS)?)?;
    testing::register(m)?;
    m.add("__version__", siteverify::VERSION)?;
    m.add("REASONS", PyTuple::new(py, Reason::ALL.iter().map(|r| r.as_str()))?)?;
    m.add("PROVIDERS", PyTuple::new(py, Provider::ALL.iter().map(|p| p.as_str()))?)?;
    m.add("DEFAULT_TIMEOUT", secs(siteverify::DEFAULT_TIMEOUT))?;
    m.add("DEFAULT_CONNECT_TIMEOUT", secs(siteverify::DEFAULT_CONNECT_TIMEOUT))?;
    m.add("DEFAULT_ATTEMPT_TIMEOUT", secs(siteverify::DEFAULT_ATTEMPT_TIMEOUT))?;
    m.add("DEFAULT_MAX_RETRIES", siteverify::DEFAULT_MAX_RETRIES)?;
    m.add("DEFAULT_RETRY_BASE_DELAY", secs(siteverify::DEFAULT_RETRY_BASE_DELAY))?;
    m.add("DEFAULT_RETRY_MAX_DELAY", secs(siteverify::DEFAULT_RETRY_MAX_DELAY))?;
    Ok(())
}
