//! `sv_client_builder` and `sv_verify_options`: mutable option sets.
//!
//! Builders are not thread-safe: use one from one thread at a time. Setters
//! copy their arguments; the caller keeps ownership of what it passed.

use std::ffi::{c_char, c_void};
use std::time::Duration;

use core_api::{ClientBuilder, FailMode, FailOpenPolicy, Provider};

use crate::boundary::{config_str_arg, guard, null, str_arg, write_out, Fail};
use crate::error::sv_error;
use crate::status::*;

/// Prosopo Procaptcha.
pub const SV_PROVIDER_PROSOPO: i32 = 1;
/// GateKeeper gkCAPTCHA.
pub const SV_PROVIDER_GATEKEEPER: i32 = 2;
/// Inconclusive outcomes are not accepted (the default).
pub const SV_FAIL_MODE_CLOSED: i32 = 0;
/// Inconclusive outcomes are accepted, with `conclusive == false`, during a
/// confirmed outage only (the provider unreachable, or the outage probe failing too).
pub const SV_FAIL_MODE_OPEN: i32 = 1;
/// A suspected provider fail-open is accepted and flagged. Unset, the policy
/// follows the fail mode: rejected under closed, accepted under open.
pub const SV_FAIL_OPEN_ACCEPT: i32 = 0;
/// A suspected provider fail-open is not accepted.
pub const SV_FAIL_OPEN_REJECT: i32 = 1;

/// Options for a client. Create with `sv_client_builder_new`, free with
/// `sv_client_builder_free`; building does not consume it.
pub struct sv_client_builder {
    pub(crate) inner: ClientBuilder,
}

/// Per-call options (remote IP, email). Free with `sv_verify_options_free`.
#[derive(Default)]
pub struct sv_verify_options {
    pub(crate) inner: core_api::VerifyOptions,
}

/// # Safety
/// `b` is NULL or a live builder not used concurrently.
pub(crate) unsafe fn builder<'a>(b: *mut sv_client_builder) -> Result<&'a mut ClientBuilder, Fail> {
    b.as_mut().map(|b| &mut b.inner).ok_or_else(|| null("builder"))
}

/// Creates a builder for `provider` (`SV_PROVIDER_*`) with every default.
/// An unknown provider number is `SV_CONFIGURATION`.
#[no_mangle]
pub extern "C" fn sv_client_builder_new(provider: i32, builder_out: *mut *mut sv_client_builder) -> sv_status {
    guard(std::ptr::null_mut(), || {
        if builder_out.is_null() {
            return Err(null("builder_out"));
        }
        let provider = match provider {
            SV_PROVIDER_PROSOPO => Provider::Prosopo,
            SV_PROVIDER_GATEKEEPER => Provider::GateKeeper,
            _ => return Err((SV_CONFIGURATION, "unknown provider".into())),
        };
        let b = Box::new(sv_client_builder {
            inner: ClientBuilder::new(provider),
        });
        // SAFETY: checked non-NULL above; the caller provides a writable pointer.
        unsafe { write_out(builder_out, Box::into_raw(b)) };
        Ok(())
    })
}

/// Creates a builder for the provider named `provider` (`"prosopo"`,
/// `"gatekeeper"`, ...: the core's names), with every default. Bindings use
/// this so that a provider the core adds needs no new constant. An unknown
/// name is `SV_CONFIGURATION`; the message never echoes it.
#[no_mangle]
pub extern "C" fn sv_client_builder_new_named(
    provider: *const c_char,
    builder_out: *mut *mut sv_client_builder,
    err_out: *mut *mut sv_error,
) -> sv_status {
    guard(err_out, || {
        if builder_out.is_null() {
            return Err(null("builder_out"));
        }
        // SAFETY: a NUL-terminated string per the API contract (NULL is reported).
        let name = unsafe { config_str_arg(provider, "provider")? };
        let provider: Provider = name.parse().map_err(crate::boundary::core_fail)?;
        let b = Box::new(sv_client_builder {
            inner: ClientBuilder::new(provider),
        });
        // SAFETY: checked non-NULL above; the caller provides a writable pointer.
        unsafe { write_out(builder_out, Box::into_raw(b)) };
        Ok(())
    })
}

