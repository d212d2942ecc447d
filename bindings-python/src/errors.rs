//! Core errors as Python exceptions. The classes live in
//! `siteverify/_errors.py` (so each can also derive from a built-in exception);
//! the code and the message are always the core's.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;
use siteverify::ErrorCode;

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

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

/// The Python exception for a core error: its class, code and message.
pub(crate) fn core_error(py: Python<'_>, e: &siteverify::Error) -> PyErr {
    let found = ERRORS
        .get_or_try_init(py, || py.import("siteverify._errors").map(Bound::unbind))
        .and_then(|m| m.bind(py).getattr(error_class(e.code())))
        .and_then(|c| c.cast_into::<PyType>().map_err(PyErr::from));
    match found {
        Ok(cls) => PyErr::from_type(cls, (e.message().to_owned(), e.code().as_str().to_owned())),
        Err(err) => err,
    }
}

/// A core error of code `code` for a Python value the core cannot be handed
/// at all (a type with no core equivalent, a str that is not Unicode).
pub(crate) fn untranslatable(py: Python<'_>, code: ErrorCode, message: String) -> PyErr {
    core_error(py, &siteverify::Error::new(code, message))
}

/// The type name of `obj`, for messages. Never the value: it may be a secret.
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .qualname()
        .map(|s| s.to_string())
        .unwrap_or_else(|_| "object".to_owned())
}

/// The `internal` error a caught panic becomes.
pub(crate) fn panic_error(payload: &(dyn std::any::Any + Send)) -> siteverify::Error {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    siteverify::Error::internal(format!("a bug in siteverify (please report it): {text}"))
}
