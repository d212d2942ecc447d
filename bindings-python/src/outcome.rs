//! `siteverify.Outcome`: the core's `Outcome`, read-only, with the core's field
//! names; `to_dict`/`to_json` are the core's JSON.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyTuple};

static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `json.loads(text)`: the core's JSON as new Python objects (for `to_dict`).
pub(crate) fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let loads = JSON_LOADS.get_or_try_init(py, || py.import("json")?.getattr("loads").map(Bound::unbind))?;
    loads.bind(py).call1((text,))
}

/// The result of one verification. Immutable.
///
/// Act on ``accepted`` only; the other fields explain it. Field names and
/// meanings are the core's (see the README): ``accepted``, ``verified``,
/// ``conclusive``, ``reason``, ``score``, ``hostname``, ``action``,
/// ``challenge_ts``, ``timestamp``, ``error_key``, ``error_codes``,
/// ``provider_reason``, ``http_status``, ``retryable``, ``attempts``,
/// ``fail_open_suspected``, ``detail``.
///
/// An Outcome has no truth value: ``if outcome:`` raises
/// ``TypeError``, so it cannot be mistaken for ``outcome.accepted``.
#[pyclass(frozen, eq, module = "siteverify", name = "Outcome")]
#[derive(PartialEq)]
pub(crate) struct PyOutcome {
    pub(crate) inner: siteverify::Outcome,
}

#[pymethods]
impl PyOutcome {
    /// Let the request through? Decided after the local checks, the fail mode
    /// and the fail-open policy. The only field to branch on.
    #[getter]
    fn accepted(&self) -> bool {
        self.inner.accepted
    }
    /// The provider said yes and every local check passed.
    #[getter]
    fn verified(&self) -> bool {
        self.inner.verified
    }
    /// The provider (or a local check) gave a definitive answer. When False,
    /// ``accepted`` came from the fail mode or the fail-open policy.
    #[getter]
    fn conclusive(&self) -> bool {
        self.inner.conclusive
    }
    /// Why, as a stable kebab-case code (one of ``siteverify.REASONS``).
    #[getter]
    fn reason(&self) -> &'static str {
        self.inner.reason.as_str()
    }
    /// Risk score, 0 = human, 1 = bot; None when the provider sent none.
    #[getter]
    fn score(&self) -> Option<f64> {
        self.inner.score
    }
    /// Hostname where the challenge was solved, as the provider reported it.
    #[getter]
    fn hostname(&self) -> Option<&str> {
        self.inner.hostname.as_deref()
    }
    /// Action name, as the provider reported it.
    #[getter]
    fn action(&self) -> Option<&str> {
        self.inner.action.as_deref()
    }
    /// When the challenge was solved (RFC 3339 text, as the provider sent it).
    #[getter]
    fn challenge_ts(&self) -> Option<&str> {
        self.inner.challenge_ts.as_deref()
    }
    /// When the provider verified the token (RFC 3339 text, as sent).
    #[getter]
    fn timestamp(&self) -> Option<&str> {
        self.inner.timestamp.as_deref()
    }
    /// The provider's machine-readable error key (Prosopo ``error.key``).
    #[getter]
    fn error_key(&self) -> Option<&str> {
        self.inner.error_key.as_deref()
    }
    /// The provider's error codes (GateKeeper ``error_codes``), as a tuple.
    #[getter]
    fn error_codes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.inner.error_codes)
    }
    /// The provider's own free-text ``reason`` field, if any.
    #[getter]
    fn provider_reason(&self) -> Option<&str> {
        self.inner.provider_reason.as_deref()
    }
    /// HTTP status of the last provider answer; None when no answer came.
    #[getter]
    fn http_status(&self) -> Option<u16> {
        self.inner.http_status
    }
    /// A later retry of the same verification could succeed (provider down).
    #[getter]
    fn retryable(&self) -> bool {
        self.inner.retryable
    }
    /// HTTP attempts made (0 when the token was rejected locally).
    #[getter]
    fn attempts(&self) -> u32 {
        self.inner.attempts
    }
    /// The answer looks like the provider's fail-open response.
    #[getter]
    fn fail_open_suspected(&self) -> bool {
        self.inner.fail_open_suspected
    }
    /// A short explanation written by siteverify (never provider text, never the secret).
    #[getter]
    fn detail(&self) -> Option<&str> {
        self.inner.detail.as_deref()
    }

    /// Every field as a new dict, keyed by the core's snake_case names
    /// (``reason`` as its code, ``error_codes`` as a list): JSON-ready.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, &self.inner.to_json())
    }

    /// The outcome as one line of JSON, exactly as the Rust core serialises it.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let dict = self.to_dict(py)?;
        let dict = dict.cast::<PyDict>()?;
        let mut parts = Vec::with_capacity(dict.len());
        for (k, v) in dict.iter() {
            // Show error_codes as the tuple the attribute returns.
            let v = match v.cast::<PyList>() {
                Ok(list) => list.to_tuple().into_any(),
                Err(_) => v,
            };
            parts.push(format!("{}={}", k, v.repr()?));
        }
        Ok(format!("Outcome({})", parts.join(", ")))
    }

    fn __bool__(&self) -> PyResult<bool> {
        Err(PyTypeError::new_err(
            "an Outcome has no truth value; test outcome.accepted (an Outcome object would always be true)",
        ))
    }
}
