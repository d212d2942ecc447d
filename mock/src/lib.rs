//! A loopback mock of the verify APIs of Prosopo (`/siteverify`), GateKeeper
//! (`/api/v1/token/verify`), Turnstile, hCaptcha, reCAPTCHA v2/v3, reCAPTCHA
//! Enterprise, Friendly Captcha v2 and Yandex SmartCaptcha (paths below).
//!
//! It checks requests the way the providers document (content type, where the
//! secret goes, body schema, secret) and answers according to the scenario
//! token the client sends; see the crate README for the list.
//!
//! Layout: `server` listens (plain, TLS, HTTP/2 through `tls`/`h2`/`http`),
//! `route` sends a verify path to its provider's contract check in `provider/`
//! (one module per provider, as in the core), then to `scenario`, which picks
//! the answer the provider module shapes; `state` and `stats` are what the
//! server keeps between requests, `dates` formats their timestamps.

mod dates;
mod h2;
mod http;
mod provider;
mod route;
pub mod scenario;
mod server;
mod state;
mod stats;
mod tls;

pub use crate::provider::{
    path_for, DEFAULT_SITE_KEY, FRIENDLY_PATH, GATEKEEPER_PATH, HCAPTCHA_PATH, HCAPTCHA_TEST_SECRET,
    HCAPTCHA_TEST_SITE_KEY, HCAPTCHA_TEST_TOKEN, PROSOPO_PATH, RECAPTCHA_ENTERPRISE_PATH, RECAPTCHA_PATH,
    RECAPTCHA_TEST_SECRET, TURNSTILE_DUMMY_TOKEN, TURNSTILE_FAIL_SECRET, TURNSTILE_PASS_SECRET, TURNSTILE_PATH,
    TURNSTILE_SPENT_SECRET, YANDEX_PATH,
};
pub use crate::server::{run_printing_url, run_printing_url_tls, serve, serve_tls, MockServer};
pub use crate::stats::MockStats;
pub use crate::tls::{TlsOptions, WRONG_HOSTNAME};

/// The secret the mock accepts when none is configured.
pub const DEFAULT_SECRET: &str = "mock-secret";

/// Mock configuration.
#[derive(Clone, Debug)]
pub struct MockConfig {
    /// Secrets accepted by both APIs (default: [`DEFAULT_SECRET`]).
    pub secrets: Vec<String>,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            secrets: vec![DEFAULT_SECRET.to_string()],
        }
    }
}
