//! `sv_client`: build, verify (blocking, cancellable and async), cancel, stats.
//!
//! A client is immutable and reference-counted: share one `const sv_client *`
//! across threads freely; every function here is thread-safe on it.

use std::collections::VecDeque;
use std::ffi::{c_char, c_void, CString};
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use crate::boundary::{bytes_arg, c_string, core_fail, guard, null, write_out, Fail};
use crate::builder::{sv_client_builder, sv_verify_options};
use crate::cancel::sv_cancel;
use crate::error::sv_error;
use crate::outcome::sv_outcome;
use crate::stats::sv_stats;
use crate::status::*;

/// A verifier for one provider, secret and policy. Thread-safe; free with `sv_client_free`.
pub struct sv_client {
    client: core_api::Client,
    endpoint: CString,
    provider: CString,
}

/// Called exactly once per `sv_client_verify_async`, on a library thread.
/// On success `status` is `SV_OK`, `outcome` is set and `error` is NULL;
/// otherwise `outcome` is NULL and `error` says why (`SV_CANCELLED` after a
/// cancel). The callee owns both: free them with `sv_outcome_free` and
/// `sv_error_free`. Do not call blocking siteverify functions from it.
pub type sv_verify_callback = Option<
    unsafe extern "C" fn(userdata: *mut c_void, status: sv_status, outcome: *mut sv_outcome, error: *mut sv_error),
>;

/// A running asynchronous verification. Cancel it with `sv_task_cancel`;
/// free it with `sv_task_free` (freeing does not cancel). Thread-safe.
pub struct sv_task {
    cancel: Arc<Notify>,
}

/// Clients shared per configuration (see `sv_client_builder_build_shared`).
const SHARED_CAPACITY: usize = 32;
static SHARED: Mutex<VecDeque<(String, Arc<sv_client>)>> = Mutex::new(VecDeque::new());

/// # Safety
/// `b` is NULL or a live builder.
unsafe fn build(b: &sv_client_builder) -> Result<Arc<sv_client>, Fail> {
    let client = b.inner.build().map_err(core_fail)?;
    let endpoint = c_string(client.endpoint());
    let provider = c_string(client.provider().as_str());
    Ok(Arc::new(sv_client {
        client,
        endpoint,
        provider,
    }))
}

/// The body of both build functions: checks the pointers, gets a client
/// from `make`, and writes it out only on success.
fn build_into(
    builder: *const sv_client_builder,
    client_out: *mut *const sv_client,
    err_out: *mut *mut sv_error,
    make: impl FnOnce(&sv_client_builder) -> Result<Arc<sv_client>, Fail>,
) -> sv_status {
    guard(err_out, || {
        if client_out.is_null() {
            return Err(null("client_out"));
        }
        // SAFETY: builder is NULL or live, per the API contract.
        let builder = unsafe { builder.as_ref() }.ok_or_else(|| null("builder"))?;
        let client = make(builder)?;
        // SAFETY: checked non-NULL; the caller passes a writable pointer.
        unsafe { write_out(client_out, Arc::into_raw(client)) };
        Ok(())
    })
}

/// Builds a client from the builder's options. The builder is not consumed.
/// On error `*client_out` is untouched and `*err_out` (if not NULL) explains.
#[no_mangle]
pub extern "C" fn sv_client_builder_build(
    builder: *const sv_client_builder,
    client_out: *mut *const sv_client,
    err_out: *mut *mut sv_error,
) -> sv_status {
    // SAFETY: build_into hands over a live builder.
    build_into(builder, client_out, err_out, |b| unsafe { build(b) })
}

/// Like `sv_client_builder_build`, but returns the process-wide client
/// already built with identical options, if any, so that short-lived callers
/// (a php-fpm request) reuse its pool of open connections. The cache key is
/// a hash of every option with the secret only as its SHA-256, never the
/// secret. Up to 32 configurations are kept; the oldest is dropped first.
/// The result is freed with `sv_client_free` as usual.
#[no_mangle]
pub extern "C" fn sv_client_builder_build_shared(
    builder: *const sv_client_builder,
    client_out: *mut *const sv_client,
    err_out: *mut *mut sv_error,
) -> sv_status {
    build_into(builder, client_out, err_out, |b| {
        let key = b.inner.cache_key();
        let mut shared = SHARED.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, c)) = shared.iter().find(|(k, _)| *k == key) {
            return Ok(c.clone());
        }
        // SAFETY: build_into hands over a live builder.
        let c = unsafe { build(b)? };
        if shared.len() == SHARED_CAPACITY {
            shared.pop_front();
        }
        shared.push_back((key, c.clone()));
        Ok(c)
    })
}

