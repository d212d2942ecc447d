//! Node.js binding of siteverify: a napi-rs addon over the Rust core.
//!
//! This crate translates, it never decides: options go to the core's
//! [`ClientBuilder`](siteverify::ClientBuilder) as they are, every
//! [`Outcome`] field comes from the core's outcome, every error carries the
//! core's stable code. The small JavaScript layer (`index.js`) turns those
//! codes into error classes and an `AbortSignal` into a cancellation.
//!
//! Async verifications run on the core's shared tokio runtime
//! ([`siteverify::runtime::handle`]); the promise is settled through a
//! threadsafe function, so the event loop never waits on the network.

#![deny(clippy::all)]

mod arguments;
mod errors;
mod options;
mod outcome;
mod stats;

use std::sync::Mutex;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use tokio::sync::oneshot;

pub use arguments::VerifyOptions;
pub use options::{ClientOptions, Provider};
pub use outcome::{Outcome, Reason};
pub use stats::Stats;

use crate::errors::{js_error, Failure};

/// A verifier for one provider, secret and policy. Build one at startup and
/// share it: it is cheap to call concurrently and keeps its connections warm.
#[napi]
pub struct Client {
    inner: siteverify::Client,
}

#[napi]
impl Client {
    /// Hands every option to the core, which validates it, and builds the
    /// client. Throws a `ConfigurationError` for an invalid or unknown option.
    // catch_unwind: a Rust panic becomes a thrown Error instead of aborting Node.
    #[napi(constructor, catch_unwind, ts_args_type = "options: ClientOptions")]
    pub fn new(env: Env, options: Unknown) -> Result<Self> {
        let builder = options::client_builder(&env, options)?;
        let inner = builder.build().map_err(|e| js_error(&env, &e))?;
        Ok(Client { inner })
    }

    /// The provider this client verifies against: `"prosopo"` or `"gatekeeper"`.
    #[napi(getter, ts_return_type = "Provider")]
    pub fn provider(&self) -> String {
        self.inner.provider().as_str().to_string()
    }

    /// The verify URL in use.
    #[napi(getter)]
    pub fn endpoint(&self) -> String {
        self.inner.endpoint().to_string()
    }

    /// Verifies `token` without blocking the event loop. Resolves an
    /// `Outcome` for every verdict, provider outages included; rejects only
    /// for an invalid argument (`InvalidArgumentError`) or an aborted
    /// `signal` (`AbortError`).
    #[napi(
        ts_args_type = "token: string, options?: VerifyOptions | undefined | null",
        ts_return_type = "Promise<Outcome>"
    )]
    pub fn verify<'env>(
        &self,
        env: &'env Env,
        token: Unknown,
        options: Option<Unknown>,
        cancel: Option<&External<CancelToken>>,
    ) -> Result<Object<'env>> {
        let token = arguments::token(env, token)?;
        let opts = arguments::verify_options(env, options)?;
        let cancelled = match cancel {
            Some(c) => Some(c.take_receiver(env)?),
            None => None,
        };
        let (deferred, promise) = env.create_deferred::<Outcome, Box<dyn FnOnce(Env) -> Result<Outcome>>>()?;
        let client = self.inner.clone();
        let handle = siteverify::runtime::handle();
        let task = handle.spawn(async move { client.verify_bytes(&token, &opts).await });
        handle.spawn(async move {
            let result = match cancelled {
                None => joined(task.await),
                Some(cancelled) => {
                    let abort = task.abort_handle();
                    tokio::select! {
                        joined_result = task => joined(joined_result),
                        () = cancelled => {
                            // Drops the core future: the request is cancelled.
                            abort.abort();
                            Err(siteverify::Error::cancelled())
                        }
                    }
                }
            };
            match result {
                Ok(outcome) => deferred.resolve(Box::new(move |_env| Ok(Outcome::from(outcome)))),
                Err(e) => deferred.resolve(Box::new(move |env| Err(js_error(&env, &e)))),
            }
        });
        Ok(promise)
    }

    /// Blocking `verify`, for scripts and CLIs: blocks the calling thread
    /// until the outcome is known. Never use it in a server.
    #[napi(
        catch_unwind,
        js_name = "verifySync",
        ts_args_type = "token: string, options?: VerifyOptions | undefined | null"
    )]
    pub fn verify_sync(&self, env: Env, token: Unknown, options: Option<Unknown>) -> Result<Outcome> {
        let token = arguments::token(&env, token)?;
        let opts = arguments::verify_options(&env, options)?;
        // `Client::verify_blocking` for the bytes `arguments::token` gives.
        siteverify::runtime::block_on(self.inner.verify_bytes(&token, &opts))
            .and_then(|result| result)
            .map(Outcome::from)
            .map_err(|e| js_error(&env, &e))
    }

    /// A point-in-time copy of this client's counters.
    #[napi(catch_unwind)]
    pub fn stats(&self) -> Stats {
        Stats::from(self.inner.stats())
    }
}