/// Frees a builder. NULL is a no-op.
#[no_mangle]
pub extern "C" fn sv_client_builder_free(builder: *mut sv_client_builder) {
    if !builder.is_null() {
        // SAFETY: from Box::into_raw in sv_client_builder_new, freed once.
        crate::boundary::guard_value((), || drop(unsafe { Box::from_raw(builder) }));
    }
}

/// Applies a string option.
fn set_str(
    builder: *mut sv_client_builder,
    value: *const c_char,
    what: &str,
    apply: impl FnOnce(&mut ClientBuilder, &str),
) -> sv_status {
    guard(std::ptr::null_mut(), || {
        // SAFETY: builder and value follow the API contract (NULL is reported).
        let b = unsafe { self::builder(builder)? };
        apply(b, unsafe { config_str_arg(value, what)? });
        Ok(())
    })
}

/// Applies a millisecond option.
fn set_millis(
    builder: *mut sv_client_builder,
    millis: u64,
    apply: impl FnOnce(&mut ClientBuilder, Duration),
) -> sv_status {
    guard(std::ptr::null_mut(), || {
        // SAFETY: builder follows the API contract (NULL is reported).
        apply(unsafe { self::builder(builder)? }, Duration::from_millis(millis));
        Ok(())
    })
}

/// The secret key (required). Copied; zeroized inside the library when freed.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_secret(builder: *mut sv_client_builder, secret: *const c_char) -> sv_status {
    set_str(builder, secret, "secret", |b, v| {
        b.secret(v);
    })
}

/// A custom verify URL (https, or http to loopback). Excludes a region.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_endpoint(
    builder: *mut sv_client_builder,
    endpoint: *const c_char,
) -> sv_status {
    set_str(builder, endpoint, "endpoint", |b, v| {
        b.endpoint(v);
    })
}

/// A regional endpoint: Prosopo "eu", "us" or "global".
#[no_mangle]
pub extern "C" fn sv_client_builder_set_region(builder: *mut sv_client_builder, region: *const c_char) -> sv_status {
    set_str(builder, region, "region", |b, v| {
        b.region(v);
    })
}

/// Adds an accepted hostname (exact, case-insensitive).
#[no_mangle]
pub extern "C" fn sv_client_builder_add_expected_hostname(
    builder: *mut sv_client_builder,
    hostname: *const c_char,
) -> sv_status {
    set_str(builder, hostname, "hostname", |b, v| {
        b.expected_hostname(v);
    })
}

/// Adds an accepted action (exact, case-sensitive).
#[no_mangle]
pub extern "C" fn sv_client_builder_add_expected_action(
    builder: *mut sv_client_builder,
    action: *const c_char,
) -> sv_status {
    set_str(builder, action, "action", |b, v| {
        b.expected_action(v);
    })
}

/// An explicit proxy URL; without it HTTPS_PROXY/NO_PROXY apply. Refused at build
/// with a plain-HTTP endpoint, and environment proxies never apply to one
/// (a proxy would see the secret).
#[no_mangle]
pub extern "C" fn sv_client_builder_set_proxy(builder: *mut sv_client_builder, proxy: *const c_char) -> sv_status {
    set_str(builder, proxy, "proxy", |b, v| {
        b.proxy(v);
    })
}

/// Trusts the CA certificates in this PEM text too.
#[no_mangle]
pub extern "C" fn sv_client_builder_add_ca_pem(builder: *mut sv_client_builder, pem: *const c_char) -> sv_status {
    set_str(builder, pem, "pem", |b, v| {
        b.ca_pem(v);
    })
}

/// Trusts the CA certificates in this PEM file too (read at build).
#[no_mangle]
pub extern "C" fn sv_client_builder_add_ca_file(builder: *mut sv_client_builder, path: *const c_char) -> sv_status {
    set_str(builder, path, "path", |b, v| {
        b.ca_file(v);
    })
}

