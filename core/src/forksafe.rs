//! State that survives `fork()` without locks.
//!
//! A child process inherits memory but only the thread that forked. A lock
//! held by any other thread at that moment stays locked forever in the child,
//! so anything the child touches before its first verification must not lock:
//! these types use atomics only, and nothing in them ever waits on another thread.

use std::cell::UnsafeCell;
use std::collections::BTreeMap;
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, AtomicU8, Ordering};

/// The process id the runtimes and connection pools belong to.
pub(crate) fn current_pid() -> u32 {
    std::process::id()
}

struct Owned<T> {
    pid: u32,
    value: T,
    /// What an earlier process owned (or an earlier value of this one),
    /// kept reachable for leak checkers and never used again.
    previous: *mut Owned<T>,
}

/// A value that belongs to one process: a forked child that asks for it gets
/// a fresh one, built on first use, instead of the parent's.
pub(crate) struct PerProcess<T> {
    current: AtomicPtr<Owned<T>>,
    /// The pid of the process one of whose threads is building the value (0:
    /// none). Other threads of that process wait for it; a child that
    /// inherited a build in progress (its builder thread does not exist
    /// there) takes over instead of waiting forever.
    building: AtomicU32,
}

// SAFETY: the value is shared by reference across threads (so T: Sync) and
// dropped on whichever thread drops the slot (so T: Send).
unsafe impl<T: Send + Sync> Sync for PerProcess<T> {}
unsafe impl<T: Send> Send for PerProcess<T> {}

/// Clears a build claim even if building panicked, so nobody waits forever.
struct Claim<'a>(&'a AtomicU32);

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        self.0.store(0, Ordering::Release);
    }
}

impl<T> PerProcess<T> {
    pub(crate) const fn empty() -> Self {
        PerProcess {
            current: AtomicPtr::new(ptr::null_mut()),
            building: AtomicU32::new(0),
        }
    }

    pub(crate) fn new(value: T) -> Self {
        let owned = Box::into_raw(Box::new(Owned {
            pid: current_pid(),
            value,
            previous: ptr::null_mut(),
        }));
        PerProcess {
            current: AtomicPtr::new(owned),
            building: AtomicU32::new(0),
        }
    }

