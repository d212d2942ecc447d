//! The per-verification event (issue 18), as Node gets it.
//!
//! The core calls its event hook on the verifying thread: a tokio worker for
//! `verify()`, the caller's thread for `verifySync()`. JavaScript can never
//! run there, so this hook only copies the two values an outcome does not
//! carry, the core's latency and token fingerprint, into a slot owned by that
//! one verification (a tokio task-local around its future). The verification
//! then settles with the outcome AND those values, and `index.js` publishes
//! the event on `node:diagnostics_channel` where the promise resolves, on the
//! event loop. A call whose channel had no subscriber when it started gets no
//! slot and settles with the bare outcome, as before.

use std::cell::RefCell;
use std::future::Future;

use napi::bindgen_prelude::*;

use crate::outcome::Outcome;

tokio::task_local! {
    static SLOT: RefCell<Option<EventData>>;
}

/// What the event adds to the outcome. Never the token, never the secret.
pub struct EventData {
    latency_ms: f64,
    token_fingerprint: String,
}

/// Gives the builder the hook that fills the current verification's slot
/// (a verification without one is left alone).
pub(crate) fn install(builder: &mut siteverify::ClientBuilder) {
    builder.on_event(|event| {
        let _ = SLOT.try_with(|slot| {
            *slot.borrow_mut() = Some(EventData {
                latency_ms: event.latency.as_secs_f64() * 1000.0,
                token_fingerprint: event.token_fingerprint.clone(),
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
/// `{ outcome, latencyMs, tokenFingerprint }` for `index.js` to publish.
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
        }) = event
        else {
            return Outcome::to_napi_value(env, outcome);
        };
        let js_env = Env::from_raw(env);
        let mut object = Object::new(&js_env)?;
        object.set("outcome", outcome)?;
        object.set("latencyMs", latency_ms)?;
        object.set("tokenFingerprint", token_fingerprint)?;
        Object::to_napi_value(env, object)
    }
}
