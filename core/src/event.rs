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

/// How loud a verification's event is: the one rule every binding logs it
/// by, mapping only the name to its logging library's level.
///
/// Accepted verdicts are [`Debug`](Self::Debug), rejections
/// [`Info`](Self::Info), and what an operator must look at (the provider
/// refused the request, a TLS failure, a provider fail-open answer, accepted
/// or not) [`Warn`](Self::Warn).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EventLevel {
    /// An accepted verdict.
    Debug,
    /// A rejected verdict.
    Info,
    /// What an operator must look at: a refused request, a TLS failure, a fail-open answer.
    Warn,
}

impl EventLevel {
    /// Every level, least severe first.
    pub const ALL: [EventLevel; 3] = [EventLevel::Debug, EventLevel::Info, EventLevel::Warn];

    /// The level of the event `outcome` makes.
    pub fn of(outcome: &Outcome) -> EventLevel {
        match outcome.reason {
            Reason::ProviderRejectedRequest | Reason::TlsFailure | Reason::ProviderFailOpen => EventLevel::Warn,
            _ if outcome.accepted => EventLevel::Debug,
            _ => EventLevel::Info,
        }
    }

    /// The level's name: `debug`, `info` or `warn` (the event JSON's `level`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventLevel::Debug => "debug",
            EventLevel::Info => "info",
            EventLevel::Warn => "warn",
        }
    }

    /// One line on what the level is for.
    pub fn doc(self) -> &'static str {
        match self {
            EventLevel::Debug => "An accepted verdict.",
            EventLevel::Info => "A rejected verdict.",
            EventLevel::Warn => "What an operator must look at: a refused request, a TLS failure, a fail-open answer.",
        }
    }
}

impl std::fmt::Display for EventLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

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
    /// The level to log it at ([`EventLevel::of`] the outcome), the same
    /// in `tracing` and in every binding.
    pub level: EventLevel,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}

impl VerificationEvent<'_> {
    /// The event as one JSON object: the outcome's fields, plus `provider`,
    /// `latency` (milliseconds), `token_fingerprint` and `level` (`debug`,
    /// `info` or `warn`).
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
        level: EventLevel::of(outcome),
    };
    if traced {
        trace(&event);
    }
    if let Some(hook) = hook {
        let _ = catch_unwind(AssertUnwindSafe(|| hook(&event)));
    }
}

/// At the event's [`EventLevel`].
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
    // tracing's macros take the level as a constant per call site.
    match e.level {
        EventLevel::Warn => at!(tracing::Level::WARN),
        EventLevel::Info => at!(tracing::Level::INFO),
        EventLevel::Debug => at!(tracing::Level::DEBUG),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(reason: Reason, accepted: bool) -> Outcome {
        Outcome {
            accepted,
            verified: accepted && reason == Reason::Verified,
            conclusive: reason.is_conclusive(),
            reason,
            score: None,
            hostname: None,
            action: None,
            challenge_ts: None,
            timestamp: None,
            error_key: None,
            error_codes: Vec::new(),
            provider_reason: None,
            http_status: None,
            retryable: false,
            attempts: 1,
            fail_open_suspected: reason == Reason::ProviderFailOpen,
            detail: None,
        }
    }

    #[test]
    fn warn_for_what_an_operator_must_see_then_debug_if_accepted_else_info() {
        for reason in Reason::ALL {
            for accepted in [false, true] {
                let want = match reason {
                    Reason::ProviderRejectedRequest | Reason::TlsFailure | Reason::ProviderFailOpen => "warn",
                    _ if accepted => "debug",
                    _ => "info",
                };
                assert_eq!(
                    EventLevel::of(&outcome(reason, accepted)).as_str(),
                    want,
                    "{reason} {accepted}"
                );
            }
        }
    }

    #[test]
    fn the_event_json_carries_the_level_by_name() {
        let o = outcome(Reason::ProviderFailOpen, true);
        let e = VerificationEvent {
            provider: "prosopo",
            outcome: &o,
            latency: Duration::from_millis(3),
            token_fingerprint: fingerprint(b"t"),
            level: EventLevel::of(&o),
        };
        let json: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap();
        assert_eq!(json["level"], "warn");
        let names: Vec<String> = EventLevel::ALL
            .iter()
            .map(|l| serde_json::to_value(l).unwrap().as_str().unwrap().to_string())
            .collect();
        assert_eq!(names, ["debug", "info", "warn"]);
        assert!(EventLevel::ALL.iter().all(|l| names.contains(&l.to_string())));
    }
}
