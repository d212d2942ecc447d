//! Status codes. Numbers are grouped and stable: a retired number is never reused.
//!
//! | range | group |
//! |---|---|
//! | 0 | success |
//! | 100-199 | argument misuse by the caller |
//! | 200-299 | network (reserved: network failures are outcomes, `provider-unavailable`) |
//! | 300-399 | provider (reserved: provider refusals are outcomes, `provider-rejected-request`) |
//! | 400-499 | call lifecycle |
//! | 900-999 | internal |

use std::ffi::c_char;

/// A status code returned by every fallible function.
pub type sv_status = i32;

/// Success.
pub const SV_OK: sv_status = 0;
/// A required pointer argument was NULL.
pub const SV_NULL_ARGUMENT: sv_status = 100;
/// An argument is invalid: a string option that is not UTF-8, a bad remote IP or email.
pub const SV_INVALID_ARGUMENT: sv_status = 101;
/// The client configuration is invalid, or an unknown enum value (see the error message).
pub const SV_CONFIGURATION: sv_status = 102;
/// A blocking call was made from a library thread (e.g. inside a verify callback).
pub const SV_BLOCKING_IN_ASYNC_CONTEXT: sv_status = 103;
/// The verification was cancelled (`sv_task_cancel`, `sv_cancel_fire`).
pub const SV_CANCELLED: sv_status = 400;
/// A Rust panic was caught at the ABI boundary; please report it.
pub const SV_PANIC: sv_status = 900;
/// Any other internal failure; please report it.
pub const SV_INTERNAL: sv_status = 901;

fn name_cstr(status: sv_status) -> *const c_char {
    match status {
        SV_OK => c"ok",
        SV_NULL_ARGUMENT => c"null-argument",
        SV_INVALID_ARGUMENT => c"invalid-argument",
        SV_CONFIGURATION => c"configuration",
        SV_BLOCKING_IN_ASYNC_CONTEXT => c"blocking-in-async-context",
        SV_CANCELLED => c"cancelled",
        SV_PANIC => c"panic",
        SV_INTERNAL => c"internal",
        _ => c"unknown",
    }
    .as_ptr()
}

/// The stable kebab-case name of a status (`"invalid-argument"`), a static
/// string; `"unknown"` for numbers this library does not know.
#[no_mangle]
pub extern "C" fn sv_status_str(status: sv_status) -> *const c_char {
    name_cstr(status)
}

/// Maps a core error to its status.
pub(crate) fn from_core(code: core_api::ErrorCode) -> sv_status {
    use core_api::ErrorCode as C;
    match code {
        C::Configuration => SV_CONFIGURATION,
        C::InvalidArgument => SV_INVALID_ARGUMENT,
        C::BlockingInAsyncContext => SV_BLOCKING_IN_ASYNC_CONTEXT,
        C::Cancelled => SV_CANCELLED,
        _ => SV_INTERNAL,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_agree() {
        let cases = [
            (SV_OK, "ok"),
            (SV_NULL_ARGUMENT, "null-argument"),
            (SV_INVALID_ARGUMENT, "invalid-argument"),
            (SV_CONFIGURATION, "configuration"),
            (SV_BLOCKING_IN_ASYNC_CONTEXT, "blocking-in-async-context"),
            (SV_CANCELLED, "cancelled"),
            (SV_PANIC, "panic"),
            (SV_INTERNAL, "internal"),
            (12345, "unknown"),
        ];
        for (status, want) in cases {
            let c = unsafe { std::ffi::CStr::from_ptr(sv_status_str(status)) };
            assert_eq!(c.to_str().unwrap(), want);
        }
        // The core's error codes and the C names agree.
        use core_api::ErrorCode as C;
        for code in [
            C::Configuration,
            C::InvalidArgument,
            C::BlockingInAsyncContext,
            C::Cancelled,
        ] {
            let c = unsafe { std::ffi::CStr::from_ptr(sv_status_str(from_core(code))) };
            assert_eq!(c.to_str().unwrap(), code.as_str());
        }
    }
}
