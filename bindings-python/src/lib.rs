//! `siteverify._native`: the pyo3 extension behind the Python package `siteverify`.
//!
//! This crate only translates. Every verdict, default and validation rule lives
//! in the Rust core; here Python values become core options, core outcomes
//! become immutable Python objects, and core error codes become exception
//! classes (defined in `siteverify/_errors.py`, so they can inherit from both
//! `SiteverifyError` and a built-in exception).
//!
//! Threads and event loops:
//! - the blocking `verify` releases the GIL (`py.detach`) for the whole call
//!   and runs on the core's shared runtime (`Client::verify_bytes` in
//!   `runtime::block_on`, what `Client::verify_blocking` does for a `&str`);
//! - the async `verify` spawns the core future on the same shared runtime
//!   (`siteverify::runtime::handle()`, re-created after `fork()`), hands back an
//!   asyncio future of the caller's running loop, resolves it through
//!   `loop.call_soon_threadsafe`, and aborts the tokio task when the asyncio
//!   future is cancelled.

use std::borrow::Cow;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use siteverify::{ErrorCode, Provider, Reason, VerifyOptions};

// ---------------------------------------------------------------- errors ---

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static ASYNCIO_GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Builds an exception of the class `class` from `siteverify._errors`.
fn raise(py: Python<'_>, class: &str, code: &str, message: &str) -> PyErr {
    let found = ERRORS
        .get_or_try_init(py, || py.import("siteverify._errors").map(Bound::unbind))
        .and_then(|m| m.bind(py).getattr(class))
        .and_then(|c| c.cast_into::<PyType>().map_err(PyErr::from));
    match found {
        Ok(cls) => PyErr::from_type(cls, (message.to_owned(), code.to_owned())),
        Err(e) => e,
    }
}

/// The exception class for each core error code. Unknown (future) codes get
/// the base class, with the code still in `.code`.
fn error_class(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::Configuration => "ConfigurationError",
        ErrorCode::InvalidArgument => "InvalidArgumentError",
        ErrorCode::BlockingInAsyncContext => "BlockingInAsyncContextError",
        ErrorCode::Cancelled => "VerificationCancelledError",
        ErrorCode::Closed => "ClientClosedError",
        ErrorCode::Internal => "InternalError",
        _ => "SiteverifyError",
    }
}

fn core_error(py: Python<'_>, e: &siteverify::Error) -> PyErr {
    raise(py, error_class(e.code()), e.code().as_str(), e.message())
}

/// Who is to blame for a value the binding cannot even hand to the core.
#[derive(Clone, Copy)]
enum Blame {
    /// A client option: `ConfigurationError`.
    Config,
    /// A per-call argument: `InvalidArgumentError`.
    Argument,
}

fn bad(py: Python<'_>, blame: Blame, message: &str) -> PyErr {
    let code = match blame {
        Blame::Config => ErrorCode::Configuration,
        Blame::Argument => ErrorCode::InvalidArgument,
    };
    raise(py, error_class(code), code.as_str(), message)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    format!("a bug in siteverify (please report it): {text}")
}

// ------------------------------------------------------ argument parsing ---

/// The type name of `obj`, for messages. Never the value: it may be a secret.
fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .qualname()
        .map(|s| s.to_string())
        .unwrap_or_else(|_| "object".to_owned())
}

fn strict_str(obj: &Bound<'_, PyAny>, name: &str, blame: Blame) -> PyResult<String> {
    let py = obj.py();
    let s = obj
        .cast::<PyString>()
        .map_err(|_| bad(py, blame, &format!("{name} must be a str, not {}", type_name(obj))))?;
    s.to_cow().map(Cow::into_owned).map_err(|_| {
        bad(
            py,
            blame,
            &format!("{name} is not valid Unicode (it holds lone surrogates)"),
        )
    })
}

