//! `_ClientCore`, the native base of `siteverify.Client` and
//! `siteverify.AsyncClient`: builds the core client from the keyword
//! arguments (see `options`), verifies blocking (`_verify`, GIL released) or
//! on the core's runtime (`_verify_future`, `_verify_start`, see `async_client`).

use std::borrow::Cow;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use siteverify::{ErrorCode, VerifyOptions};

use crate::async_client::{verify_future, Abort};
use crate::errors::{core_error, panic_error, type_name, untranslatable};
use crate::events::{self, Verdicts};
use crate::options::builder;
use crate::outcome::PyOutcome;
use crate::stats::PyStats;

/// The native core shared by ``siteverify.Client`` and ``siteverify.AsyncClient``.
#[pyclass(frozen, subclass, module = "siteverify._native", name = "_ClientCore")]
pub(crate) struct ClientCore {
    client: siteverify::Client,
    /// Counted by the client's event hook (see `events`).
    verdicts: Arc<Verdicts>,
}

#[pymethods]
impl ClientCore {
    /// Every option but ``provider`` and ``secret`` arrives in ``options``
    /// and goes to the core by name; the core's options table is the list.
    #[new]
    #[pyo3(signature = (*, provider, secret, **options))]
    fn new(
        py: Python<'_>,
        provider: &Bound<'_, PyAny>,
        secret: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let mut b = builder(provider, secret, options)?;
        let verdicts = Arc::new(Verdicts::default());
        b.on_event(events::hook(verdicts.clone()));
        // Building may read CA files: no need to hold the GIL for that.
        let built = py.detach(|| b.build());
        let client = built.map_err(|e| core_error(py, &e))?;
        Ok(ClientCore { client, verdicts })
    }

    /// The provider this client verifies against, by its core name (one of ``PROVIDERS``).
    #[getter]
    fn provider(&self) -> &'static str {
        self.client.provider().as_str()
    }

    /// The verify URL in use.
    #[getter]
    fn endpoint(&self) -> String {
        self.client.endpoint().to_owned()
    }

    /// A snapshot of this client's counters (see ``siteverify.Stats``).
    fn stats(&self) -> PyStats {
        PyStats {
            inner: self.client.stats(),
        }
    }

    /// For ``siteverify.prometheus``: ``(counts, durations)``, where
    /// ``counts`` lists ``(reason, accepted, verifications)`` for every pair
    /// seen and ``durations`` is the verification-time histogram of outcomes
    /// not accepted and accepted, in that order.
    fn _verdicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let (counts, [rejected, accepted]) = self.verdicts.snapshot();
        let counts = PyList::new(py, counts)?;
        let durations = PyTuple::new(py, [Py::new(py, rejected)?, Py::new(py, accepted)?])?;
        PyTuple::new(py, [counts.into_any(), durations.into_any()])
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let me = slf.get();
        let py = slf.py();
        Ok(format!(
            "{}(provider={}, endpoint={})",
            slf.get_type().qualname()?,
            PyString::new(py, me.client.provider().as_str()).repr()?,
            PyString::new(py, me.client.endpoint()).repr()?,
        ))
    }

    /// Blocking verification; the GIL is released for the whole call.
    #[pyo3(signature = (token, remote_ip = None, email = None))]
    fn _verify(
        &self,
        py: Python<'_>,
        token: &Bound<'_, PyAny>,
        remote_ip: Option<&Bound<'_, PyAny>>,
        email: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyOutcome> {
        let (token, options) = call_args(token, remote_ip, email)?;
        let client = &self.client;
        let (result, event) = py.detach(|| {
            // `verify_blocking`, for a token that may not be UTF-8.
            std::panic::catch_unwind(AssertUnwindSafe(|| {
                match siteverify::runtime::block_on(events::with_event(client.verify_bytes(&token, &options))) {
                    Ok((result, event)) => (result, event),
                    Err(e) => (Err(e), None),
                }
            }))
            .unwrap_or_else(|panic| (Err(panic_error(&*panic)), None))
        });
        match result {
            Ok(inner) => {
                events::log(py, &inner, event.as_ref());
                Ok(PyOutcome { inner })
            }
            Err(e) => Err(core_error(py, &e)),
        }
    }

    /// Starts a verification on the core's runtime and returns an asyncio
    /// future of the running loop. Call it from a coroutine.
    #[pyo3(signature = (token, remote_ip = None, email = None))]
    fn _verify_future<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
        remote_ip: Option<&Bound<'py, PyAny>>,
        email: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (token, options) = call_args(token, remote_ip, email)?;
        verify_future(py, self.client.clone(), token, options, true).map(|(future, _)| future)
    }

    /// ``_verify_future`` for ``AsyncClient.verify``: the future and a
    /// callable that ends the verification, which the caller calls if it
    /// stops awaiting (cancelled): no done-callback on the future.
    #[pyo3(signature = (token, remote_ip = None, email = None))]
    fn _verify_start<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
        remote_ip: Option<&Bound<'py, PyAny>>,
        email: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, Abort>)> {
        let (token, options) = call_args(token, remote_ip, email)?;
        verify_future(py, self.client.clone(), token, options, false)
    }
}

fn wrong_argument(obj: &Bound<'_, PyAny>, message: String) -> PyErr {
    untranslatable(obj.py(), ErrorCode::InvalidArgument, message)
}

/// `remote_ip` or `email`: `None` or a str; the core validates the text.
fn opt_str(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<String>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    let s = obj
        .cast::<PyString>()
        .map_err(|_| wrong_argument(obj, format!("{name} must be a str, not {}", type_name(obj))))?;
    s.to_cow()
        .map(|c| Some(c.into_owned()))
        .map_err(|_| wrong_argument(obj, format!("{name} is not valid Unicode (it holds lone surrogates)")))
}

/// Token and per-call options, the token as bytes for `Client::verify_bytes`.
/// A token of `None` (a missing form field) is passed on as the empty token,
/// which the core rejects as `token-invalid` without a request. Tokens are
/// hostile input: a str that is not valid Unicode (lone surrogates) is passed
/// as its `surrogatepass` encoding, which is not UTF-8, so the core rejects it
/// locally as `token-invalid` too. Never an exception, never a lossy send.
fn call_args(
    token: &Bound<'_, PyAny>,
    remote_ip: Option<&Bound<'_, PyAny>>,
    email: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Vec<u8>, VerifyOptions)> {
    let token = if token.is_none() {
        Vec::new()
    } else {
        let s = token.cast::<PyString>().map_err(|_| {
            wrong_argument(
                token,
                format!("token must be a str (or None), not {}", type_name(token)),
            )
        })?;
        match s.to_cow() {
            Ok(text) => Cow::into_owned(text).into_bytes(),
            Err(_) => s
                .call_method1("encode", ("utf-8", "surrogatepass"))?
                .cast_into::<PyBytes>()
                .map_err(PyErr::from)?
                .as_bytes()
                .to_vec(),
        }
    };
    let options = VerifyOptions {
        remote_ip: opt_str(remote_ip, "remote_ip")?,
        email: opt_str(email, "email")?,
    };
    Ok((token, options))
}
