//! `sv_client_builder` and `sv_verify_options`: mutable option sets.
//!
//! Builders are not thread-safe: use one from one thread at a time. Setters
//! copy their arguments; the caller keeps ownership of what it passed.

use std::ffi::{c_char, c_void};
use std::time::Duration;

use core_api::{ClientBuilder, OptionValue, Provider};

use crate::boundary::{config_str_arg, core_fail, guard, null, str_arg, write_out, Fail};
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

/// Hands a typed setter's string to the core's generic setter.
fn set_text(builder: *mut sv_client_builder, name: &str, value: *const c_char) -> sv_status {
    guard(std::ptr::null_mut(), || {
        // SAFETY: builder and value follow the API contract (NULL is reported).
        let b = unsafe { self::builder(builder)? };
        let value = unsafe { config_str_arg(value, name)? };
        b.set_option(name, OptionValue::Text(value)).map_err(core_fail)?;
        Ok(())
    })
}

/// Hands a typed setter's value to the core's generic setter.
fn set_value(builder: *mut sv_client_builder, name: &str, value: OptionValue<'_>) -> sv_status {
    guard(std::ptr::null_mut(), || {
        // SAFETY: builder follows the API contract (NULL is reported).
        unsafe { self::builder(builder)? }
            .set_option(name, value)
            .map_err(core_fail)?;
        Ok(())
    })
}

/// Hands the word of a choice option's constant to the core's generic
/// setter; `None` (a number that is no constant) is `SV_CONFIGURATION`.
fn set_word(builder: *mut sv_client_builder, name: &str, word: Option<&str>) -> sv_status {
    guard(std::ptr::null_mut(), || {
        // SAFETY: builder follows the API contract (NULL is reported).
        let b = unsafe { self::builder(builder)? };
        let word = word.ok_or_else(|| (SV_CONFIGURATION, format!("unknown {name} number")))?;
        b.set_option(name, OptionValue::Text(word)).map_err(core_fail)?;
        Ok(())
    })
}

// The typed setters: one per option of the core, each handing its value to
// the core's generic setter (as `sv_client_builder_set_option_*` do), so the
// core validates it. Generated from the core's `OPTIONS` (vocab/src/c.rs
// states how an option is spelled here).
//
// BEGIN GENERATED c-setters (siteverify-vocab; edit core/, then `make vocab`)
/// The secret key. Read it from the environment or a secret store, never from code. Required.
/// Copied; zeroized inside the library when freed. Core option `secret`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_secret(builder: *mut sv_client_builder, secret: *const c_char) -> sv_status {
    set_text(builder, "secret", secret)
}

/// The site key tokens must belong to: hCaptcha and Friendly (optional, recommended), reCAPTCHA
/// Enterprise (required); refused by the other providers. Default: none. Core option `site_key`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_site_key(
    builder: *mut sv_client_builder,
    site_key: *const c_char,
) -> sv_status {
    set_text(builder, "site_key", site_key)
}

/// The Google Cloud project ID (reCAPTCHA Enterprise only, required). Default: none. Core option
/// `project_id`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_project_id(
    builder: *mut sv_client_builder,
    project_id: *const c_char,
) -> sv_status {
    set_text(builder, "project_id", project_id)
}

/// A custom verify URL, path included (HTTPS, or plain HTTP to loopback). Excludes `region`.
/// Default: the provider's. Core option `endpoint`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_endpoint(
    builder: *mut sv_client_builder,
    endpoint: *const c_char,
) -> sv_status {
    set_text(builder, "endpoint", endpoint)
}

/// A regional endpoint: Prosopo `eu`, `us` or `global`; Friendly `eu` or `global`. Default: global.
/// Core option `region`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_region(builder: *mut sv_client_builder, region: *const c_char) -> sv_status {
    set_text(builder, "region", region)
}

/// Total deadline for one verification, retries included (at most 300 s). In milliseconds. Default:
/// 10 s. Core option `timeout`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_timeout_ms(builder: *mut sv_client_builder, millis: u64) -> sv_status {
    set_value(builder, "timeout", OptionValue::Millis(millis as f64))
}

/// TCP and TLS connect timeout. In milliseconds. Default: 3 s. Core option `connect_timeout`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_connect_timeout_ms(builder: *mut sv_client_builder, millis: u64) -> sv_status {
    set_value(builder, "connect_timeout", OptionValue::Millis(millis as f64))
}

/// Timeout of a single attempt, capped by the total deadline. In milliseconds. Default: 6 s. Core
/// option `attempt_timeout`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_attempt_timeout_ms(builder: *mut sv_client_builder, millis: u64) -> sv_status {
    set_value(builder, "attempt_timeout", OptionValue::Millis(millis as f64))
}

/// Retries after the first attempt, on connect errors, timeouts, 5xx and 429 only (at most 10).
/// Default: 2. Core option `max_retries`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_max_retries(builder: *mut sv_client_builder, max_retries: u32) -> sv_status {
    set_value(builder, "max_retries", OptionValue::Int(i64::from(max_retries)))
}