fn opt_str(obj: Option<&Bound<'_, PyAny>>, name: &str, blame: Blame) -> PyResult<Option<String>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => strict_str(o, name, blame).map(Some),
    }
}

/// `None`, one `str`, or an iterable of `str`.
fn str_list(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Vec<String>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Vec::new());
    };
    if obj.is_instance_of::<PyString>() {
        return Ok(vec![strict_str(obj, name, Blame::Config)?]);
    }
    let py = obj.py();
    let not_iterable = || {
        bad(
            py,
            Blame::Config,
            &format!("{name} must be a str or an iterable of str, not {}", type_name(obj)),
        )
    };
    if obj.is_instance_of::<PyBytes>() {
        return Err(not_iterable());
    }
    let iter = obj.try_iter().map_err(|_| not_iterable())?;
    let mut out = Vec::new();
    for item in iter {
        out.push(strict_str(&item?, &format!("every item of {name}"), Blame::Config)?);
    }
    Ok(out)
}

/// Seconds (int or float, not bool) as a `Duration`.
fn seconds(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<Duration>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    let py = obj.py();
    let wrong = || {
        bad(
            py,
            Blame::Config,
            &format!(
                "{name} must be a number of seconds (int or float), not {}",
                type_name(obj)
            ),
        )
    };
    if obj.is_instance_of::<PyBool>() || !(obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyFloat>()) {
        return Err(wrong());
    }
    let value: f64 = obj.extract().map_err(|_| wrong())?;
    Duration::try_from_secs_f64(value).map(Some).map_err(|_| {
        bad(
            py,
            Blame::Config,
            &format!("{name} must be a finite, non-negative number of seconds"),
        )
    })
}

fn number(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<f64>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    if obj.is_instance_of::<PyBool>() || !(obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyFloat>()) {
        return Err(bad(
            obj.py(),
            Blame::Config,
            &format!("{name} must be a float, not {}", type_name(obj)),
        ));
    }
    obj.extract::<f64>()
        .map(Some)
        .map_err(|_| bad(obj.py(), Blame::Config, &format!("{name} is out of range")))
}

fn count(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<u32>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    let py = obj.py();
    if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
        return Err(bad(
            py,
            Blame::Config,
            &format!("{name} must be an int, not {}", type_name(obj)),
        ));
    }
    match obj.extract::<u64>() {
        // Values past u32 reach the core as u32::MAX, so its own bound applies.
        Ok(n) => Ok(Some(u32::try_from(n).unwrap_or(u32::MAX))),
        Err(_) if obj.lt(0)? => Err(bad(py, Blame::Config, &format!("{name} must not be negative"))),
        Err(_) => Ok(Some(u32::MAX)),
    }
}

fn flag(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<bool>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    obj.cast::<PyBool>().map(|b| Some(b.is_true())).map_err(|_| {
        bad(
            obj.py(),
            Blame::Config,
            &format!("{name} must be a bool, not {}", type_name(obj)),
        )
    })
}

/// PEM text: `None`, one `str`/`bytes`, or an iterable of them.
fn pem_list(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Vec<Vec<u8>>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Vec::new());
    };
    let py = obj.py();
    let one = |item: &Bound<'_, PyAny>| -> PyResult<Vec<u8>> {
        if let Ok(b) = item.cast::<PyBytes>() {
            return Ok(b.as_bytes().to_vec());
        }
        if item.is_instance_of::<PyString>() {
            return Ok(strict_str(item, name, Blame::Config)?.into_bytes());
        }
        Err(bad(
            py,
            Blame::Config,
            &format!("{name} items must be str or bytes, not {}", type_name(item)),
        ))
    };
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
        return Ok(vec![one(obj)?]);
    }
    let iter = obj.try_iter().map_err(|_| {
        bad(
            py,
            Blame::Config,
            &format!(
                "{name} must be str, bytes or an iterable of them, not {}",
                type_name(obj)
            ),
        )
    })?;
    iter.map(|item| one(&item?)).collect()
}

