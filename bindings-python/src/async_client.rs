//! `AsyncClient.verify`: the core future runs on the core's shared runtime
//! (`siteverify::runtime::handle()`, re-created after `fork()`); the caller
//! gets an asyncio future of its running loop. Cancelling that future ends
//! the verification (its request is dropped). The future is settled exactly
//! once, with the outcome, the core's error, or an `internal` error if the
//! verification panicked or vanished.
//!
//! Hand-over without the GIL: each event loop has a [`Mailbox`] (one per
//! loop and process), a queue of finished verifications and a socket pair
//! whose read end the loop watches (`loop.add_reader`). A runtime worker
//! pushes its completion onto the queue and writes one byte only when the
//! queue was empty, so a burst of completions costs one wake-up; the loop's
//! thread then builds the outcomes and settles the futures in one pass
//! ([`Drain`]). The workers never wait for the GIL on this path. The other
//! way, the same: verifications started while the runtime has not yet picked
//! up the previous ones join their batch (`Mailbox::submit`), so a burst of
//! calls wakes the runtime once. Cancellation is a signal the verification's
//! future checks ([`Abortable`]), set by a done-callback of the asyncio future.

use std::future::Future;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::{Acquire, Release};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use siteverify::VerifyOptions;

use crate::errors::{core_error, panic_error};
use crate::events::{self, EventInfo};
use crate::outcome::PyOutcome;

static ASYNCIO_GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
/// Mailboxes of loops that take no attribute (a loop type with `__slots__`
/// or written in C), by loop: a `weakref.WeakKeyDictionary`.
static MAILBOXES: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
/// The loop attribute that holds the loop's [`Drain`].
const MAILBOX_ATTR: &str = "_siteverify_mailbox";

/// Starts verifying `token` on the core's runtime and returns an asyncio
/// future of the running loop (a `RuntimeError` outside a running loop),
/// and the verification's [`Abort`]. With `abort_on_done`, the future's
/// done-callback aborts it (cancelling the future ends the verification);
/// without, the caller must call it when it stops awaiting the future.
pub(crate) fn verify_future<'py>(
    py: Python<'py>,
    client: siteverify::Client,
    token: Vec<u8>,
    options: VerifyOptions,
    abort_on_done: bool,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, Abort>)> {
    let get_running_loop = ASYNCIO_GET_RUNNING_LOOP.get_or_try_init(py, || {
        py.import("asyncio")?.getattr("get_running_loop").map(Bound::unbind)
    })?;
    let event_loop = get_running_loop.bind(py).call0()?;
    let mailbox = mailbox(&event_loop)?;
    let future = event_loop.call_method0(intern!(py, "create_future"))?;
    let delivery = Delivery(Some((mailbox.clone(), future.clone().unbind())));
    let signal = Arc::new(AbortSignal::default());
    let job = Abortable {
        signal: signal.clone(),
        inner: Box::pin(async move {
            let (result, event) = CatchUnwind(Box::pin(events::with_event(async move {
                client.verify_bytes(&token, &options).await
            })))
            .await
            .unwrap_or_else(|panic| (Err(panic_error(&*panic)), None));
            delivery.deliver(result, event);
        }),
    };
    let abort = Bound::new(py, Abort { signal })?;
    if abort_on_done {
        // Cancelling the asyncio future (e.g. its awaiting task) aborts the
        // verification, which drops the request; after a normal finish it is a no-op.
        future.call_method1(intern!(py, "add_done_callback"), (&abort,))?;
    }
    mailbox.submit(Box::pin(job));
    Ok((future, abort))
}