/// Backoff ceiling of the first retry; doubles per retry, full jitter. In milliseconds. Default:
/// 200 ms. Core option `retry_base_delay`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_retry_base_delay_ms(builder: *mut sv_client_builder, millis: u64) -> sv_status {
    set_value(builder, "retry_base_delay", OptionValue::Millis(millis as f64))
}

/// Backoff cap, at least `retry_base_delay`. In milliseconds. Default: 2 s. Core option
/// `retry_max_delay`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_retry_max_delay_ms(builder: *mut sv_client_builder, millis: u64) -> sv_status {
    set_value(builder, "retry_max_delay", OptionValue::Millis(millis as f64))
}

/// Accepted hostnames (exact, case-insensitive); any one passes. Refused by a provider that reports
/// no hostname. Default: none. Adds one per call. Core option `expected_hostnames`.
#[no_mangle]
pub extern "C" fn sv_client_builder_add_expected_hostname(
    builder: *mut sv_client_builder,
    expected_hostname: *const c_char,
) -> sv_status {
    set_text(builder, "expected_hostnames", expected_hostname)
}

/// Accepted actions (exact, case-sensitive); any one passes. Refused by a provider that reports no
/// action. Default: none. Adds one per call. Core option `expected_actions`.
#[no_mangle]
pub extern "C" fn sv_client_builder_add_expected_action(
    builder: *mut sv_client_builder,
    expected_action: *const c_char,
) -> sv_status {
    set_text(builder, "expected_actions", expected_action)
}

/// Reject scores above this (0 = human, 1 = bot); a missing score is rejected too. Refused by a
/// provider that reports no score. Default: none. Core option `score_threshold`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_score_threshold(
    builder: *mut sv_client_builder,
    score_threshold: f64,
) -> sv_status {
    set_value(builder, "score_threshold", OptionValue::Float(score_threshold))
}

/// Reject challenges solved longer ago than this. Refused by a provider that reports no timestamp.
/// In seconds. Default: none. Core option `max_age`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_max_age_seconds(builder: *mut sv_client_builder, seconds: u64) -> sv_status {
    set_value(builder, "max_age", OptionValue::Seconds(seconds as f64))
}

/// What an inconclusive outcome becomes; `open` accepts one only during a confirmed outage.
/// Default: closed. One of `SV_FAIL_MODE_CLOSED`, `SV_FAIL_MODE_OPEN`; another number is
/// `SV_CONFIGURATION`. Core option `fail_mode`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_fail_mode(builder: *mut sv_client_builder, fail_mode: i32) -> sv_status {
    let word = match fail_mode {
        SV_FAIL_MODE_CLOSED => Some("closed"),
        SV_FAIL_MODE_OPEN => Some("open"),
        _ => None,
    };
    set_word(builder, "fail_mode", word)
}

/// What a suspected provider fail-open counts as; unset, rejected under `closed`, accepted under
/// `open`. Default: follows fail_mode. One of `SV_FAIL_OPEN_ACCEPT`, `SV_FAIL_OPEN_REJECT`; another
/// number is `SV_CONFIGURATION`. Core option `on_fail_open`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_on_fail_open(builder: *mut sv_client_builder, on_fail_open: i32) -> sv_status {
    let word = match on_fail_open {
        SV_FAIL_OPEN_ACCEPT => Some("accept"),
        SV_FAIL_OPEN_REJECT => Some("reject"),
        _ => None,
    };
    set_word(builder, "on_fail_open", word)
}

/// A proxy URL: `http://`, `https://`, `socks5://` or `socks5h://`. Refused with a plain-HTTP
/// endpoint (the proxy would see the secret). Default: HTTPS_PROXY / ALL_PROXY / NO_PROXY. Core
/// option `proxy`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_proxy(builder: *mut sv_client_builder, proxy: *const c_char) -> sv_status {
    set_text(builder, "proxy", proxy)
}

/// Extra trusted CA certificates, as PEM text, besides the system store. Default: none. Adds one
/// per call. Core option `ca_pems`.
#[no_mangle]
pub extern "C" fn sv_client_builder_add_ca_pem(builder: *mut sv_client_builder, ca_pem: *const c_char) -> sv_status {
    set_text(builder, "ca_pems", ca_pem)
}

/// Extra trusted CA certificates, as PEM files read at build time. Default: none. Adds one per
/// call. Core option `ca_files`.
#[no_mangle]
pub extern "C" fn sv_client_builder_add_ca_file(builder: *mut sv_client_builder, ca_file: *const c_char) -> sv_status {
    set_text(builder, "ca_files", ca_file)
}

/// Allow a plain-HTTP endpoint that is not loopback (the secret then travels in the clear).
/// Default: false. Core option `allow_http`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_allow_http(builder: *mut sv_client_builder, allow_http: bool) -> sv_status {
    set_value(builder, "allow_http", OptionValue::Bool(allow_http))
}
// END GENERATED c-setters

/// Backoff: first ceiling and cap in milliseconds (defaults 200 and 2000; full jitter):
/// `sv_client_builder_set_retry_base_delay_ms` and `sv_client_builder_set_retry_max_delay_ms` at once.
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
