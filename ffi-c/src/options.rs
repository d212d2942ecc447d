//! The generic option setters: one per value type, by the core's option name
//! (see `OPTIONS` in the core and the option table in include/README.md).
//! The core validates and converts; a mistake is `SV_CONFIGURATION` with a
//! message that names the option and never echoes the value. Bindings pass
//! every option through these; the typed setters of builder.rs, generated
//! from the same table (one per option), are conveniences for C.

use std::ffi::c_char;

use core_api::OptionValue;

use crate::boundary::{config_str_arg, core_fail, guard};
use crate::builder::{builder, sv_client_builder};
use crate::error::sv_error;
use crate::status::sv_status;

fn set(
    b: *mut sv_client_builder,
    name: *const c_char,
    err_out: *mut *mut sv_error,
    value: OptionValue<'static>,
) -> sv_status {
    guard(err_out, || {
        // SAFETY: builder and name follow the API contract (NULL is reported).
        let b = unsafe { builder(b)? };
        let name = unsafe { config_str_arg(name, "name")? };
        b.set_option(name, value).map_err(core_fail)?;
        Ok(())
    })
}

/// Sets a text, list (adds one element) or choice option, e.g. `"fail_mode"` to `"open"`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_option_str(
    builder: *mut sv_client_builder,
    name: *const c_char,
    value: *const c_char,
    err_out: *mut *mut sv_error,
) -> sv_status {
    guard(err_out, || {
        // SAFETY: API contract (NULL is reported).
        let b = unsafe { self::builder(builder)? };
        let name = unsafe { config_str_arg(name, "name")? };
        let value = unsafe { config_str_arg(value, "value")? };
        b.set_option(name, OptionValue::Text(value)).map_err(core_fail)?;
        Ok(())
    })
}

/// Sets a boolean option, e.g. `"allow_http"`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_option_bool(
    builder: *mut sv_client_builder,
    name: *const c_char,
    value: bool,
    err_out: *mut *mut sv_error,
) -> sv_status {
    set(builder, name, err_out, OptionValue::Bool(value))
}

/// Sets a whole-number option, e.g. `"max_retries"`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_option_i64(
    builder: *mut sv_client_builder,
    name: *const c_char,
    value: i64,
    err_out: *mut *mut sv_error,
) -> sv_status {
    set(builder, name, err_out, OptionValue::Int(value))
}

/// Sets a number option, e.g. `"score_threshold"`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_option_f64(
    builder: *mut sv_client_builder,
    name: *const c_char,
    value: f64,
    err_out: *mut *mut sv_error,
) -> sv_status {
    set(builder, name, err_out, OptionValue::Float(value))
}

/// Sets a duration option in milliseconds, e.g. `"timeout"`; negative is `SV_CONFIGURATION`.
#[no_mangle]
pub extern "C" fn sv_client_builder_set_option_millis(
    builder: *mut sv_client_builder,
    name: *const c_char,
    millis: f64,
    err_out: *mut *mut sv_error,
) -> sv_status {
    set(builder, name, err_out, OptionValue::Millis(millis))
}
