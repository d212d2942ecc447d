//! The runtimes behind blocking calls and foreign-language bindings.
//!
//! - **Blocking calls** ([`block_on`]: C's `sv_client_verify`, PHP, Java
//!   `verify`, Python `Client.verify`, Node `verifySync`) run on the calling
//!   thread, in a current-thread runtime of that thread with connection pools
//!   of that thread. Handing the work to a worker thread and parking the
//!   caller costs several context switches per verification and about three
//!   times the CPU (issue 15's profiles); on the calling thread a warm
//!   verification is one write and one read.
//! - **Async entry points** (C's `sv_client_verify_async`, Node promises,
//!   Python `AsyncClient`, Java futures) spawn onto one shared multi-thread
//!   runtime ([`handle`]).
//!
//! Both are re-created in a child process after `fork()`: worker threads do
//! not survive a fork (php-fpm, Python multiprocessing and Go's ForkExec all
//! fork), and a runtime's I/O driver and sockets would be shared with the
//! parent. What a child inherits is leaked, never dropped: dropping it would
//! wait for threads that do not exist, or deregister the parent's sockets
//! from an epoll instance the two processes share.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Arc, Weak};

use tokio::runtime::{Handle, Runtime};

use crate::error::{Error, ErrorCode, Result};
use crate::forksafe::{current_pid, PerProcess};

/// Lock-free: a child forked while another thread was here must not hang.
/// Runtimes inherited from a parent stay reachable in the slot's chain,
/// never used or dropped again.
static RUNTIME: PerProcess<Runtime> = PerProcess::empty();

fn runtime() -> &'static Runtime {
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8)))
            .thread_name("siteverify-rt")
            .enable_all()
            .build()
            .expect("siteverify: cannot start the tokio runtime")
    })
}

/// A handle to the shared runtime, for bindings that spawn verifications.
pub fn handle() -> Handle {
    runtime().handle().clone()
}

/// True when the current thread is inside a tokio runtime, where blocking would deadlock.
pub fn in_async_context() -> bool {
    Handle::try_current().is_ok()
}

/// Runs a future to completion on the calling thread, from synchronous code.
///
/// Called from inside any tokio runtime it returns an error instead of
/// panicking as `Runtime::block_on` would.
pub fn block_on<F: Future>(future: F) -> Result<F::Output> {
    if in_async_context() {
        return Err(Error::new(
            ErrorCode::BlockingInAsyncContext,
            "blocking verify called from inside an async runtime; await verify() instead",
        ));
    }
    let local = Local::of_this_thread()?;
    let _active = Active::enter(&local);
    Ok(local.runtime.block_on(future))
}

/// Runs `task` in the background: on the runtime the caller is in, unless
/// that is a blocking call's runtime, which only runs while its thread is
/// blocked in a call (the task would stall between calls).
pub(crate) fn spawn_detached<F>(task: F)
where
    F: Future<Output = ()> + Send + 'static,
{
    if ACTIVE.with(|a| a.get().is_some()) {
        handle().spawn(task);
    } else {
        tokio::spawn(task);
    }
}

/// A transport's HTTP client for this thread's blocking calls, made by
/// `make` on first use; `None` outside a blocking call (the caller then uses
/// its process-wide client).
///
/// Connections run as tasks of the runtime they were opened on; a pool
/// shared between threads would hand one thread a connection whose task
/// only runs while another thread is blocked, so each thread has its own.
pub(crate) fn thread_client(owner: &Arc<()>, make: impl FnOnce() -> reqwest::Client) -> Option<reqwest::Client> {
    let local = ACTIVE.with(Cell::get)?;
    // SAFETY: ACTIVE points at the `Local` that `block_on` holds an `Rc` of
    // for the whole call, on this thread; it is cleared before that ends.
    let local = unsafe { &*local };
    Some(local.client_for(owner, make))
}

/// One thread's runtime and pools, for one process.
struct Local {
    pid: u32,
    runtime: Runtime,
    /// Per transport (by its liveness marker): that transport's client on this
    /// thread. Entries of dropped transports are removed at the next call.
    clients: RefCell<Vec<(Weak<()>, reqwest::Client)>>,
}

/// This thread's `Local`. Its destructor runs when the thread exits, and in a
/// forked child also when the forking thread calls `exit()`: what the parent
/// owned is then set aside, never dropped (dropping it would deregister the
/// parent's sockets from the epoll instance both processes share).
struct Slot(Option<Rc<Local>>);

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some(local) = self.0.take() {
            if local.pid != current_pid() {
                keep_inherited(local);
            }
        }
    }
}