/// File paths: `None`, one `str`/`os.PathLike`, or an iterable of them.
fn path_list(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Vec<PathBuf>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Vec::new());
    };
    let py = obj.py();
    let one = |item: &Bound<'_, PyAny>| -> PyResult<PathBuf> {
        item.extract::<PathBuf>().map_err(|_| {
            bad(
                py,
                Blame::Config,
                &format!("{name} items must be str or os.PathLike, not {}", type_name(item)),
            )
        })
    };
    if obj.is_instance_of::<PyString>() || obj.hasattr("__fspath__")? {
        return Ok(vec![one(obj)?]);
    }
    let iter = obj.try_iter().map_err(|_| {
        bad(
            py,
            Blame::Config,
            &format!("{name} must be a path or an iterable of paths, not {}", type_name(obj)),
        )
    })?;
    iter.map(|item| one(&item?)).collect()
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
            bad(
                token.py(),
                Blame::Argument,
                &format!("token must be a str (or None), not {}", type_name(token)),
            )
        })?;
        match s.to_cow() {
            Ok(text) => text.into_owned().into_bytes(),
            Err(_) => s
                .call_method1("encode", ("utf-8", "surrogatepass"))?
                .cast_into::<PyBytes>()
                .map_err(PyErr::from)?
                .as_bytes()
                .to_vec(),
        }
    };
    let options = VerifyOptions {
        remote_ip: opt_str(remote_ip, "remote_ip", Blame::Argument)?,
        email: opt_str(email, "email", Blame::Argument)?,
    };
    Ok((token, options))
}

fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let loads = JSON_LOADS.get_or_try_init(py, || py.import("json")?.getattr("loads").map(Bound::unbind))?;
    loads.bind(py).call1((text,))
}

// --------------------------------------------------------------- Outcome ---

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
/// ``InvalidArgumentError``, so it cannot be mistaken for ``outcome.accepted``.
#[pyclass(frozen, eq, module = "siteverify", name = "Outcome")]
#[derive(PartialEq)]
struct PyOutcome {
    inner: siteverify::Outcome,
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

    fn __bool__(&self, py: Python<'_>) -> PyResult<bool> {
        Err(bad(
            py,
            Blame::Argument,
            "an Outcome has no truth value; test outcome.accepted (an Outcome object would always be true)",
        ))
    }
}

// ----------------------------------------------------------------- Stats ---

