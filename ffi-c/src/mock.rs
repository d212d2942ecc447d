//! `sv_mock`: the mock provider in-process, for the tests of an application
//! that uses siteverify: start it, point a client at `sv_mock_endpoint`, use
//! scenario tokens (`pass`, `fail`, `expired`, ...: see the mock's README),
//! free it. It listens on an ephemeral loopback port and serves every
//! provider and scenario the standalone `siteverify mock` serves.

use std::ffi::{c_char, CString};

use siteverify_mock::{MockConfig, MockServer, TlsOptions};

use crate::boundary::{c_string, guard, guard_value, null, str_arg, write_out};
use crate::error::sv_error;
use crate::status::*;

/// A running mock provider. Stop and free it with `sv_mock_free`.
pub struct sv_mock {
    server: MockServer,
    url: CString,
    ca_pem: Option<CString>,
    /// Endpoints handed out, kept alive until the mock is freed.
    endpoints: std::sync::Mutex<Vec<CString>>,
}

/// Starts a mock provider. `secret` is the secret it accepts (NULL: the
/// default `mock-secret`); `tls` serves HTTPS with a CA generated now (give
/// `sv_mock_ca_pem` to the client as an extra CA). On error `*mock_out` is
/// untouched.
#[no_mangle]
pub extern "C" fn sv_mock_start(
    secret: *const c_char,
    tls: bool,
    mock_out: *mut *mut sv_mock,
    err_out: *mut *mut sv_error,
) -> sv_status {
    guard(err_out, || {
        if mock_out.is_null() {
            return Err(null("mock_out"));
        }
        let mut config = MockConfig::default();
        if !secret.is_null() {
            // SAFETY: a NUL-terminated string per the API contract.
            config.secrets = vec![unsafe { str_arg(secret, "secret")? }.to_string()];
        }
        let started = if tls {
            MockServer::start_tls(config, TlsOptions::default())
        } else {
            MockServer::start(config)
        };
        // The OS error says what failed (no port, no thread); it holds no secret.
        let server = started.map_err(|e| (SV_INTERNAL, format!("cannot start the mock provider: {e}")))?;
        let mock = Box::new(sv_mock {
            url: c_string(&server.url()),
            ca_pem: server.ca_pem().map(c_string),
            endpoints: Default::default(),
            server,
        });
        // SAFETY: checked non-NULL above.
        unsafe { write_out(mock_out, Box::into_raw(mock)) };
        Ok(())
    })
}

/// The mock's base URL (`http://127.0.0.1:PORT`), valid until `sv_mock_free`.
#[no_mangle]
pub extern "C" fn sv_mock_url(mock: *const sv_mock) -> *const c_char {
    // SAFETY: NULL or a live sv_mock, per the API contract.
    guard_value(std::ptr::null(), || {
        unsafe { mock.as_ref() }.map_or(std::ptr::null(), |m| m.url.as_ptr())
    })
}

/// The verify URL for the provider named `provider` (`"prosopo"`,
/// `"gatekeeper"`, ...), valid until `sv_mock_free`; NULL for an unknown name.
#[no_mangle]
pub extern "C" fn sv_mock_endpoint(mock: *const sv_mock, provider: *const c_char) -> *const c_char {
    guard_value(std::ptr::null(), || {
        // SAFETY: NULL or live pointers, per the API contract.
        let (Some(m), false) = (unsafe { mock.as_ref() }, provider.is_null()) else {
            return std::ptr::null();
        };
        let name = unsafe { std::ffi::CStr::from_ptr(provider) }.to_string_lossy();
        let Some(url) = m.server.endpoint(&name) else {
            return std::ptr::null();
        };
        let url = c_string(&url);
        let ptr = url.as_ptr();
        // The CString's heap buffer does not move when the Vec grows.
        m.endpoints.lock().unwrap_or_else(|p| p.into_inner()).push(url);
        ptr
    })
}

/// HTTPS mode: the CA certificate (PEM) to trust; NULL in plain mode.
#[no_mangle]
pub extern "C" fn sv_mock_ca_pem(mock: *const sv_mock) -> *const c_char {
    // SAFETY: NULL or a live sv_mock, per the API contract.
    guard_value(std::ptr::null(), || {
        unsafe { mock.as_ref() }
            .and_then(|m| m.ca_pem.as_ref())
            .map_or(std::ptr::null(), |p| p.as_ptr())
    })
}

/// Requests the mock has served so far (to assert that nothing was sent).
#[no_mangle]
pub extern "C" fn sv_mock_requests(mock: *const sv_mock) -> u64 {
    // SAFETY: NULL or a live sv_mock, per the API contract.
    guard_value(0, || unsafe { mock.as_ref() }.map_or(0, |m| m.server.stats().requests))
}

/// Stops the mock and frees it. NULL is a no-op.
#[no_mangle]
pub extern "C" fn sv_mock_free(mock: *mut sv_mock) {
    if !mock.is_null() {
        // SAFETY: from Box::into_raw in sv_mock_start, freed once.
        guard_value((), || drop(unsafe { Box::from_raw(mock) }));
    }
}
