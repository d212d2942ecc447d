//! `_MockServer`: the `siteverify-mock` crate's `MockServer` (the mock
//! provider on its own threads, in this process), behind
//! `siteverify.testing.MockProvider`.

use std::collections::BTreeMap;
use std::sync::Mutex;

use pyo3::exceptions::{PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyString;
use siteverify_mock::{MockConfig, MockStats, TlsOptions};

/// The mock provider, serving on an ephemeral loopback port until closed.
#[pyclass(frozen, module = "siteverify._native", name = "_MockServer")]
pub(crate) struct MockServer {
    url: String,
    ca_pem: Option<String>,
    /// `None` once closed.
    server: Mutex<Option<siteverify_mock::MockServer>>,
    /// The counters at close, for reading after the `with` block.
    last: Mutex<MockStats>,
}

fn stats_dict(s: &MockStats) -> BTreeMap<&'static str, u64> {
    BTreeMap::from([
        ("connections", s.connections),
        ("requests", s.requests),
        ("captured", s.captured),
        ("tls_handshakes", s.tls_handshakes),
        ("tls_resumed", s.tls_resumed),
        ("tls_failed", s.tls_failed),
        ("h2_connections", s.h2_connections),
        ("h2_requests", s.h2_requests),
    ])
}

#[pymethods]
impl MockServer {
    /// Starts the mock, accepting the given secrets, over HTTPS with a CA
    /// generated now when ``tls`` (``wrong_hostname``: a certificate for
    /// another name, signed by the same CA).
    #[new]
    #[pyo3(signature = (secrets, tls = false, wrong_hostname = false))]
    fn new(py: Python<'_>, secrets: Vec<String>, tls: bool, wrong_hostname: bool) -> PyResult<Self> {
        if secrets.is_empty() {
            return Err(PyValueError::new_err("the mock needs at least one secret"));
        }
        if wrong_hostname && !tls {
            return Err(PyTypeError::new_err("wrong_hostname needs tls=True"));
        }
        let config = MockConfig { secrets };
        let started = py.detach(|| {
            if tls {
                siteverify_mock::MockServer::start_tls(config, TlsOptions { wrong_hostname })
            } else {
                siteverify_mock::MockServer::start(config)
            }
        });
        let server = started.map_err(|e| PyOSError::new_err(format!("cannot start the mock provider: {e}")))?;
        Ok(MockServer {
            url: server.url(),
            ca_pem: server.ca_pem().map(str::to_owned),
            server: Mutex::new(Some(server)),
            last: Mutex::new(MockStats::default()),
        })
    }

    /// ``http://127.0.0.1:PORT`` (``https://`` in HTTPS mode).
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    /// The CA certificate (PEM) of HTTPS mode; None in plain mode.
    #[getter]
    fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The verify URL for ``provider``.
    fn endpoint(&self, provider: &Bound<'_, PyAny>) -> PyResult<String> {
        let name = provider
            .cast::<PyString>()
            .map_err(|_| PyTypeError::new_err("provider must be a str"))?
            .to_cow()?;
        let path = siteverify_mock::path_for(&name).ok_or_else(|| {
            PyValueError::new_err(format!(
                "the mock serves the providers in siteverify.PROVIDERS (\"prosopo\", \"gatekeeper\", ...), not {name:?}"
            ))
        })?;
        Ok(format!("{}{path}", self.url))
    }

    /// The mock's counters (after ``close``, as they were then).
    fn stats(&self) -> BTreeMap<&'static str, u64> {
        match &*self.server.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(server) => stats_dict(&server.stats()),
            None => stats_dict(&self.last.lock().unwrap_or_else(|e| e.into_inner())),
        }
    }

    /// Stops serving (idempotent). Connections still open are dropped.
    fn close(&self, py: Python<'_>) {
        let server = self.server.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(server) = server {
            *self.last.lock().unwrap_or_else(|e| e.into_inner()) = server.stats();
            py.detach(move || drop(server));
        }
    }

    /// Serving (not closed yet).
    #[getter]
    fn running(&self) -> bool {
        self.server.lock().unwrap_or_else(|e| e.into_inner()).is_some()
    }
}