/// Total deadline per verification, retries included (default 10000).
#[no_mangle]
pub extern "C" fn sv_client_builder_set_timeout_ms(builder: *mut sv_client_builder, millis: u64) -> sv_status {
    set_millis(builder, millis, |b, d| {
        b.timeout(d);
    })
}

/// Connect timeout (default 3000).
#[no_mangle]
pub extern "C" fn sv_client_builder_set_connect_timeout_ms(builder: *mut sv_client_builder, millis: u64) -> sv_status {
    set_millis(builder, millis, |b, d| {
        b.connect_timeout(d);
    })
}

/// Per-attempt timeout (default 6000, capped by the total deadline).
#[no_mangle]
pub extern "C" fn sv_client_builder_set_attempt_timeout_ms(builder: *mut sv_client_builder, millis: u64) -> sv_status {
    set_millis(builder, millis, |b, d| {
        b.attempt_timeout(d);
    })
}

/// Retries after the first attempt, on connect errors, timeouts, 5xx and 429 only (default 2).
#[no_mangle]
pub extern "C" fn sv_client_builder_set_max_retries(builder: *mut sv_client_builder, retries: u32) -> sv_status {
    guard(std::ptr::null_mut(), || {
        // SAFETY: API contract.
        unsafe { self::builder(builder)? }.max_retries(retries);
        Ok(())
    })
}

/// Backoff: first ceiling and cap in milliseconds (defaults 200 and 2000; full jitter).
#[no_mangle]
pub extern "C" fn sv_client_builder_set_retry_backoff_ms(
    builder: *mut sv_client_builder,
    base_ms: u64,
    max_ms: u64,
) -> sv_status {
    guard(std::ptr::null_mut(), || {
        // SAFETY: API contract.
        unsafe { self::builder(builder)? }.retry_backoff(Duration::from_millis(base_ms), Duration::from_millis(max_ms));
        Ok(())
    })
}

/// Rejects scores above `threshold` (0 = human, 1 = bot), and missing scores.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_score_threshold(builder: *mut sv_client_builder, threshold: f64) -> sv_status {
    guard(std::ptr::null_mut(), || {
        // SAFETY: API contract.
        unsafe { self::builder(builder)? }.score_threshold(threshold);
        Ok(())
    })
}

/// Rejects challenges solved more than `seconds` ago.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_max_age_seconds(builder: *mut sv_client_builder, seconds: u64) -> sv_status {
    guard(std::ptr::null_mut(), || {
        // SAFETY: API contract.
        unsafe { self::builder(builder)? }.max_age(Duration::from_secs(seconds));
        Ok(())
    })
}

/// `SV_FAIL_MODE_CLOSED` (default) or `SV_FAIL_MODE_OPEN`; another number is `SV_CONFIGURATION`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_fail_mode(builder: *mut sv_client_builder, mode: i32) -> sv_status {
    guard(std::ptr::null_mut(), || {
        // SAFETY: API contract.
        let b = unsafe { self::builder(builder)? };
        b.fail_mode(match mode {
            SV_FAIL_MODE_CLOSED => FailMode::Closed,
            SV_FAIL_MODE_OPEN => FailMode::Open,
            _ => return Err((SV_CONFIGURATION, "unknown fail mode".into())),
        });
        Ok(())
    })
}

/// `SV_FAIL_OPEN_ACCEPT` or `SV_FAIL_OPEN_REJECT`; another number is `SV_CONFIGURATION`.
/// Unset, a suspected provider fail-open follows the fail mode.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_on_fail_open(builder: *mut sv_client_builder, policy: i32) -> sv_status {
    guard(std::ptr::null_mut(), || {
        // SAFETY: API contract.
        let b = unsafe { self::builder(builder)? };
        b.on_fail_open(match policy {
            SV_FAIL_OPEN_ACCEPT => FailOpenPolicy::Accept,
            SV_FAIL_OPEN_REJECT => FailOpenPolicy::Reject,
            _ => return Err((SV_CONFIGURATION, "unknown fail-open policy".into())),
        });
        Ok(())
    })
}