/// The mailbox of `event_loop` in this process, created and registered with
/// the loop (`add_reader`) on first use. A loop inherited through `fork()`
/// gets a new one in the child (the parent's workers feed the parent's).
/// Kept as an attribute of the loop, or in a weak dictionary for a loop that
/// takes no attribute; it lives as long as the loop (and its pending
/// verifications), so a closed loop's late results are dropped with it.
fn mailbox(event_loop: &Bound<'_, PyAny>) -> PyResult<Arc<Mailbox>> {
    let py = event_loop.py();
    let pid = std::process::id();
    let attr = intern!(py, MAILBOX_ATTR);
    let mut found = event_loop.getattr_opt(attr).ok().flatten();
    if found.is_none() {
        if let Some(map) = MAILBOXES.get(py) {
            found = map.bind(py).call_method1(intern!(py, "get"), (event_loop,))?.into();
        }
    }
    if let Some(drain) = found.as_ref().and_then(|d| d.cast::<Drain>().ok()) {
        let mailbox = &drain.get().mailbox;
        if mailbox.pid == pid {
            return Ok(mailbox.clone());
        }
        // Inherited through fork(): the parent's. Its socket stays registered
        // and open in this child, its Drain does nothing here: removing it
        // would unregister it from the parent's epoll too (shared across
        // fork), and closing it could hand its fd number to another file the
        // loop's selector would take for it.
        std::mem::forget(mailbox.clone());
    }
    let mailbox = Arc::new(Mailbox::new(pid).map_err(PyErr::from)?);
    let drain = Bound::new(
        py,
        Drain {
            mailbox: mailbox.clone(),
        },
    )?;
    event_loop.call_method1(intern!(py, "add_reader"), (mailbox.reader.as_raw_fd(), &drain))?;
    if event_loop.setattr(attr, &drain).is_err() {
        let stored = MAILBOXES
            .get_or_try_init(py, || {
                py.import("weakref")?
                    .getattr("WeakKeyDictionary")?
                    .call0()
                    .map(Bound::unbind)
            })
            .and_then(|map| map.bind(py).set_item(event_loop, &drain));
        if let Err(e) = stored {
            let _ = event_loop.call_method1(intern!(py, "remove_reader"), (mailbox.reader.as_raw_fd(),));
            return Err(e);
        }
    }
    Ok(mailbox)
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

/// A finished verification on its way to its future.
struct Completion {
    future: Py<PyAny>,
    result: siteverify::Result<siteverify::Outcome>,
    /// The verification's event, logged on the loop's thread with the outcome.
    event: Option<EventInfo>,
}

/// One event loop's completions (in one process), and its wake-up socket.
struct Mailbox {
    /// The process that created it: a loop inherited by `fork()` gets a new one.
    pid: u32,
    queue: Mutex<Vec<Completion>>,
    /// Verifications started on the loop's thread, not yet spawned: one
    /// runtime task spawns a whole batch (one wake-up of the runtime per
    /// batch rather than per verification).
    outbox: Mutex<Vec<Job>>,
    /// Workers write one byte here when the queue stops being empty.
    writer: UnixStream,
    /// Watched by the loop (`add_reader`), read by [`Drain`].
    reader: UnixStream,
}

impl Mailbox {
    fn new(pid: u32) -> std::io::Result<Self> {
        let (reader, writer) = UnixStream::pair()?;
        reader.set_nonblocking(true)?;
        writer.set_nonblocking(true)?;
        Ok(Mailbox {
            pid,
            queue: Mutex::new(Vec::new()),
            outbox: Mutex::new(Vec::new()),
            writer,
            reader,
        })
    }

    /// Queues a verification to spawn; the first of a batch spawns the task
    /// that spawns them all.
    fn submit(self: &Arc<Self>, job: Job) {
        let was_empty = {
            let mut outbox = self.outbox.lock().unwrap_or_else(PoisonError::into_inner);
            outbox.push(job);
            outbox.len() == 1
        };
        if was_empty {
            let mailbox = self.clone();
            siteverify::runtime::handle().spawn(async move {
                let jobs = std::mem::take(&mut *mailbox.outbox.lock().unwrap_or_else(PoisonError::into_inner));
                for job in jobs {
                    tokio::spawn(job);
                }
            });
        }
    }

    /// Queues a completion (no GIL) and wakes the loop if the queue was empty.
    /// For a closed loop the completion waits here until the mailbox goes.
    fn post(&self, completion: Completion) {
        let was_empty = {
            let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            queue.push(completion);
            queue.len() == 1
        };
        if was_empty {
            // A full socket (WouldBlock) already holds a wake-up.
            let _ = (&self.writer).write(&[1]);
        }
    }

    /// Everything queued so far, after consuming the wake-ups that announced it.
    fn take(&self) -> Vec<Completion> {
        let mut buf = [0u8; 64];
        while matches!((&self.reader).read(&mut buf), Ok(n) if n == buf.len()) {}
        std::mem::take(&mut *self.queue.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Drop for Mailbox {
    /// Completions nobody collected (their loop closed): their futures are
    /// dropped attached, never through pyo3's pool (a lock a fork could copy
    /// held); during interpreter shutdown they are leaked.
    fn drop(&mut self) {
        let left = std::mem::take(self.queue.get_mut().unwrap_or_else(PoisonError::into_inner));
        if left.is_empty() {
            return;
        }
        let left = std::mem::ManuallyDrop::new(left);
        let _ = Python::try_attach(|_py| {
            pin_thread_state();
            drop(std::mem::ManuallyDrop::into_inner(left));
        });
    }
}

/// The loop's reader callback: settles every queued future, in one pass.
#[pyclass(frozen)]
struct Drain {
    mailbox: Arc<Mailbox>,
}

#[pymethods]
impl Drain {
    fn __call__(&self, py: Python<'_>) {
        if self.mailbox.pid != std::process::id() {
            // A forked child's copy of the parent's mailbox: the parent's to drain.
            return;
        }
        for completion in self.mailbox.take() {
            if let Err(e) = settle(py, completion) {
                e.write_unraisable(py, None);
            }
        }
    }
}

/// Settles one future unless it is done already (cancelled meanwhile).
fn settle(py: Python<'_>, completion: Completion) -> PyResult<()> {
    let Completion { future, result, event } = completion;
    let future = future.into_bound(py);
    if future.call_method0(intern!(py, "done"))?.is_truthy()? {
        return Ok(());
    }
    match result {
        Ok(inner) => {
            events::log(py, &inner, event.as_ref());
            let outcome = Py::new(py, PyOutcome { inner })?;
            future.call_method1(intern!(py, "set_result"), (outcome,))?;
        }
        Err(e) => {
            let error = core_error(py, &e).into_value(py);
            future.call_method1(intern!(py, "set_exception"), (error,))?;
        }
    }
    Ok(())
}

/// Settles its future exactly once: with the result, or, if the task is
/// dropped without one (aborted after a cancel, or unwound by a panic outside
/// the verification), with an `internal` error. The future is never left
/// pending; one already done (cancelled) is left alone by [`settle`].
struct Delivery(Option<(Arc<Mailbox>, Py<PyAny>)>);

impl Delivery {
    fn deliver(mut self, result: siteverify::Result<siteverify::Outcome>, event: Option<EventInfo>) {
        if let Some((mailbox, future)) = self.0.take() {
            mailbox.post(Completion { future, result, event });
        }
    }
}

impl Drop for Delivery {
    fn drop(&mut self) {
        if let Some((mailbox, future)) = self.0.take() {
            mailbox.post(Completion {
                future,
                result: Err(siteverify::Error::internal(
                    "the verification ended without a result; this is a siteverify bug, please report it",
                )),
                event: None,
            });
        }
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

/// One verification, ready to spawn.
type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Set (and the verification woken) when its asyncio future is done.
#[derive(Default)]
struct AbortSignal {
    aborted: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

/// A verification that ends, dropping its request, once its signal is set.
struct Abortable<F> {
    signal: Arc<AbortSignal>,
    inner: Pin<Box<F>>,
}

impl<F: Future<Output = ()>> Future for Abortable<F> {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.signal.aborted.load(Acquire) {
            return Poll::Ready(());
        }
        {
            let mut waker = self.signal.waker.lock().unwrap_or_else(PoisonError::into_inner);
            match waker.as_ref() {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => *waker = Some(cx.waker().clone()),
            }
        }
        // Set between the check above and the waker's registration: seen here.
        if self.signal.aborted.load(Acquire) {
            return Poll::Ready(());
        }
        self.inner.as_mut().poll(cx)
    }
}

/// Ends its verification, dropping the request (a no-op once it finished):
/// called with no argument, or as an asyncio done-callback.
#[pyclass(frozen)]
pub(crate) struct Abort {
    signal: Arc<AbortSignal>,
}

#[pymethods]
impl Abort {
    #[pyo3(signature = (_future = None))]
    fn __call__(&self, _future: Option<&Bound<'_, PyAny>>) {
        self.signal.aborted.store(true, Release);
        let waker = self.signal.waker.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}
