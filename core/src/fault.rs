//! Test support for bindings: an injected panic inside a verification.
//!
//! Every async entry point (the C callback, Go, Java, Node, Python) must
//! complete exactly once even if the verification panics. Bindings prove it by
//! arming this switch in their tests and verifying [`PANIC_TOKEN`]. Only code in
//! the process can arm it; no token or provider answer can.

use std::sync::atomic::{AtomicBool, Ordering};

static ARMED: AtomicBool = AtomicBool::new(false);

/// The token that panics inside the verification while the switch is armed.
pub const PANIC_TOKEN: &str = "siteverify-test-injected-panic";

/// Arms or disarms the injected panic (process-wide).
pub fn arm_injected_panic(armed: bool) {
    ARMED.store(armed, Ordering::SeqCst);
}

pub(crate) fn maybe_panic(token: &str) {
    if ARMED.load(Ordering::Relaxed) && token == PANIC_TOKEN {
        panic!("siteverify: injected panic (test support)");
    }
}
