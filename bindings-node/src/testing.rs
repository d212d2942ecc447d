//! Test support for users' tests: the `siteverify-mock` crate's `MockServer`
//! (the mock provider on its own native threads, in this process), behind
//! `siteverify/testing`'s `MockProvider` (`testing.js`, typed by
//! `testing.d.ts`). Internal functions, absent from `index.d.ts`.

use std::sync::Mutex;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use siteverify_mock::{MockConfig, MockServer, MockStats, TlsOptions};

use crate::errors::{js_error, Failure};

/// One mock: serving until closed (or garbage-collected).
pub struct Mock {
    url: String,
    ca_pem: Option<String>,
    /// `None` once closed.
    server: Mutex<Option<MockServer>>,
    /// The counters at close, readable afterwards.
    last: Mutex<MockStats>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Starts a mock accepting `secrets`; over HTTPS with a CA generated now
/// when `tls` (`wrong_hostname`: a certificate for another name, same CA).
#[napi(js_name = "_testingMockStart", skip_typescript, catch_unwind)]
pub fn testing_mock_start(env: Env, secrets: Vec<String>, tls: bool, wrong_hostname: bool) -> Result<External<Mock>> {
    if secrets.is_empty() {
        return Err(js_error(
            &env,
            &Failure::invalid_argument("the mock needs at least one secret"),
        ));
    }
    if wrong_hostname && !tls {
        return Err(js_error(
            &env,
            &Failure::invalid_argument("wrongHostname needs tls: true"),
        ));
    }
    let config = MockConfig { secrets };
    let started = if tls {
        MockServer::start_tls(config, TlsOptions { wrong_hostname })
    } else {
        MockServer::start(config)
    };
    let server =
        started.map_err(|e| Error::new(Status::GenericFailure, format!("cannot start the mock provider: {e}")))?;
    Ok(External::new(Mock {
        url: server.url(),
        ca_pem: server.ca_pem().map(str::to_owned),
        server: Mutex::new(Some(server)),
        last: Mutex::new(MockStats::default()),
    }))
}

/// `http://127.0.0.1:PORT` (`https://` with TLS).
#[napi(js_name = "_testingMockUrl", skip_typescript)]
pub fn testing_mock_url(mock: &External<Mock>) -> String {
    mock.url.clone()
}

/// With TLS, the CA certificate (PEM); otherwise `null`.
#[napi(js_name = "_testingMockCaPem", skip_typescript)]
pub fn testing_mock_ca_pem(mock: &External<Mock>) -> Option<String> {
    mock.ca_pem.clone()
}

/// The verify URL of the provider named `provider`, or `null` for a name the mock does not serve.
#[napi(js_name = "_testingMockEndpoint", skip_typescript)]
pub fn testing_mock_endpoint(mock: &External<Mock>, provider: String) -> Option<String> {
    siteverify_mock::path_for(&provider).map(|path| format!("{}{path}", mock.url))
}

/// The mock's counters (after close, as they were then).
#[napi(js_name = "_testingMockStats", skip_typescript)]
pub fn testing_mock_stats(mock: &External<Mock>) -> std::collections::BTreeMap<String, i64> {
    let s = match &*lock(&mock.server) {
        Some(server) => server.stats(),
        None => lock(&mock.last).clone(),
    };
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    [
        ("connections", s.connections),
        ("requests", s.requests),
        ("captured", s.captured),
        ("tlsHandshakes", s.tls_handshakes),
        ("tlsResumed", s.tls_resumed),
        ("tlsFailed", s.tls_failed),
        ("h2Connections", s.h2_connections),
        ("h2Requests", s.h2_requests),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), n(v)))
    .collect()
}

/// Stops serving (idempotent); open connections are dropped.
#[napi(js_name = "_testingMockClose", skip_typescript)]
pub fn testing_mock_close(mock: &External<Mock>) {
    if let Some(server) = lock(&mock.server).take() {
        *lock(&mock.last) = server.stats();
        drop(server);
    }
}

/// Serving (not closed yet).
#[napi(js_name = "_testingMockRunning", skip_typescript)]
pub fn testing_mock_running(mock: &External<Mock>) -> bool {
    lock(&mock.server).is_some()
}