thread_local! {
    static LOCAL: RefCell<Slot> = const { RefCell::new(Slot(None)) };
    /// The `Local` whose runtime this thread is blocked in, if any.
    static ACTIVE: Cell<Option<*const Local>> = const { Cell::new(None) };
}

impl Local {
    fn of_this_thread() -> Result<Rc<Local>> {
        let pid = current_pid();
        LOCAL.with(|slot| {
            let mut slot = slot.borrow_mut();
            if let Some(local) = slot.0.as_ref() {
                if local.pid == pid {
                    return Ok(Rc::clone(local));
                }
                // Inherited through fork(): its I/O driver and sockets are
                // the parent's too. Never touched or dropped again.
                if let Some(inherited) = slot.0.take() {
                    keep_inherited(inherited);
                }
            }
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Error::new(ErrorCode::Internal, format!("cannot start a tokio runtime: {e}")))?;
            let local = Rc::new(Local {
                pid,
                runtime,
                clients: RefCell::new(Vec::new()),
            });
            slot.0 = Some(Rc::clone(&local));
            Ok(local)
        })
    }

    fn client_for(&self, owner: &Arc<()>, make: impl FnOnce() -> reqwest::Client) -> reqwest::Client {
        let mut clients = self.clients.borrow_mut();
        // A dropped transport's client goes at this thread's next call (its
        // connections close as this runtime polls them), not at thread exit.
        clients.retain(|(o, _)| o.strong_count() > 0);
        if let Some((_, client)) = clients.iter().find(|(o, _)| ptr_eq(o, owner)) {
            return client.clone();
        }
        let client = make();
        clients.push((Arc::downgrade(owner), client.clone()));
        client
    }
}

/// What a forked child inherited, kept reachable (leak checkers then see a
/// deliberate leak, not a lost block) and never used: a lock-free stack,
/// pushed to once per thread per fork.
struct Inherited {
    /// An `Rc` points at the start of its allocation: a raw pointer to the
    /// value inside would look to valgrind like an interior pointer.
    #[allow(dead_code)] // only held, for reachability
    local: Rc<Local>,
    next: *mut Inherited,
}

static INHERITED: AtomicPtr<Inherited> = AtomicPtr::new(std::ptr::null_mut());

fn keep_inherited(local: Rc<Local>) {
    let node = Box::into_raw(Box::new(Inherited {
        local,
        next: std::ptr::null_mut(),
    }));
    let mut head = INHERITED.load(Ordering::Acquire);
    loop {
        // SAFETY: `node` is ours until the exchange publishes it.
        unsafe { (*node).next = head };
        match INHERITED.compare_exchange_weak(head, node, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => return,
            Err(current) => head = current,
        }
    }
}

fn ptr_eq(weak: &Weak<()>, strong: &Arc<()>) -> bool {
    std::ptr::eq(weak.as_ptr(), Arc::as_ptr(strong))
}

/// Marks this thread as blocked in `local`'s runtime for the guard's life.
struct Active {
    previous: Option<*const Local>,
}

impl Active {
    fn enter(local: &Rc<Local>) -> Active {
        let previous = ACTIVE.with(|a| a.replace(Some(Rc::as_ptr(local))));
        Active { previous }
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        ACTIVE.with(|a| a.set(self.previous));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_keeps_one_client_per_live_transport() {
        let local = Local::of_this_thread().unwrap();
        let (a, b) = (Arc::new(()), Arc::new(()));
        let made = Cell::new(0);
        let get = |owner: &Arc<()>| {
            local.client_for(owner, || {
                made.set(made.get() + 1);
                reqwest::Client::new()
            })
        };
        get(&a);
        get(&a);
        get(&b);
        assert_eq!(made.get(), 2, "one client per transport, reused");
        drop(a);
        let c = Arc::new(());
        get(&c);
        assert_eq!(made.get(), 3);
        // The dropped transport's client went at the next call.
        assert_eq!(local.clients.borrow().len(), 2);
        drop(b);
        get(&c);
        assert_eq!(local.clients.borrow().len(), 1, "a call sweeps dropped transports");
    }

    #[test]
    fn outside_a_blocking_call_there_is_no_thread_client() {
        assert!(thread_client(&Arc::new(()), reqwest::Client::new).is_none());
    }

    #[test]
    fn inside_a_blocking_call_the_thread_client_is_reused() {
        let owner = Arc::new(());
        let made = std::cell::Cell::new(0);
        block_on(async {
            for _ in 0..3 {
                thread_client(&owner, || {
                    made.set(made.get() + 1);
                    reqwest::Client::new()
                })
                .expect("a thread client inside block_on");
            }
        })
        .unwrap();
        assert_eq!(made.get(), 1);
    }
}
