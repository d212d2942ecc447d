//! `AsyncClient.verify`: the core future runs on the core's shared runtime
//! (`siteverify::runtime::handle()`, re-created after `fork()`); the caller
//! gets an asyncio future of its running loop, resolved through
//! `loop.call_soon_threadsafe`. Cancelling that future aborts the tokio task.
//! The future is settled exactly once, with the outcome, the core's error, or
//! an `internal` error if the verification panicked or vanished.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use siteverify::VerifyOptions;

use crate::errors::{core_error, panic_error};
use crate::outcome::PyOutcome;

static ASYNCIO_GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Starts verifying `token` on the core's runtime and returns an asyncio
/// future of the running loop (a `RuntimeError` outside a running loop).
pub(crate) fn verify_future<'py>(
    py: Python<'py>,
    client: siteverify::Client,
    token: Vec<u8>,
    options: VerifyOptions,
) -> PyResult<Bound<'py, PyAny>> {
    let get_running_loop = ASYNCIO_GET_RUNNING_LOOP.get_or_try_init(py, || {
        py.import("asyncio")?.getattr("get_running_loop").map(Bound::unbind)
    })?;
    let event_loop = get_running_loop.bind(py).call0()?;
    let future = event_loop.call_method0("create_future")?;
    let delivery = Delivery(Some(Target {
        event_loop: event_loop.clone().unbind(),
        future: future.clone().unbind(),
    }));
    let task = siteverify::runtime::handle().spawn(async move {
        let result = CatchUnwind(Box::pin(async move { client.verify_bytes(&token, &options).await }))
            .await
            .unwrap_or_else(|panic| Err(panic_error(&*panic)));
        delivery.deliver(result);
    });
    // Cancelling the asyncio future (e.g. its awaiting task) aborts the
    // tokio task, which drops the request; after a normal finish it is a no-op.
    future.call_method1(
        "add_done_callback",
        (AbortOnDone {
            handle: task.abort_handle(),
        },),
    )?;
    Ok(future)
}

/// Polls a future, turning a panic into an `Err` (so an awaiting Python
/// coroutine is always resolved, never left hanging).
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = std::thread::Result<F::Output>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

/// Where a finished verification goes: an asyncio future and its loop.
struct Target {
    event_loop: Py<PyAny>,
    future: Py<PyAny>,
}

/// Settles its future exactly once: with the result, or, if the task is
/// dropped without one (aborted after a cancel, or unwound by a panic outside
/// the verification), with an `internal` error. The future is never left
/// pending; one already done (cancelled) is left alone.
struct Delivery(Option<Target>);

impl Delivery {
    fn deliver(mut self, result: siteverify::Result<siteverify::Outcome>) {
        if let Some(target) = self.0.take() {
            target.settle(result);
        }
    }
}

impl Drop for Delivery {
    fn drop(&mut self) {
        if let Some(target) = self.0.take() {
            target.settle(Err(siteverify::Error::internal(
                "the verification ended without a result; this is a siteverify bug, please report it",
            )));
        }
    }
}

impl Target {
    fn settle(self, result: siteverify::Result<siteverify::Outcome>) {
        // During interpreter shutdown nobody is waiting any more. Everything
        // Python, `self` included, is dropped inside: a `Py` dropped without
        // the GIL would go through pyo3's pool mutex, a lock a fork could copy
        // in its held state.
        let _ = Python::try_attach(move |py| {
            pin_thread_state();
            let (ok, payload) = match result {
                Ok(inner) => match Py::new(py, PyOutcome { inner }) {
                    Ok(o) => (true, o.into_any()),
                    Err(e) => (false, e.into_value(py).into_any()),
                },
                Err(e) => (false, core_error(py, &e).into_value(py).into_any()),
            };
            let resolve = Resolve { ok, payload };
            // Fails only when the loop is closed: then nobody can await the future.
            let _ = self
                .event_loop
                .bind(py)
                .call_method1("call_soon_threadsafe", (resolve, self.future.bind(py)));
            drop(self);
        });
    }
}

thread_local! {
    static THREAD_STATE_PINNED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Keeps the Python thread state of this (runtime worker) thread for the rest
/// of its life. Without it every attach from a worker creates a thread state
/// and every detach deletes it, both under CPython's runtime head lock; a
/// `fork()` on another thread that copies that lock held leaves the child
/// stuck in `PyOS_AfterFork_Child` (CPython 3.11 takes the copied lock there
/// before re-creating it). One extra `PyGILState_Ensure`, never released,
/// keeps the state alive; the GIL is still released when the outer attach
/// ends. Only runtime threads are pinned (a Python thread has its own state).
/// Must be called while attached.
fn pin_thread_state() {
    if tokio::runtime::Handle::try_current().is_err() {
        return;
    }
    THREAD_STATE_PINNED.with(|pinned| {
        if !pinned.replace(true) {
            // SAFETY: the caller holds the GIL through this thread's state;
            // the matching release is deliberately never made.
            unsafe {
                pyo3::ffi::PyGILState_Ensure();
            }
        }
    });
}

/// Runs on the event loop: settles the future unless it was cancelled meanwhile.
#[pyclass(frozen)]
struct Resolve {
    ok: bool,
    payload: Py<PyAny>,
}

#[pymethods]
impl Resolve {
    fn __call__(&self, future: &Bound<'_, PyAny>) -> PyResult<()> {
        if future.call_method0("done")?.is_truthy()? {
            return Ok(());
        }
        let method = if self.ok { "set_result" } else { "set_exception" };
        future.call_method1(method, (self.payload.bind(future.py()),))?;
        Ok(())
    }
}

/// An asyncio done-callback that aborts the verification's tokio task.
#[pyclass(frozen)]
struct AbortOnDone {
    handle: tokio::task::AbortHandle,
}

#[pymethods]
impl AbortOnDone {
    fn __call__(&self, _future: &Bound<'_, PyAny>) {
        self.handle.abort();
    }
}
