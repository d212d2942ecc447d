//! Client options: Python keyword arguments handed to the core's generic
//! setter (`ClientBuilder::set_option`) as the `OptionValue` their Python type
//! says. The core's options table (`siteverify::OPTIONS`) is the only list of
//! names, and the core alone validates and converts values: a wrong type
//! reaches it as the corresponding `OptionValue` and gets its `configuration`
//! error. This module only translates Python types:
//!
//! | Python value                    | handed to the core as                       |
//! |---------------------------------|---------------------------------------------|
//! | `None`                          | nothing: the core's default                 |
//! | `str`                           | `Text`                                      |
//! | `os.PathLike`                   | `Text` (its `os.fspath`)                    |
//! | `bool` (before `int`: a subclass) | `Bool`                                    |
//! | `int`, `float` for a duration   | `Seconds`                                   |
//! | `int`                           | `Int` (saturated to the `i64` range)        |
//! | `float`                         | `Float`                                     |
//! | `bytes` for `ca_pems`           | `Text` (PEM is ASCII; decoded as UTF-8)     |
//! | an iterable (list, tuple, ...) for a list option | one value per element, each as above |
//!
//! A value with no core equivalent (a `dict` item, `bytes` elsewhere, a str
//! holding lone surrogates) is a `configuration` error naming the option and
//! the Python type, never the value.

use std::borrow::Cow;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyString};
use siteverify::{ClientBuilder, ErrorCode, OptionKind, OptionSpec, OptionValue, Provider};

use crate::errors::{core_error, type_name, untranslatable};

/// A value in a Python-owned form, borrowed by `OptionValue` when handed over.
enum Owned {
    Text(String),
    Bool(bool),
    Int(i64),
    Float(f64),
    Seconds(f64),
}

impl Owned {
    fn as_value(&self) -> OptionValue<'_> {
        match self {
            Owned::Text(s) => OptionValue::Text(s),
            Owned::Bool(b) => OptionValue::Bool(*b),
            Owned::Int(n) => OptionValue::Int(*n),
            Owned::Float(f) => OptionValue::Float(*f),
            Owned::Seconds(s) => OptionValue::Seconds(*s),
        }
    }
}

fn config_error(py: Python<'_>, message: String) -> PyErr {
    untranslatable(py, ErrorCode::Configuration, message)
}

fn text(obj: &Bound<'_, PyString>, name: &str) -> PyResult<String> {
    obj.to_cow().map(Cow::into_owned).map_err(|_| {
        config_error(
            obj.py(),
            format!("option {name} is not valid Unicode (it holds lone surrogates)"),
        )
    })
}

/// One scalar Python value as the core's value for option `spec`.
fn scalar(obj: &Bound<'_, PyAny>, spec: &OptionSpec) -> PyResult<Owned> {
    let py = obj.py();
    let duration = spec.kind == OptionKind::Duration;
    if let Ok(s) = obj.cast::<PyString>() {
        return text(s, spec.name).map(Owned::Text);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Owned::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if duration {
            // Past f64's range (10**400): infinite, which the core refuses.
            let secs = obj.extract::<f64>().unwrap_or_else(|_| {
                if obj.gt(0).unwrap_or(false) {
                    f64::INFINITY
                } else {
                    f64::NEG_INFINITY
                }
            });
            return Ok(Owned::Seconds(secs));
        }
        // Past i64's range: the nearest i64, out of every option's range too.
        let n = obj
            .extract::<i64>()
            .unwrap_or_else(|_| if obj.gt(0).unwrap_or(false) { i64::MAX } else { i64::MIN });
        return Ok(Owned::Int(n));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let f = f.value();
        return Ok(if duration { Owned::Seconds(f) } else { Owned::Float(f) });
    }
    if spec.name == "ca_pems" {
        if let Ok(b) = obj.cast::<PyBytes>() {
            return std::str::from_utf8(b.as_bytes())
                .map(|s| Owned::Text(s.to_owned()))
                .map_err(|_| config_error(py, "option ca_pems holds bytes that are not UTF-8 PEM text".to_owned()));
        }
    }
    if obj.hasattr("__fspath__")? {
        let path = py.import("os")?.call_method1("fspath", (obj,))?;
        if let Ok(s) = path.cast::<PyString>() {
            return text(s, spec.name).map(Owned::Text);
        }
    }
    Err(config_error(
        py,
        format!("option {} cannot take a Python {}", spec.name, type_name(obj)),
    ))
}

/// Hands `obj` to option `name`: nothing for `None`, each element of an
/// iterable (str and bytes are scalars), or the one scalar.
fn set_option(b: &mut ClientBuilder, name: &str, obj: &Bound<'_, PyAny>) -> PyResult<()> {
    let py = obj.py();
    let Some(spec) = siteverify::option_spec(name) else {
        // As Python reports any misspelt keyword argument.
        return Err(PyTypeError::new_err(format!(
            "got an unexpected keyword argument '{name}'"
        )));
    };
    if obj.is_none() {
        return Ok(());
    }
    // A list, tuple, set or other iterable: one value per element, for a
    // list option only (a list has no meaning for a scalar option).
    let iterable =
        !(obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() || obj.is_instance_of::<PyDict>())
            && obj.try_iter().is_ok();
    let values = if iterable && spec.kind == OptionKind::TextList {
        let mut values = Vec::new();
        for item in obj.try_iter()? {
            let item = item?;
            // One level only: an element that is itself a list has no core equivalent.
            let nested =
                item.try_iter().is_ok() && !item.is_instance_of::<PyString>() && !item.is_instance_of::<PyBytes>();
            if item.is_none() || nested {
                return Err(config_error(
                    py,
                    format!("option {name} cannot take a Python {} element", type_name(&item)),
                ));
            }
            values.push(scalar(&item, spec)?);
        }
        values
    } else {
        vec![scalar(obj, spec)?]
    };
    for v in &values {
        b.set_option(name, v.as_value()).map_err(|e| core_error(py, &e))?;
    }
    Ok(())
}

/// A core client builder from `Client(...)`'s keyword arguments.
pub(crate) fn builder(
    provider: &Bound<'_, PyAny>,
    secret: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<ClientBuilder> {
    let py = provider.py();
    let provider: Provider = match provider.cast::<PyString>() {
        Ok(s) => text(s, "provider")?.parse().map_err(|e| core_error(py, &e))?,
        Err(_) => {
            return Err(config_error(
                py,
                format!("provider must be a str, not {}", type_name(provider)),
            ))
        }
    };
    let mut b = siteverify::Client::builder(provider);
    set_option(&mut b, "secret", secret)?;
    if let Some(options) = options {
        for (name, value) in options.iter() {
            let name = name.cast::<PyString>()?.to_cow()?;
            set_option(&mut b, &name, &value)?;
        }
    }
    Ok(b)
}
