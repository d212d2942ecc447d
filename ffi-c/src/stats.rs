//! `sv_stats`: a snapshot of a client's counters. Immutable; free with `sv_stats_free`.

use std::ffi::{c_char, CString};

use core_api::StatsSnapshot;

use crate::boundary::{c_string, guard_value};

/// A point-in-time copy of a client's counters.
pub struct sv_stats {
    snapshot: StatsSnapshot,
    json: CString,
    /// `by_error_key`'s keys, in order, for `sv_stats_error_key_at`.
    keys: Vec<CString>,
    health: CString,
}

impl sv_stats {
    pub(crate) fn boxed(snapshot: StatsSnapshot) -> *mut sv_stats {
        Box::into_raw(Box::new(sv_stats {
            json: c_string(&snapshot.to_json()),
            keys: snapshot.by_error_key.keys().map(|k| c_string(k)).collect(),
            health: c_string(&snapshot.provider_health),
            snapshot,
        }))
    }
}

fn read(s: *const sv_stats, f: impl FnOnce(&StatsSnapshot) -> u64) -> u64 {
    // SAFETY: s is NULL or a live sv_stats, per the API contract.
    guard_value(0, || unsafe { s.as_ref() }.map_or(0, |s| f(&s.snapshot)))
}

/// Verifications that produced an outcome.
#[no_mangle]
pub extern "C" fn sv_stats_verifications(s: *const sv_stats) -> u64 {
    read(s, |s| s.verifications)
}
/// Outcomes with accepted == true.
#[no_mangle]
pub extern "C" fn sv_stats_accepted(s: *const sv_stats) -> u64 {
    read(s, |s| s.accepted)
}
/// Outcomes with accepted == false: definite rejections and inconclusive
/// outcomes that were not accepted alike.
#[no_mangle]
pub extern "C" fn sv_stats_not_accepted(s: *const sv_stats) -> u64 {
    read(s, |s| s.not_accepted)
}
/// Deprecated name of `sv_stats_not_accepted` (it counts more than rejections).
#[no_mangle]
pub extern "C" fn sv_stats_rejected(s: *const sv_stats) -> u64 {
    sv_stats_not_accepted(s)
}
/// Outcomes with conclusive == false.
#[no_mangle]
pub extern "C" fn sv_stats_inconclusive(s: *const sv_stats) -> u64 {
    read(s, |s| s.inconclusive)
}
/// Outcomes that looked like a provider fail-open: alert when this climbs.
#[no_mangle]
pub extern "C" fn sv_stats_fail_open_suspected(s: *const sv_stats) -> u64 {
    read(s, |s| s.fail_open_suspected)
}
/// HTTP attempts beyond the first.
#[no_mangle]
pub extern "C" fn sv_stats_retries(s: *const sv_stats) -> u64 {
    read(s, |s| s.retries)
}
/// Calls that failed with an error instead of an outcome.
#[no_mangle]
pub extern "C" fn sv_stats_errors(s: *const sv_stats) -> u64 {
    read(s, |s| s.errors)
}
/// Outcomes with the reason `SV_REASON_*` `reason`.
#[no_mangle]
pub extern "C" fn sv_stats_reason_count(s: *const sv_stats, reason: i32) -> u64 {
    let name = crate::outcome::sv_reason_str(reason);
    if name.is_null() {
        return 0;
    }
    // SAFETY: sv_reason_str returns a static NUL-terminated string.
    let name = unsafe { std::ffi::CStr::from_ptr(name) }.to_string_lossy().into_owned();
    read(s, |s| s.by_reason.get(&name).copied().unwrap_or(0))
}
/// Count of provider error key or code `key` (Prosopo `error.key`, GateKeeper
/// `error_codes`; past 64 distinct keys, the rest count under `"other"`).
/// NULL or a key never seen gives 0.
#[no_mangle]
pub extern "C" fn sv_stats_error_key_count(s: *const sv_stats, key: *const c_char) -> u64 {
    if key.is_null() {
        return 0;
    }
    // SAFETY: key is a NUL-terminated string per the API contract.
    let key = unsafe { std::ffi::CStr::from_ptr(key) }.to_string_lossy().into_owned();
    read(s, |s| s.by_error_key.get(&key).copied().unwrap_or(0))
}
/// How many distinct error keys the snapshot holds (see `sv_stats_error_key_at`).
#[no_mangle]
pub extern "C" fn sv_stats_error_key_len(s: *const sv_stats) -> usize {
    read(s, |s| s.by_error_key.len() as u64) as usize
}
/// The `index`-th error key (in sorted order), valid until `sv_stats_free`;
/// NULL when out of range. Its count is `sv_stats_error_key_count`.
#[no_mangle]
pub extern "C" fn sv_stats_error_key_at(s: *const sv_stats, index: usize) -> *const c_char {
    // SAFETY: s is NULL or a live sv_stats, per the API contract.
    guard_value(std::ptr::null(), || {
        unsafe { s.as_ref() }
            .and_then(|s| s.keys.get(index))
            .map_or(std::ptr::null(), |k| k.as_ptr())
    })
}
/// Inconclusive outcomes that `fail_mode=open` accepted during a confirmed outage.
#[no_mangle]
pub extern "C" fn sv_stats_outage_accepted(s: *const sv_stats) -> u64 {
    read(s, |s| s.outage_accepted)
}
/// Inconclusive outcomes that `fail_mode=open` refused: no outage was confirmed.
#[no_mangle]
pub extern "C" fn sv_stats_outage_refused(s: *const sv_stats) -> u64 {
    read(s, |s| s.outage_refused)
}
/// Outage probes sent.
#[no_mangle]
pub extern "C" fn sv_stats_outage_probes(s: *const sv_stats) -> u64 {
    read(s, |s| s.outage_probes)
}
/// The provider's health as the outage check sees it: "up", "down" or "unknown"
/// (valid until `sv_stats_free`).
#[no_mangle]
pub extern "C" fn sv_stats_provider_health(s: *const sv_stats) -> *const c_char {
    // SAFETY: as above.
    guard_value(std::ptr::null(), || {
        unsafe { s.as_ref() }.map_or(std::ptr::null(), |s| s.health.as_ptr())
    })
}
/// Every counter as JSON, including `by_reason` and `by_error_key` maps.
/// Valid until `sv_stats_free`.
#[no_mangle]
pub extern "C" fn sv_stats_to_json(s: *const sv_stats) -> *const c_char {
    // SAFETY: as above.
    guard_value(std::ptr::null(), || {
        unsafe { s.as_ref() }.map_or(std::ptr::null(), |s| s.json.as_ptr())
    })
}
/// Frees a snapshot. NULL is a no-op.
#[no_mangle]
pub extern "C" fn sv_stats_free(s: *mut sv_stats) {
    if !s.is_null() {
        // SAFETY: from Box::into_raw in this library, freed once.
        guard_value((), || drop(unsafe { Box::from_raw(s) }));
    }
}
