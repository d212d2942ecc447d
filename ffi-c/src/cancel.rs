//! `sv_cancel`: a cancel signal for blocking verifications, fired from any
//! thread while `sv_client_verify_cancellable` waits on another.

use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Notify;

use crate::boundary::{guard, null, write_out};
use crate::error::sv_error;
use crate::status::*;

/// A cancel signal for `sv_client_verify_cancellable`. Create it with
/// `sv_cancel_new`, fire it with `sv_cancel_fire` from any thread, free it
/// with `sv_cancel_free` once no call uses it. Once fired it stays fired.
/// Thread-safe.
pub struct sv_cancel {
    fired: AtomicBool,
    /// Wakes the calls waiting on this signal when it fires.
    wake: Notify,
}

impl sv_cancel {
    fn fire(&self) {
        // Only the first fire wakes anyone; every call arriving later sees the flag.
        if !self.fired.swap(true, Ordering::AcqRel) {
            self.wake.notify_waiters();
        }
    }

    /// Completes once the signal has fired (at once if it already had).
    pub(crate) async fn fired(&self) {
        loop {
            // Registered before the flag is read: a fire in between still wakes us.
            let notified = self.wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.fired.load(Ordering::Acquire) {
                return;
            }
            notified.await;
        }
    }
}

/// Creates an unfired cancel signal in `*cancel_out`. Pass it to
/// `sv_client_verify_cancellable`; fire it from another thread with
/// `sv_cancel_fire`; free it with `sv_cancel_free` after every call that
/// was given it has returned. One signal may serve several calls, at once
/// or one after another.
#[no_mangle]
pub extern "C" fn sv_cancel_new(cancel_out: *mut *mut sv_cancel, err_out: *mut *mut sv_error) -> sv_status {
    guard(err_out, || {
        if cancel_out.is_null() {
            return Err(null("cancel_out"));
        }
        let cancel = Box::new(sv_cancel {
            fired: AtomicBool::new(false),
            wake: Notify::new(),
        });
        // SAFETY: checked non-NULL; the caller passes a writable pointer.
        unsafe { write_out(cancel_out, Box::into_raw(cancel)) };
        Ok(())
    })
}

/// Fires the signal: every `sv_client_verify_cancellable` given it returns
/// `SV_CANCELLED` promptly (its request is dropped), unless its verification
/// already finished; calls that start later return `SV_CANCELLED` at once.
/// Callable from any thread, before, during or after a call; firing again
/// does nothing.
#[no_mangle]
pub extern "C" fn sv_cancel_fire(cancel: *const sv_cancel) -> sv_status {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or a live signal, per the API contract.
        let cancel = unsafe { cancel.as_ref() }.ok_or_else(|| null("cancel"))?;
        cancel.fire();
        Ok(())
    })
}

/// Frees a cancel signal. No call may be using it, and no thread may fire it
/// any more. NULL is a no-op.
#[no_mangle]
pub extern "C" fn sv_cancel_free(cancel: *mut sv_cancel) {
    if !cancel.is_null() {
        // SAFETY: from Box::into_raw in this library, freed once.
        crate::boundary::guard_value((), || drop(unsafe { Box::from_raw(cancel) }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signal() -> sv_cancel {
        sv_cancel {
            fired: AtomicBool::new(false),
            wake: Notify::new(),
        }
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn a_fire_before_the_wait_counts_and_stays() {
        let c = signal();
        c.fire();
        c.fire();
        let rt = runtime();
        rt.block_on(c.fired());
        rt.block_on(c.fired()); // still fired for a second call
    }

    #[test]
    fn a_fire_from_another_thread_wakes_every_waiter() {
        let c = std::sync::Arc::new(signal());
        let waiters: Vec<_> = (0..4)
            .map(|_| {
                let c = c.clone();
                std::thread::spawn(move || runtime().block_on(c.fired()))
            })
            .collect();
        c.fire();
        for w in waiters {
            w.join().unwrap();
        }
    }

    #[test]
    fn unfired_never_completes() {
        let c = signal();
        let rt = runtime();
        let r = rt.block_on(async {
            tokio::select! {
                biased;
                _ = c.fired() => "fired",
                _ = tokio::task::yield_now() => "pending",
            }
        });
        assert_eq!(r, "pending");
    }
}
