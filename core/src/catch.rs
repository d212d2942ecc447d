//! A future that turns a panic into a value, so that no caller, however it
//! drives the future (a C callback, a Go channel, a Java future, a JS
//! promise), can lose its completion to a panic.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

pub(crate) struct CatchPanic<F> {
    inner: F,
}

pub(crate) fn catch_panic<F: Future>(inner: F) -> CatchPanic<F> {
    CatchPanic { inner }
}

impl<F: Future> Future for CatchPanic<F> {
    /// `Err` when the inner future panicked; it is never polled again.
    type Output = Result<F::Output, ()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: `inner` is structurally pinned: never moved out of `self`.
        let inner = unsafe { self.map_unchecked_mut(|s| &mut s.inner) };
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(_) => Poll::Ready(Err(())),
        }
    }
}
