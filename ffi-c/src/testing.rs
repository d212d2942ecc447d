//! Test support: lets a binding's tests prove that a panic inside a
//! verification still completes every entry point exactly once.

use std::ffi::c_char;

/// Arms (`true`) or disarms the injected panic, process-wide: while armed,
/// verifying the token `sv_testing_panic_token()` panics inside the
/// verification, and every entry point must still complete exactly once with
/// `SV_INTERNAL`. For tests only; no token or provider answer can arm it.
#[no_mangle]
pub extern "C" fn sv_testing_arm_injected_panic(armed: bool) {
    core_api::fault::arm_injected_panic(armed);
}

/// The token that panics while the injected panic is armed (a static string).
#[no_mangle]
pub extern "C" fn sv_testing_panic_token() -> *const c_char {
    const TOKEN: &str = concat!("siteverify-test-injected-panic", "\0");
    debug_assert_eq!(&TOKEN[..TOKEN.len() - 1], core_api::fault::PANIC_TOKEN);
    TOKEN.as_ptr().cast()
}
