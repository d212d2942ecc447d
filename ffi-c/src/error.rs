//! `sv_error`: detailed errors handed back through the call that failed
//! (never a thread-local "last error", which breaks when goroutines, virtual
//! threads or async callbacks move between OS threads).

use std::ffi::{c_char, CString};

use crate::boundary::{c_string, guard_value};
use crate::status::{self, sv_status};

/// A detailed error: a status, its stable name, and a message that never
/// contains the secret. Owned by the caller; free with `sv_error_free`.
/// Immutable: safe to read from any thread.
pub struct sv_error {
    status: sv_status,
    message: CString,
}

impl sv_error {
    pub(crate) fn boxed(status: sv_status, message: impl AsRef<str>) -> *mut sv_error {
        Box::into_raw(Box::new(sv_error {
            status,
            message: c_string(message.as_ref()),
        }))
    }
}

/// Stores a new error in `*err_out` when `err_out` is not NULL.
///
/// # Safety
/// `err_out` is NULL or valid for writing a pointer.
pub(crate) unsafe fn write_error(err_out: *mut *mut sv_error, status: sv_status, message: impl AsRef<str>) {
    if !err_out.is_null() {
        err_out.write(sv_error::boxed(status, message));
    }
}

/// The error's status code (`SV_INVALID_ARGUMENT`, ...); `SV_NULL_ARGUMENT` for a NULL error.
#[no_mangle]
pub extern "C" fn sv_error_code(error: *const sv_error) -> sv_status {
    // SAFETY: error is NULL or a live sv_error, per the API contract.
    guard_value(status::SV_PANIC, || {
        unsafe { error.as_ref() }.map_or(status::SV_NULL_ARGUMENT, |e| e.status)
    })
}

/// The stable kebab-case name of the error's status (`"invalid-argument"`),
/// the same string other bindings expose as `code`. Static; never NULL.
#[no_mangle]
pub extern "C" fn sv_error_name(error: *const sv_error) -> *const c_char {
    status::sv_status_str(sv_error_code(error))
}

/// A human-readable message, valid until `sv_error_free`. NULL for a NULL error.
#[no_mangle]
pub extern "C" fn sv_error_message(error: *const sv_error) -> *const c_char {
    // SAFETY: as above.
    guard_value(std::ptr::null(), || {
        unsafe { error.as_ref() }.map_or(std::ptr::null(), |e| e.message.as_ptr())
    })
}

/// Frees an error. NULL is a no-op.
#[no_mangle]
pub extern "C" fn sv_error_free(error: *mut sv_error) {
    if !error.is_null() {
        // SAFETY: the pointer came from Box::into_raw in this library and is freed once, per the contract.
        guard_value((), || drop(unsafe { Box::from_raw(error) }));
    }
}
