//! Server-side CAPTCHA verification for Prosopo Procaptcha, GateKeeper
//! gkCAPTCHA, Cloudflare Turnstile, hCaptcha, Google reCAPTCHA (v2, v3 and
//! Enterprise), Friendly Captcha and Yandex SmartCaptcha, with one verdict
//! model for every language binding.
//!
//! ```no_run
//! use siteverify::{Client, Provider, VerifyOptions};
//! # async fn handler(form_token: &str) -> Result<bool, siteverify::Error> {
//! let client = Client::builder(Provider::GateKeeper)
//!     .secret(std::env::var("GKCAPTCHA_SECRET_KEY").unwrap())
//!     .expected_hostname("example.com")
//!     .build()?;
//! let outcome = client.verify(form_token, &VerifyOptions::default()).await?;
//! if !outcome.accepted {
//!     eprintln!("captcha rejected: {}", outcome.reason);
//! }
//! Ok(outcome.accepted)
//! # }
//! ```
//!
//! TLS: the provider's certificate is checked against the system trust store
//! (`SSL_CERT_FILE`/`SSL_CERT_DIR` honoured; the bundled Mozilla roots if the
//! store is empty or unreadable) plus any [`ClientBuilder::ca_pem`] /
//! [`ClientBuilder::ca_file`]. A certificate or handshake failure is
//! [`Reason::TlsFailure`]: one attempt, never accepted in any fail mode.

#![deny(missing_docs)]

mod catch;
mod client;
mod config;
mod error;
mod event;
pub mod fault;
mod forksafe;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
mod health;
mod histogram;
mod input;
mod options;
mod outcome;
mod policy;
mod provider;
mod retry;
pub mod runtime;
mod secret;
mod stats;
mod tls;
mod transport;

pub use client::{Client, VerifyOptions};
pub use config::{
    ClientBuilder, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RETRIES, DEFAULT_RETRY_BASE_DELAY,
    DEFAULT_RETRY_MAX_DELAY, DEFAULT_TIMEOUT,
};
pub use error::{Error, ErrorCode, Result};
pub use event::{EventHook, EventLevel, VerificationEvent};
pub use health::{ProviderHealth, PROBE_TTL};
pub use histogram::{Histogram, HistogramSnapshot, BUCKETS as LATENCY_BUCKETS};
pub use options::{option_spec, OptionKind, OptionSpec, OptionValue, OPTIONS};
pub use outcome::{Outcome, Reason};
pub use policy::{FailMode, FailOpenPolicy};
pub use provider::Provider;
pub use secret::Secret;
pub use stats::StatsSnapshot;
pub use transport::MAX_BODY_BYTES;

/// The crate version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
