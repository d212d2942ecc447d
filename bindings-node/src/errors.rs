//! Errors as JavaScript sees them: an `Error` whose `code` is the core's
//! stable kebab-case code. `index.js` turns the code into an error class.

use napi::bindgen_prelude::*;
use siteverify::ErrorCode;

/// An error the binding itself raises for what it cannot translate: options
/// that are not an object, an option value no `OptionValue` carries (an
/// object, a function), the core's spelling of an option key, a per-call
/// argument of the wrong JS type. Core errors go to [`js_error`] as they
/// are. The message never carries a value the caller passed, so a misplaced
/// secret cannot leak through it.
pub(crate) struct Failure {
    code: &'static str,
    message: String,
}

impl Failure {
    /// A client option the binding cannot hand to the core.
    pub(crate) fn configuration(message: impl Into<String>) -> Self {
        Failure {
            code: ErrorCode::Configuration.as_str(),
            message: message.into(),
        }
    }

    /// A per-call argument of the wrong type.
    pub(crate) fn invalid_argument(message: impl Into<String>) -> Self {
        Failure {
            code: ErrorCode::InvalidArgument.as_str(),
            message: message.into(),
        }
    }
}

/// Builds the JavaScript `Error` (with `code`) and wraps it so napi throws or
/// rejects with that very object.
pub(crate) fn js_error<'a>(env: &Env, failure: impl Into<FailureRef<'a>>) -> Error {
    let FailureRef { code, message } = failure.into();
    let built = env
        .create_error(Error::new(Status::GenericFailure, message))
        .and_then(|mut obj| {
            obj.set_named_property("code", code)?;
            Ok(obj)
        });
    match built {
        Ok(obj) => Error::from(obj.to_unknown()),
        // The environment is going away: a plain error is all that can be made.
        Err(e) => e,
    }
}

pub(crate) struct FailureRef<'a> {
    code: &'a str,
    message: &'a str,
}

impl<'a> From<&'a Failure> for FailureRef<'a> {
    fn from(f: &'a Failure) -> Self {
        FailureRef {
            code: f.code,
            message: &f.message,
        }
    }
}

impl<'a> From<&'a siteverify::Error> for FailureRef<'a> {
    fn from(e: &'a siteverify::Error) -> Self {
        FailureRef {
            code: e.code().as_str(),
            message: e.message(),
        }
    }
}