/// Empties the shared-client cache (after rotating a secret, or before exit
/// under a leak checker). Clients the caller still holds stay valid.
#[no_mangle]
pub extern "C" fn sv_shared_clients_clear() {
    crate::boundary::guard_value((), || {
        let drained: Vec<_> = SHARED.lock().unwrap_or_else(|p| p.into_inner()).drain(..).collect();
        drop(drained); // outside the lock: dropping a client may take a while
    })
}

/// Releases a client reference. In-flight async verifications keep the
/// client alive until their callbacks ran. NULL is a no-op.
#[no_mangle]
pub extern "C" fn sv_client_free(client: *const sv_client) {
    if !client.is_null() {
        // SAFETY: from Arc::into_raw in this library, released once.
        crate::boundary::guard_value((), || drop(unsafe { Arc::from_raw(client) }));
    }
}

/// The verify URL the client uses; valid while the client lives. NULL for NULL.
#[no_mangle]
pub extern "C" fn sv_client_endpoint(client: *const sv_client) -> *const c_char {
    // SAFETY: API contract.
    crate::boundary::guard_value(std::ptr::null(), || {
        unsafe { client.as_ref() }.map_or(std::ptr::null(), |c| c.endpoint.as_ptr())
    })
}

/// The provider's canonical name (`"prosopo"`, `"recaptcha-enterprise"`, ...),
/// whatever alias built the client: a static string. NULL for NULL.
#[no_mangle]
pub extern "C" fn sv_client_provider(client: *const sv_client) -> *const c_char {
    // SAFETY: API contract.
    crate::boundary::guard_value(std::ptr::null(), || {
        unsafe { client.as_ref() }.map_or(std::ptr::null(), |c| c.provider.as_ptr())
    })
}

/// # Safety
/// The pointers follow the API contract of the verify functions.
unsafe fn call_args(
    client: *const sv_client,
    token: *const c_char,
    token_len: usize,
    options: *const sv_verify_options,
) -> Result<(Arc<sv_client>, Vec<u8>, core_api::VerifyOptions), Fail> {
    if client.is_null() {
        return Err(null("client"));
    }
    // Take a reference of our own so the client outlives an async call.
    Arc::increment_strong_count(client);
    let client = Arc::from_raw(client);
    // Any bytes: a token that is not UTF-8 is an invalid token (an outcome), not an argument error.
    let token = bytes_arg(token, token_len, "token")?.to_vec();
    let options = options.as_ref().map(|o| o.inner.clone()).unwrap_or_default();
    Ok((client, token, options))
}

/// Verifies `token` (`token_len` bytes; it may be empty), blocking
/// the calling thread for at most the client's deadline. `options` may be
/// NULL. Every verdict, including "provider down", is an outcome with
/// `SV_OK`; a status other than `SV_OK` means the call itself was wrong.
#[no_mangle]
pub extern "C" fn sv_client_verify(
    client: *const sv_client,
    token: *const c_char,
    token_len: usize,
    options: *const sv_verify_options,
    outcome_out: *mut *mut sv_outcome,
    err_out: *mut *mut sv_error,
) -> sv_status {
    sv_client_verify_cancellable(
        client,
        token,
        token_len,
        options,
        std::ptr::null(),
        outcome_out,
        err_out,
    )
}

/// Like `sv_client_verify`, blocking the calling thread, but returns
/// `SV_CANCELLED` as soon as `cancel` fires (from another thread, with
/// `sv_cancel_fire`): the request is dropped and `*outcome_out` is not
/// written. If the verification finished first, its outcome is returned
/// with `SV_OK`. A signal fired before the call cancels it at once, before
/// any request is sent. `cancel` may be NULL: then this is
/// `sv_client_verify`. The signal must stay alive until the call returns.
#[no_mangle]
pub extern "C" fn sv_client_verify_cancellable(
    client: *const sv_client,
    token: *const c_char,
    token_len: usize,
    options: *const sv_verify_options,
    cancel: *const sv_cancel,
    outcome_out: *mut *mut sv_outcome,
    err_out: *mut *mut sv_error,
) -> sv_status {
    guard(err_out, || {
        if outcome_out.is_null() {
            return Err(null("outcome_out"));
        }
        // SAFETY: API contract.
        let (client, token, options) = unsafe { call_args(client, token, token_len, options)? };
        // SAFETY: NULL or a live signal that outlives the call, per the API contract.
        let outcome = match unsafe { cancel.as_ref() } {
            None => core_api::runtime::block_on(client.client.verify_bytes(&token, &options)),
            Some(cancel) => core_api::runtime::block_on(async {
                tokio::select! {
                    biased;
                    _ = cancel.fired() => Err(core_api::Error::cancelled()),
                    r = client.client.verify_bytes(&token, &options) => r,
                }
            }),
        }
        .and_then(|r| r)
        .map_err(core_fail)?;
        // SAFETY: checked non-NULL.
        unsafe { write_out(outcome_out, sv_outcome::boxed(outcome)) };
        Ok(())
    })
}

