//! The panic boundary and argument helpers every export goes through.

use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::{sv_error, write_error};
use crate::status::*;

/// Runs an export body: a panic becomes `SV_PANIC` (since Rust 1.81 an
/// unwinding panic across `extern "C"` would abort the host process).
pub(crate) fn guard(err_out: *mut *mut sv_error, body: impl FnOnce() -> Result<(), (sv_status, String)>) -> sv_status {
    let result =
        catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| Err((SV_PANIC, "panic inside siteverify".into())));
    match result {
        Ok(()) => SV_OK,
        Err((status, message)) => {
            // SAFETY: err_out is NULL or a valid place for a pointer, per the API contract.
            unsafe { write_error(err_out, status, message) };
            status
        }
    }
}

/// For accessors that cannot report a status: a panic yields `fallback`.
pub(crate) fn guard_value<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

pub(crate) type Fail = (sv_status, String);

pub(crate) fn null(what: &str) -> Fail {
    (SV_NULL_ARGUMENT, format!("{what} is NULL"))
}

/// A NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string valid for the call.
pub(crate) unsafe fn str_arg<'a>(p: *const c_char, what: &str) -> Result<&'a str, Fail> {
    utf8_arg(p, what, SV_INVALID_ARGUMENT)
}

/// A configuration string: not UTF-8 is a configuration mistake, like any
/// other bad option value (one error code per mistake, in every binding).
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn config_str_arg<'a>(p: *const c_char, what: &str) -> Result<&'a str, Fail> {
    utf8_arg(p, what, SV_CONFIGURATION)
}

unsafe fn utf8_arg<'a>(p: *const c_char, what: &str, status: sv_status) -> Result<&'a str, Fail> {
    if p.is_null() {
        return Err(null(what));
    }
    CStr::from_ptr(p)
        .to_str()
        .map_err(|_| (status, format!("{what} is not valid UTF-8")))
}

/// A pointer+length argument (any bytes; NULL only with length 0).
///
/// # Safety
/// `p` points to `len` readable bytes, or is NULL with `len == 0`.
pub(crate) unsafe fn bytes_arg<'a>(p: *const c_char, len: usize, what: &str) -> Result<&'a [u8], Fail> {
    if p.is_null() {
        return if len == 0 { Ok(&[]) } else { Err(null(what)) };
    }
    Ok(std::slice::from_raw_parts(p.cast::<u8>(), len))
}

/// A C copy of a string from the network: a NUL inside would cut it short in
/// C, so it becomes U+FFFD.
pub(crate) fn c_string(s: &str) -> CString {
    CString::new(s.replace('\0', "\u{FFFD}")).expect("NUL bytes were replaced")
}

/// Writes an out-parameter, which must not be NULL.
///
/// # Safety
/// `out` is NULL or valid for a write of `T`.
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T) {
    out.write(value)
}

/// Maps a core error into a failure.
pub(crate) fn core_fail(e: core_api::Error) -> Fail {
    (from_core(e.code()), e.message().to_string())
}
