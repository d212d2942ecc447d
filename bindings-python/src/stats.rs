//! `siteverify.Stats`: the core's `StatsSnapshot`, read-only.

use std::collections::BTreeMap;

use pyo3::exceptions::PyDeprecationWarning;
use pyo3::prelude::*;

use crate::outcome::json_loads;

/// A point-in-time copy of a client's counters. Immutable.
///
/// Watch ``fail_open_suspected``, ``by_reason["provider-unavailable"]``,
/// ``outage_accepted`` and ``provider_health`` to alert on a provider incident.
#[pyclass(frozen, eq, module = "siteverify", name = "Stats")]
#[derive(PartialEq)]
pub(crate) struct PyStats {
    pub(crate) inner: siteverify::StatsSnapshot,
}

#[pymethods]
impl PyStats {
    /// Verifications that produced an outcome.
    #[getter]
    fn verifications(&self) -> u64 {
        self.inner.verifications
    }
    /// Outcomes with ``accepted`` true.
    #[getter]
    fn accepted(&self) -> u64 {
        self.inner.accepted
    }
    /// Outcomes with ``accepted`` false: definite rejections and inconclusive outcomes alike.
    #[getter]
    fn not_accepted(&self) -> u64 {
        self.inner.not_accepted
    }
    /// Deprecated alias of ``not_accepted`` (it never counted only definite
    /// rejections); reading it warns with ``DeprecationWarning``.
    #[getter]
    fn rejected(&self, py: Python<'_>) -> PyResult<u64> {
        let category = py.get_type::<PyDeprecationWarning>();
        PyErr::warn(
            py,
            &category,
            c"Stats.rejected is deprecated: read Stats.not_accepted (the same count)",
            1,
        )?;
        Ok(self.inner.not_accepted)
    }
    /// Outcomes with ``conclusive`` false.
    #[getter]
    fn inconclusive(&self) -> u64 {
        self.inner.inconclusive
    }
    /// Outcomes with ``fail_open_suspected`` true.
    #[getter]
    fn fail_open_suspected(&self) -> u64 {
        self.inner.fail_open_suspected
    }
    /// HTTP attempts beyond the first.
    #[getter]
    fn retries(&self) -> u64 {
        self.inner.retries
    }
    /// Calls that raised instead of returning an outcome.
    #[getter]
    fn errors(&self) -> u64 {
        self.inner.errors
    }
    /// Inconclusive outcomes that ``fail_mode="open"`` accepted during a
    /// confirmed outage (provider unreachable, or the outage probe failed too).
    #[getter]
    fn outage_accepted(&self) -> u64 {
        self.inner.outage_accepted
    }
    /// Inconclusive outcomes that ``fail_mode="open"`` did not accept, because
    /// no outage was confirmed (the provider answered other requests).
    #[getter]
    fn outage_refused(&self) -> u64 {
        self.inner.outage_refused
    }
    /// Outage probes sent by this client.
    #[getter]
    fn outage_probes(&self) -> u64 {
        self.inner.outage_probes
    }
    /// The provider's health as the outage check sees it now: ``"up"``,
    /// ``"down"`` or ``"unknown"``.
    #[getter]
    fn provider_health(&self) -> &str {
        &self.inner.provider_health
    }
    /// Outcomes per reason code (a new dict; codes never seen are absent).
    #[getter]
    fn by_reason(&self) -> BTreeMap<String, u64> {
        self.inner.by_reason.clone()
    }
    /// Provider error keys and codes seen (a new dict).
    #[getter]
    fn by_error_key(&self) -> BTreeMap<String, u64> {
        self.inner.by_error_key.clone()
    }
    /// Every counter as a new dict, keyed by the core's snake_case names.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, &self.inner.to_json())
    }
    /// The counters as one line of JSON, as the Rust core serialises them.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("Stats({})", self.to_dict(py)?.repr()?))
    }
}
