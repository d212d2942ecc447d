//! The shared tokio runtime behind blocking calls and foreign-language bindings.
//!
//! Created lazily on first use, and created again in a child process after
//! `fork()`: worker threads do not survive a fork (php-fpm, Python
//! multiprocessing and Go's ForkExec all fork), so the parent's runtime is
//! dead weight in the child. It is leaked, never dropped, because dropping it
//! would wait for threads that do not exist.

use std::future::Future;

use tokio::runtime::{Handle, Runtime};

use crate::error::{Error, ErrorCode, Result};
use crate::forksafe::PerProcess;

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

/// Runs a future to completion on the shared runtime from synchronous code.
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
    Ok(runtime().block_on(future))
}