/// Joins the verification task: a panic in the core becomes an `internal` error.
fn joined(
    r: std::result::Result<siteverify::Result<siteverify::Outcome>, tokio::task::JoinError>,
) -> siteverify::Result<siteverify::Outcome> {
    match r {
        Ok(result) => result,
        Err(e) if e.is_panic() => Err(siteverify::Error::internal(
            "verification panicked; please report this bug",
        )),
        Err(_) => Err(siteverify::Error::cancelled()),
    }
}

/// One verification's cancellation switch. Internal: `index.js` makes one per
/// call that has an `AbortSignal` and cancels it on `abort`.
pub struct CancelToken {
    tx: Mutex<Option<oneshot::Sender<()>>>,
    rx: Mutex<Option<oneshot::Receiver<()>>>,
}

impl CancelToken {
    /// A future that completes when the token is cancelled; never completes
    /// when the token is dropped without being cancelled.
    fn take_receiver(&self, env: &Env) -> Result<impl std::future::Future<Output = ()> + Send + 'static> {
        let rx = self
            .rx
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or_else(|| {
                js_error(
                    env,
                    &Failure::invalid_argument("a cancel token can be used for one verification only"),
                )
            })?;
        Ok(async move {
            if rx.await.is_err() {
                std::future::pending::<()>().await;
            }
        })
    }
}

/// Internal (see [`CancelToken`]).
#[napi(skip_typescript)]
pub fn cancel_token() -> External<CancelToken> {
    let (tx, rx) = oneshot::channel();
    External::new(CancelToken {
        tx: Mutex::new(Some(tx)),
        rx: Mutex::new(Some(rx)),
    })
}

/// Internal: cancels the verification the token was given to (idempotent).
#[napi(skip_typescript)]
pub fn cancel(token: &External<CancelToken>) {
    if let Some(tx) = token.tx.lock().unwrap_or_else(|p| p.into_inner()).take() {
        let _ = tx.send(());
    }
}

/// Testing only, never public API (not in `index.js` nor `index.d.ts`): arms
/// or disarms the core's injected panic, process-wide (`siteverify::fault`).
#[napi(js_name = "_testingArmInjectedPanic", skip_typescript)]
pub fn testing_arm_injected_panic(armed: bool) {
    siteverify::fault::arm_injected_panic(armed);
}

/// Testing only (see `_testingArmInjectedPanic`): the token that panics while armed.
#[napi(js_name = "_testingPanicToken", skip_typescript)]
pub fn testing_panic_token() -> String {
    siteverify::fault::PANIC_TOKEN.to_string()
}

/// Testing only (see `_testingArmInjectedPanic`): the Node key of every core
/// option, in the core's order, for the test that `ClientOptions` has them all.
#[napi(js_name = "_testingOptionKeys", skip_typescript)]
pub fn testing_option_keys() -> Vec<String> {
    options::node_keys()
}

/// Every outcome reason code the core knows, in its declaration order.
#[napi(ts_return_type = "Array<Reason>")]
pub fn reason_codes() -> Vec<String> {
    siteverify::Reason::ALL.iter().map(|r| r.as_str().to_string()).collect()
}

/// The version of the Rust core compiled into this addon.
#[napi]
pub fn core_version() -> String {
    siteverify::VERSION.to_string()
}