/// A point-in-time copy of a client's counters. Immutable.
///
/// Watch ``fail_open_suspected``, ``by_reason["provider-unavailable"]``,
/// ``outage_accepted`` and ``provider_health`` to alert on a provider incident.
#[pyclass(frozen, eq, module = "siteverify", name = "Stats")]
#[derive(PartialEq)]
struct PyStats {
    inner: siteverify::StatsSnapshot,
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
    /// Deprecated: the same count as ``not_accepted``, which says what it counts.
    #[getter]
    fn rejected(&self) -> u64 {
        self.inner.not_accepted
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
    fn by_reason(&self) -> std::collections::BTreeMap<String, u64> {
        self.inner.by_reason.clone()
    }
    /// Provider error keys and codes seen (a new dict).
    #[getter]
    fn by_error_key(&self) -> std::collections::BTreeMap<String, u64> {
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

// ---------------------------------------------------------------- Client ---

/// The native core shared by ``siteverify.Client`` and ``siteverify.AsyncClient``.
#[pyclass(frozen, subclass, module = "siteverify._native", name = "_ClientCore")]
struct ClientCore {
    client: siteverify::Client,
}

#[pymethods]
impl ClientCore {
    #[new]
    #[pyo3(signature = (
        *,
        provider,
        secret,
        endpoint = None,
        region = None,
        timeout = None,
        connect_timeout = None,
        attempt_timeout = None,
        max_retries = None,
        retry_base_delay = None,
        retry_max_delay = None,
        expected_hostnames = None,
        expected_actions = None,
        score_threshold = None,
        max_age = None,
        fail_mode = None,
        on_fail_open = None,
        proxy = None,
        ca_pems = None,
        ca_files = None,
        allow_http = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        provider: &Bound<'_, PyAny>,
        secret: &Bound<'_, PyAny>,
        endpoint: Option<&Bound<'_, PyAny>>,
        region: Option<&Bound<'_, PyAny>>,
        timeout: Option<&Bound<'_, PyAny>>,
        connect_timeout: Option<&Bound<'_, PyAny>>,
        attempt_timeout: Option<&Bound<'_, PyAny>>,
        max_retries: Option<&Bound<'_, PyAny>>,
        retry_base_delay: Option<&Bound<'_, PyAny>>,
        retry_max_delay: Option<&Bound<'_, PyAny>>,
        expected_hostnames: Option<&Bound<'_, PyAny>>,
        expected_actions: Option<&Bound<'_, PyAny>>,
        score_threshold: Option<&Bound<'_, PyAny>>,
        max_age: Option<&Bound<'_, PyAny>>,
        fail_mode: Option<&Bound<'_, PyAny>>,
        on_fail_open: Option<&Bound<'_, PyAny>>,
        proxy: Option<&Bound<'_, PyAny>>,
        ca_pems: Option<&Bound<'_, PyAny>>,
        ca_files: Option<&Bound<'_, PyAny>>,
        allow_http: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let provider: Provider = strict_str(provider, "provider", Blame::Config)?
            .parse()
            .map_err(|e| core_error(py, &e))?;
        let mut b = siteverify::Client::builder(provider);
        // The secret is never echoed: only its type name can reach a message.
        b.secret(strict_str(secret, "secret", Blame::Config)?);
        if let Some(url) = opt_str(endpoint, "endpoint", Blame::Config)? {
            b.endpoint(url);
        }
        if let Some(r) = opt_str(region, "region", Blame::Config)? {
            b.region(r);
        }
        if let Some(d) = seconds(timeout, "timeout")? {
            b.timeout(d);
        }
        if let Some(d) = seconds(connect_timeout, "connect_timeout")? {
            b.connect_timeout(d);
        }
        if let Some(d) = seconds(attempt_timeout, "attempt_timeout")? {
            b.attempt_timeout(d);
        }
        if let Some(n) = count(max_retries, "max_retries")? {
            b.max_retries(n);
        }
        let base = seconds(retry_base_delay, "retry_base_delay")?;
        let max = seconds(retry_max_delay, "retry_max_delay")?;
        if base.is_some() || max.is_some() {
            b.retry_backoff(
                base.unwrap_or(siteverify::DEFAULT_RETRY_BASE_DELAY),
                max.unwrap_or(siteverify::DEFAULT_RETRY_MAX_DELAY),
            );
        }
        for h in str_list(expected_hostnames, "expected_hostnames")? {
            b.expected_hostname(h);
        }
        for a in str_list(expected_actions, "expected_actions")? {
            b.expected_action(a);
        }
        if let Some(t) = number(score_threshold, "score_threshold")? {
            b.score_threshold(t);
        }
        if let Some(d) = seconds(max_age, "max_age")? {
            b.max_age(d);
        }
        if let Some(m) = opt_str(fail_mode, "fail_mode", Blame::Config)? {
            b.fail_mode(m.parse().map_err(|e| core_error(py, &e))?);
        }
        if let Some(p) = opt_str(on_fail_open, "on_fail_open", Blame::Config)? {
            b.on_fail_open(p.parse().map_err(|e| core_error(py, &e))?);
        }
        if let Some(p) = opt_str(proxy, "proxy", Blame::Config)? {
            b.proxy(p);
        }
        for pem in pem_list(ca_pems, "ca_pems")? {
            b.ca_pem(pem);
        }
        for path in path_list(ca_files, "ca_files")? {
            b.ca_file(path);
        }
        if let Some(a) = flag(allow_http, "allow_http")? {
            b.allow_http(a);
        }
        // Building may read CA files: no need to hold the GIL for that.
        let built = py.detach(|| b.build());
        let client = built.map_err(|e| core_error(py, &e))?;
        Ok(ClientCore { client })
    }

    /// The provider this client verifies against: ``"prosopo"`` or ``"gatekeeper"``.
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
        let result = py.detach(|| {
            // `verify_blocking`, for a token that may not be UTF-8.
            std::panic::catch_unwind(AssertUnwindSafe(|| {
                siteverify::runtime::block_on(client.verify_bytes(&token, &options)).and_then(|r| r)
            }))
            .unwrap_or_else(|panic| Err(siteverify::Error::internal(panic_message(&*panic))))
        });
        match result {
            Ok(inner) => Ok(PyOutcome { inner }),
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
        let get_running_loop = ASYNCIO_GET_RUNNING_LOOP.get_or_try_init(py, || {
            py.import("asyncio")?.getattr("get_running_loop").map(Bound::unbind)
        })?;
        let event_loop = get_running_loop.bind(py).call0()?;
        let future = event_loop.call_method0("create_future")?;
        let client = self.client.clone();
        let delivery = Delivery(Some(Target {
            event_loop: event_loop.clone().unbind(),
            future: future.clone().unbind(),
        }));
        let task = siteverify::runtime::handle().spawn(async move {
            let result = CatchUnwind(Box::pin(async move { client.verify_bytes(&token, &options).await }))
                .await
                .unwrap_or_else(|panic| Err(siteverify::Error::internal(panic_message(&*panic))));
            delivery.deliver(result);
        });
        // Cancelling the asyncio future (e.g. its awaiting task) aborts the
        // tokio task, which drops the request; after a normal finish it is a no-op.
        future.call_method1(
            "add_done_callback",
            (AbortOnDone {
                handle: task.abort_handle(),
            },),
        )?;
        Ok(future)
    }
}

/// Polls a future, turning a panic into an `Err` (so an awaiting Python
/// coroutine is always resolved, never left hanging).
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = std::thread::Result<F::Output>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

/// Where a finished verification goes: an asyncio future and its loop.
struct Target {
    event_loop: Py<PyAny>,
    future: Py<PyAny>,
}

/// Settles its future exactly once: with the result, or, if the task is
/// dropped without one (aborted after a cancel, or unwound by a panic outside
/// the verification), with an `internal` error. The future is never left
/// pending; one already done (cancelled) is left alone.
struct Delivery(Option<Target>);

impl Delivery {
    fn deliver(mut self, result: siteverify::Result<siteverify::Outcome>) {
        if let Some(target) = self.0.take() {
            target.settle(result);
        }
    }
}

impl Drop for Delivery {
    fn drop(&mut self) {
        if let Some(target) = self.0.take() {
            target.settle(Err(siteverify::Error::internal(
                "the verification ended without a result; this is a siteverify bug, please report it",
            )));
        }
    }
}

impl Target {
    fn settle(self, result: siteverify::Result<siteverify::Outcome>) {
        // During interpreter shutdown nobody is waiting any more. Everything
        // Python, `self` included, is dropped inside: a `Py` dropped without
        // the GIL would go through pyo3's pool mutex, a lock a fork could copy
        // in its held state.
        let _ = Python::try_attach(move |py| {
            pin_thread_state();
            let (ok, payload) = match result {
                Ok(inner) => match Py::new(py, PyOutcome { inner }) {
                    Ok(o) => (true, o.into_any()),
                    Err(e) => (false, e.into_value(py).into_any()),
                },
                Err(e) => (false, core_error(py, &e).into_value(py).into_any()),
            };
            let resolve = Resolve { ok, payload };
            // Fails only when the loop is closed: then nobody can await the future.
            let _ = self
                .event_loop
                .bind(py)
                .call_method1("call_soon_threadsafe", (resolve, self.future.bind(py)));
            drop(self);
        });
    }
}

thread_local! {
    static THREAD_STATE_PINNED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Keeps the Python thread state of this (runtime worker) thread for the rest
/// of its life. Without it every attach from a worker creates a thread state
/// and every detach deletes it, both under CPython's runtime head lock; a
/// `fork()` on another thread that copies that lock held leaves the child
/// stuck in `PyOS_AfterFork_Child` (CPython 3.11 takes the copied lock there
/// before re-creating it). One extra `PyGILState_Ensure`, never released,
/// keeps the state alive; the GIL is still released when the outer attach
/// ends. Only runtime threads are pinned (a Python thread has its own state).
/// Must be called while attached.
fn pin_thread_state() {
    if tokio::runtime::Handle::try_current().is_err() {
        return;
    }
    THREAD_STATE_PINNED.with(|pinned| {
        if !pinned.replace(true) {
            // SAFETY: the caller holds the GIL through this thread's state;
            // the matching release is deliberately never made.
            unsafe {
                pyo3::ffi::PyGILState_Ensure();
            }
        }
    });
}

/// Runs on the event loop: settles the future unless it was cancelled meanwhile.
#[pyclass(frozen)]
struct Resolve {
    ok: bool,
    payload: Py<PyAny>,
}

#[pymethods]
impl Resolve {
    fn __call__(&self, future: &Bound<'_, PyAny>) -> PyResult<()> {
        if future.call_method0("done")?.is_truthy()? {
            return Ok(());
        }
        let method = if self.ok { "set_result" } else { "set_exception" };
        future.call_method1(method, (self.payload.bind(future.py()),))?;
        Ok(())
    }
}

/// An asyncio done-callback that aborts the verification's tokio task.
#[pyclass(frozen)]
struct AbortOnDone {
    handle: tokio::task::AbortHandle,
}

#[pymethods]
impl AbortOnDone {
    fn __call__(&self, _future: &Bound<'_, PyAny>) {
        self.handle.abort();
    }
}

// ---------------------------------------------------------------- module ---

/// Testing only, not API: while armed, verifying ``_TESTING_PANIC_TOKEN``
/// panics inside the verification (process-wide).
#[pyfunction]
#[pyo3(name = "_testing_arm_injected_panic")]
fn testing_arm_injected_panic(armed: bool) {
    siteverify::fault::arm_injected_panic(armed);
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// The native part of ``siteverify``; import ``siteverify`` instead.
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<ClientCore>()?;
    m.add_class::<PyOutcome>()?;
    m.add_class::<PyStats>()?;
    m.add_function(wrap_pyfunction!(testing_arm_injected_panic, m)?)?;
    m.add("_TESTING_PANIC_TOKEN", siteverify::fault::PANIC_TOKEN)?;
    m.add("__version__", siteverify::VERSION)?;
    m.add("REASONS", PyTuple::new(py, Reason::ALL.iter().map(|r| r.as_str()))?)?;
    m.add("DEFAULT_TIMEOUT", secs(siteverify::DEFAULT_TIMEOUT))?;
    m.add("DEFAULT_CONNECT_TIMEOUT", secs(siteverify::DEFAULT_CONNECT_TIMEOUT))?;
    m.add("DEFAULT_ATTEMPT_TIMEOUT", secs(siteverify::DEFAULT_ATTEMPT_TIMEOUT))?;
    m.add("DEFAULT_MAX_RETRIES", siteverify::DEFAULT_MAX_RETRIES)?;
    m.add("DEFAULT_RETRY_BASE_DELAY", secs(siteverify::DEFAULT_RETRY_BASE_DELAY))?;
    m.add("DEFAULT_RETRY_MAX_DELAY", secs(siteverify::DEFAULT_RETRY_MAX_DELAY))?;
    Ok(())
}