/// The userdata pointer travels to a library thread; the caller promised
/// that is fine by calling the async API.
struct UserData(*mut c_void);
// SAFETY: documented contract of sv_client_verify_async.
unsafe impl Send for UserData {}

/// Starts a verification and returns at once. `callback` runs exactly once,
/// on a library thread, with `userdata` (which must be usable from another
/// thread). `task_out` may be NULL if you never cancel; otherwise it
/// receives a task handle to pass to `sv_task_cancel` and `sv_task_free`.
/// If this function returns an error, the callback never runs.
#[no_mangle]
pub extern "C" fn sv_client_verify_async(
    client: *const sv_client,
    token: *const c_char,
    token_len: usize,
    options: *const sv_verify_options,
    callback: sv_verify_callback,
    userdata: *mut c_void,
    task_out: *mut *mut sv_task,
    err_out: *mut *mut sv_error,
) -> sv_status {
    guard(err_out, || {
        let callback = callback.ok_or_else(|| null("callback"))?;
        // SAFETY: API contract.
        let (client, token, options) = unsafe { call_args(client, token, token_len, options)? };
        let runtime = core_api::runtime::handle();
        let cancel = Arc::new(Notify::new());
        if !task_out.is_null() {
            // SAFETY: checked non-NULL.
            unsafe { write_out(task_out, Box::into_raw(Box::new(sv_task { cancel: cancel.clone() }))) };
        }
        // Created before the task, so that the callback runs even if the task
        // never completes normally (a panic, a dropped task).
        let completion = Completion {
            callback,
            userdata: Some(UserData(userdata)),
        };
        runtime.spawn(async move {
            let result = tokio::select! {
                biased;
                _ = cancel.notified() => Err(core_api::Error::cancelled()),
                r = client.client.verify_bytes(&token, &options) => r,
            };
            completion.complete(result);
        });
        Ok(())
    })
}

/// The callback of one async verification: runs exactly once, with the
/// result, or from `Drop` with an internal error if the task ended any other
/// way (a panic unwinding through it, or the task being dropped).
struct Completion {
    callback: unsafe extern "C" fn(*mut c_void, sv_status, *mut sv_outcome, *mut sv_error),
    /// `None` once the callback ran.
    userdata: Option<UserData>,
}

impl Completion {
    fn complete(mut self, result: core_api::Result<core_api::Outcome>) {
        let converted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match result {
            Ok(o) => (SV_OK, sv_outcome::boxed(o), std::ptr::null_mut()),
            Err(e) => {
                let status = from_core(e.code());
                (status, std::ptr::null_mut(), sv_error::boxed(status, e.message()))
            }
        }));
        if let Ok((status, outcome, error)) = converted {
            self.call(status, outcome, error);
        }
        // Otherwise Drop reports the internal error.
    }

    fn call(&mut self, status: sv_status, outcome: *mut sv_outcome, error: *mut sv_error) {
        if let Some(userdata) = self.userdata.take() {
            // SAFETY: the caller supplied a valid function pointer; it owns what it receives.
            unsafe { (self.callback)(userdata.0, status, outcome, error) };
        }
    }
}

impl Drop for Completion {
    fn drop(&mut self) {
        if self.userdata.is_some() {
            let error = sv_error::boxed(SV_INTERNAL, "the verification task ended without a result");
            self.call(SV_INTERNAL, std::ptr::null_mut(), error);
        }
    }
}

/// Cancels the verification: the request is dropped and the callback runs
/// with `SV_CANCELLED`, unless it already ran (then nothing happens).
#[no_mangle]
pub extern "C" fn sv_task_cancel(task: *const sv_task) -> sv_status {
    guard(std::ptr::null_mut(), || {
        // SAFETY: API contract.
        let task = unsafe { task.as_ref() }.ok_or_else(|| null("task"))?;
        // notify_one stores a permit, so a cancel before the task first runs still counts.
        task.cancel.notify_one();
        Ok(())
    })
}

/// Frees a task handle; the verification goes on and its callback still runs.
/// NULL is a no-op.
#[no_mangle]
pub extern "C" fn sv_task_free(task: *mut sv_task) {
    if !task.is_null() {
        // SAFETY: from Box::into_raw in this library, freed once.
        crate::boundary::guard_value((), || drop(unsafe { Box::from_raw(task) }));
    }
}

/// A snapshot of the client's counters. Free with `sv_stats_free`.
#[no_mangle]
pub extern "C" fn sv_client_stats(client: *const sv_client, stats_out: *mut *mut sv_stats) -> sv_status {
    guard(std::ptr::null_mut(), || {
        if stats_out.is_null() {
            return Err(null("stats_out"));
        }
        // SAFETY: API contract.
        let client = unsafe { client.as_ref() }.ok_or_else(|| null("client"))?;
        // SAFETY: checked non-NULL.
        unsafe { write_out(stats_out, sv_stats::boxed(client.client.stats())) };
        Ok(())
    })
}