/// Allows a plain-HTTP endpoint that is not loopback (the secret travels in the clear).
#[no_mangle]
pub extern "C" fn sv_client_builder_set_allow_http(builder: *mut sv_client_builder, allow: bool) -> sv_status {
    guard(std::ptr::null_mut(), || {
        // SAFETY: API contract.
        unsafe { self::builder(builder)? }.allow_http(allow);
        Ok(())
    })
}

/// Creates empty per-call options.
#[no_mangle]
pub extern "C" fn sv_verify_options_new(options_out: *mut *mut sv_verify_options) -> sv_status {
    guard(std::ptr::null_mut(), || {
        if options_out.is_null() {
            return Err(null("options_out"));
        }
        // SAFETY: checked non-NULL.
        unsafe { write_out(options_out, Box::into_raw(Box::<sv_verify_options>::default())) };
        Ok(())
    })
}

/// Frees options. NULL is a no-op.
#[no_mangle]
pub extern "C" fn sv_verify_options_free(options: *mut sv_verify_options) {
    if !options.is_null() {
        // SAFETY: from Box::into_raw in sv_verify_options_new, freed once.
        crate::boundary::guard_value((), || drop(unsafe { Box::from_raw(options) }));
    }
}

/// The end user's IP address (validated when verifying).
#[no_mangle]
pub extern "C" fn sv_verify_options_set_remote_ip(options: *mut sv_verify_options, ip: *const c_char) -> sv_status {
    guard(std::ptr::null_mut(), || {
        // SAFETY: API contract.
        let o = unsafe { options.as_mut() }.ok_or_else(|| null("options"))?;
        o.inner.remote_ip = Some(unsafe { str_arg(ip, "remote_ip")? }.to_string());
        Ok(())
    })
}

/// The end user's email or domain (Prosopo only; only the domain is sent).
#[no_mangle]
pub extern "C" fn sv_verify_options_set_email(options: *mut sv_verify_options, email: *const c_char) -> sv_status {
    guard(std::ptr::null_mut(), || {
        // SAFETY: API contract.
        let o = unsafe { options.as_mut() }.ok_or_else(|| null("options"))?;
        o.inner.email = Some(unsafe { str_arg(email, "email")? }.to_string());
        Ok(())
    })
}

/// Called after every verification with one JSON object: the outcome's fields
/// plus `provider`, `latency` (milliseconds), `token_fingerprint` (8 hex
/// digits of the token's SHA-256; never the token or the secret) and `level`,
/// the level to log it at as the core decides it (`"debug"`, `"info"` or
/// `"warn"`, as `sv_outcome_event_level`). The string is valid only during
/// the call. It runs on the verifying thread, after the verdict is final:
/// keep it quick, and do not call blocking siteverify functions from it.
pub type sv_event_callback = Option<unsafe extern "C" fn(userdata: *mut c_void, event_json: *const c_char)>;

/// The userdata travels to whichever thread verifies; the caller promised
/// that is fine by setting the callback.
struct EventUserData(*mut c_void);
// SAFETY: documented contract of sv_client_builder_set_event_callback.
unsafe impl Send for EventUserData {}
unsafe impl Sync for EventUserData {}

impl EventUserData {
    /// A method, so that closures capture the whole (Send) wrapper, not its raw field.
    fn get(&self) -> *mut c_void {
        self.0
    }
}

/// Sets the event callback (NULL `callback` removes it). `userdata` must be
/// usable from any thread and outlive every client built from this builder.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_event_callback(
    builder: *mut sv_client_builder,
    callback: sv_event_callback,
    userdata: *mut c_void,
) -> sv_status {
    guard(std::ptr::null_mut(), || {
        // SAFETY: API contract (NULL is reported).
        let b = unsafe { self::builder(builder)? };
        match callback {
            None => b.clear_on_event(),
            Some(callback) => {
                let userdata = EventUserData(userdata);
                b.on_event(move |event| {
                    let json = crate::boundary::c_string(&event.to_json());
                    // SAFETY: the caller supplied a valid function pointer.
                    unsafe { callback(userdata.get(), json.as_ptr()) };
                })
            }
        };
        Ok(())
    })
}
