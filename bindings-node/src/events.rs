//! The per-verification event (issue 18), as Node gets it.
//!
//! The core calls its event hook on the verifying thread: a tokio worker for
//! `verify()`, the caller's thread for `verifySync()`. JavaScript can never
//! run there, so this hook only copies the values an outcome does not carry,
//! the core's latency, token fingerprint and level, into a slot owned by that
//! one verification (a tokio task-local around its future). The verification
//! then settles with the outcome AND those values, and `index.js` publishes
//! the event on `node:diagnostics_channel` where the promise resolves, on the
//! event loop. A call whose channel had no subscriber when it started gets no
//! slot and settles with the bare outcome, as before.

use std::cell::RefCell;
use std::future::Future;

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::outcome::Outcome;

/// The level to log a verification's event at, as the core decides it (the
/// same in every binding): map it to your logger's.
#[napi(string_enum = "kebab-case")]
pub enum EventLevel {
    // BEGIN GENERATED event-levels (siteverify-vocab; edit core/, then `make vocab`)
    /// An accepted verdict.
    Debug,
    /// A rejected verdict.
    Info,
    /// What an operator must look at: a refused request, a TLS failure, a fail-open answer.
    Warn,
    // END GENERATED event-levels
}

impl From<siteverify::EventLevel> for EventLevel {
    fn from(level: siteverify::EventLevel) -> Self {
        match level {
            siteverify::EventLevel::Debug => EventLevel::Debug,
            siteverify::EventLevel::Info => EventLevel::Info,
            siteverify::EventLevel::Warn => EventLevel::Warn,
        }
    }
}

tokio::task_local! {
    static SLOT: RefCell<Option<EventData>>;
}

/// What the event adds to the outcome. Never the token, never the secret.
pub struct EventData {
    latency_ms: f64,
    token_fingerprint: String,
    level: EventLevel,
}

/// Gives the builder the hook that fills the current verification's slot
/// (a verification without one is left alone).
pub(crate) fn install(builder: &mut siteverify::ClientBuilder) {
    builder.on_event(|event| {
        let _ = SLOT.try_with(|slot| {
            *slot.borrow_mut() = Some(EventData {
                latency_ms: event.latency.as_secs_f64() * 1000.0,
                token_fingerprint: event.token_fingerprint.clone(),
                level: event.level.into(),
            });
        });
    });
}

/// Runs a verification; with `observe`, inside a slot the hook fills.
pub(crate) async fn observed<T>(observe: bool, verification: impl Future<Output = T>) -> (T, Option<EventData>) {
    if !observe {
        return (verification.await, None);
    }
    SLOT.scope(RefCell::new(None), async move {
        let result = verification.await;
        (result, SLOT.with(|slot| slot.borrow_mut().take()))
    })
    .await
}

/// What a verification settles with: the outcome, or, when observed,
/// `{ outcome, latencyMs, tokenFingerprint, level }` for `index.js` to publish.
pub struct Verified {
    pub(crate) outcome: Outcome,
    pub(crate) event: Option<EventData>,
}

impl ToNapiValue for Verified {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        let Verified { outcome, event } = val;
        let Some(EventData {
            latency_ms,
            token_fingerprint,
            level,
        }) = event
        else {
            return Outcome::to_napi_value(env, outcome);
        };
        let js_env = Env::from_raw(env);
        let mut object = Object::new(&js_env)?;
        object.set("outcome", outcome)?;
        object.set("latencyMs", latency_ms)?;
        object.set("tokenFingerprint", token_fingerprint)?;
        object.set("level", level)?;
        Object::to_napi_value(env, object)
    }
}