    /// This process's value, made by `make` if there is none yet. One thread
    /// builds it while the process's others wait (a runtime must not be built
    /// twice: each has its own threads).
    pub(crate) fn get_or_init(&self, make: impl FnOnce() -> T) -> &T {
        let pid = current_pid();
        loop {
            if let Some(value) = self.mine(pid) {
                return value;
            }
            let builder = self.building.load(Ordering::Acquire);
            if builder == pid {
                // Another thread of this process is building it.
                std::thread::yield_now();
                continue;
            }
            if self
                .building
                .compare_exchange(builder, pid, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
            {
                continue;
            }
            let _claim = Claim(&self.building);
            if let Some(value) = self.mine(pid) {
                return value;
            }
            let previous = self.current.load(Ordering::Acquire);
            let fresh = Box::into_raw(Box::new(Owned {
                pid,
                value: make(),
                previous,
            }));
            // Only the claim holder of this process stores, so nothing raced us.
            self.current.store(fresh, Ordering::Release);
            // SAFETY: `fresh` is now owned by the slot, freed only in Drop.
            return unsafe { &(*fresh).value };
        }
    }

    fn mine(&self, pid: u32) -> Option<&T> {
        let seen = self.current.load(Ordering::Acquire);
        // SAFETY: non-null pointers in `current` come from Box::into_raw and
        // are freed only in Drop, which needs `&mut self`.
        unsafe { seen.as_ref() }
            .filter(|owned| owned.pid == pid)
            .map(|owned| &owned.value)
    }
}

impl<T> Drop for PerProcess<T> {
    fn drop(&mut self) {
        let mut next = *self.current.get_mut();
        while !next.is_null() {
            // SAFETY: every pointer in the chain came from Box::into_raw and
            // is reachable only from here.
            let owned = unsafe { Box::from_raw(next) };
            next = owned.previous;
        }
    }
}

const EMPTY: u8 = 0;
const WRITING: u8 = 1;
const READY: u8 = 2;

struct KeySlot {
    state: AtomicU8,
    key: UnsafeCell<String>,
    count: AtomicU64,
}

/// Counts per string key, for a bounded number of keys, without a lock.
///
/// A slot is claimed with a compare-and-swap and published once its key is
/// written. A slot caught mid-write by a fork stays unpublished in the child
/// and is skipped, never waited for; two threads inserting the same new key
/// at once may claim two slots, which the snapshot adds together.
pub(crate) struct KeyCounter<const N: usize> {
    slots: [KeySlot; N],
    other: AtomicU64,
}

// SAFETY: a slot's key is written only by the thread that claimed it
// (EMPTY -> WRITING) and read only after READY is published with Release.
unsafe impl<const N: usize> Sync for KeyCounter<N> {}

impl<const N: usize> Default for KeyCounter<N> {
    fn default() -> Self {
        KeyCounter {
            slots: std::array::from_fn(|_| KeySlot {
                state: AtomicU8::new(EMPTY),
                key: UnsafeCell::new(String::new()),
                count: AtomicU64::new(0),
            }),
            other: AtomicU64::new(0),
        }
    }
}

impl<const N: usize> KeyCounter<N> {
    /// Adds one to `key`; past `N` distinct keys, to `"other"`.
    pub(crate) fn add(&self, key: &str) {
        for slot in &self.slots {
            match slot.state.load(Ordering::Acquire) {
                // SAFETY: READY keys are immutable.
                READY if unsafe { &*slot.key.get() } == key => {
                    slot.count.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                EMPTY => {
                    if slot
                        .state
                        .compare_exchange(EMPTY, WRITING, Ordering::Acquire, Ordering::Relaxed)
                        .is_ok()
                    {
                        // SAFETY: this thread claimed the slot; nobody reads it before READY.
                        unsafe { *slot.key.get() = key.to_string() };
                        slot.count.store(1, Ordering::Relaxed);
                        slot.state.store(READY, Ordering::Release);
                        return;
                    }
                    // Lost the claim: the slot may now hold our key.
                    if slot.state.load(Ordering::Acquire) == READY && unsafe { &*slot.key.get() } == key {
                        slot.count.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                }
                _ => {}
            }
        }
        self.other.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        for slot in &self.slots {
            if slot.state.load(Ordering::Acquire) == READY {
                // SAFETY: READY keys are immutable.
                let key = unsafe { &*slot.key.get() };
                *out.entry(key.clone()).or_default() += slot.count.load(Ordering::Relaxed);
            }
        }
        let other = self.other.load(Ordering::Relaxed);
        if other > 0 {
            *out.entry("other".to_string()).or_default() += other;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_overflows() {
        let c = KeyCounter::<2>::default();
        c.add("a");
        c.add("b");
        c.add("a");
        c.add("c");
        let s = c.snapshot();
        assert_eq!(s.get("a"), Some(&2));
        assert_eq!(s.get("b"), Some(&1));
        assert_eq!(s.get("other"), Some(&1));
    }

    #[test]
    fn counts_from_many_threads() {
        let c = std::sync::Arc::new(KeyCounter::<8>::default());
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let c = c.clone();
                std::thread::spawn(move || {
                    for _ in 0..1000 {
                        c.add(["x", "y", "z"][i % 3]);
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        let s = c.snapshot();
        assert_eq!(s.values().sum::<u64>(), 8000);
        assert_eq!(s.len(), 3, "{s:?}");
    }

    #[test]
    fn per_process_keeps_one_value() {
        let slot = PerProcess::new(1);
        assert_eq!(*slot.get_or_init(|| 2), 1);
        let empty: PerProcess<u32> = PerProcess::empty();
        assert_eq!(*empty.get_or_init(|| 3), 3);
        assert_eq!(*empty.get_or_init(|| 4), 3);
    }
}
