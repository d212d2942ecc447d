//! One event per verification, for logs and metrics: a hook each binding
//! turns into its language's idiom (Python `logging`, Node
//! `diagnostics_channel`, Go `log/slog`, Java `System.Logger`, PHP PSR-3, a C
//! callback), plus a `tracing` event in Rust.
//!
//! An event never holds the token or the secret: at most an 8-hex-digit
//! fingerprint of the token (the first 32 bits of its SHA-256), enough to see
//! one token submitted twice, useless to replay it.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::outcome::{Outcome, Reason};
use crate::provider::Provider;

/// What happened in one verification.
#[derive(Clone, Debug, Serialize)]
pub struct VerificationEvent<'a> {
    /// The provider's name.
    pub provider: &'static str,
    /// The verdict, every field as the caller got it.
    #[serde(flatten)]
    pub outcome: &'a Outcome,
    /// Time from the call to the verdict, retries and outage check included.
    #[serde(serialize_with = "millis")]
    pub latency: Duration,
    /// The first 8 hex digits of the token's SHA-256.
    pub token_fingerprint: String,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}

impl VerificationEvent<'_> {
    /// The event as one JSON object: the outcome's fields, plus `provider`,
    /// `latency` (milliseconds) and `token_fingerprint`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an event is always serialisable")
    }
}

/// A function called after every verification. It runs on the verifying
/// thread, after the verdict is final: keep it quick (hand the event to a
/// queue if it does I/O). A panic in it is caught and ignored; it can never
/// change or lose a verdict.
pub type EventHook = Arc<dyn Fn(&VerificationEvent<'_>) + Send + Sync>;

pub(crate) fn fingerprint(token: &[u8]) -> String {
    Sha256::digest(token)[..4].iter().map(|b| format!("{b:02x}")).collect()
}

/// Emits the event to `tracing` (target `siteverify`) and to the hook.
pub(crate) fn emit(hook: Option<&EventHook>, provider: Provider, outcome: &Outcome, latency: Duration, token: &[u8]) {
    // WARN is the least verbose level used: below it nothing would be logged.
    let traced = tracing::enabled!(target: "siteverify", tracing::Level::WARN);
    if hook.is_none() && !traced {
        return;
    }
    let event = VerificationEvent {
        provider: provider.as_str(),
        outcome,
        latency,
        token_fingerprint: fingerprint(token),
    };
    if traced {
        trace(&event);
    }
    if let Some(hook) = hook {
        let _ = catch_unwind(AssertUnwindSafe(|| hook(&event)));
    }
}

/// Accepted verdicts at DEBUG, rejections at INFO, what an operator must look
/// at (a refused request, a TLS failure, a fail-open answer) at WARN.
fn trace(e: &VerificationEvent<'_>) {
    let o = e.outcome;
    macro_rules! at {
        ($level:expr) => {
            tracing::event!(
                target: "siteverify",
                $level,
                provider = e.provider,
                accepted = o.accepted,
                verified = o.verified,
                conclusive = o.conclusive,
                reason = o.reason.as_str(),
                http_status = o.http_status,
                attempts = o.attempts,
                latency_ms = e.latency.as_secs_f64() * 1000.0,
                error_key = o.error_key.as_deref(),
                token_fingerprint = e.token_fingerprint.as_str(),
                "verification"
            )
        };
    }
    match o.reason {
        Reason::ProviderRejectedRequest | Reason::TlsFailure | Reason::ProviderFailOpen => at!(tracing::Level::WARN),
        _ if o.accepted => at!(tracing::Level::DEBUG),
        _ => at!(tracing::Level::INFO),
    }
}
