//! `sv_outcome`: an immutable verdict with an accessor per field.
//!
//! Strings returned by accessors belong to the outcome and stay valid until
//! `sv_outcome_free`. An outcome is immutable: read it from any thread.
//! Accessors given NULL return false, 0 or NULL.

use std::ffi::{c_char, CString};

use core_api::{EventLevel, Outcome, Reason};

use crate::boundary::{c_string, guard_value};

// BEGIN GENERATED reasons (siteverify-vocab; edit core/, then `make vocab`)
/// The provider verified the token and every local check passed.
pub const SV_REASON_VERIFIED: i32 = 0;
/// The token is malformed, forged, from another site, or failed the challenge.
pub const SV_REASON_TOKEN_INVALID: i32 = 1;
/// The token expired or was already used (tokens are single use).
pub const SV_REASON_TOKEN_EXPIRED_OR_DUPLICATE: i32 = 2;
/// The hostname is missing or not one of the expected ones.
pub const SV_REASON_HOSTNAME_MISMATCH: i32 = 3;
/// The action is missing or not one of the expected ones.
pub const SV_REASON_ACTION_MISMATCH: i32 = 4;
/// The score is above the threshold (0 = human, 1 = bot).
pub const SV_REASON_SCORE_ABOVE_THRESHOLD: i32 = 5;
/// A score threshold is set but no score came back.
pub const SV_REASON_SCORE_MISSING: i32 = 6;
/// The challenge is older than the maximum age, or has no usable timestamp.
pub const SV_REASON_CHALLENGE_TOO_OLD: i32 = 7;
/// The provider answered with its fail-open shape: it could not really verify.
pub const SV_REASON_PROVIDER_FAIL_OPEN: i32 = 8;
/// The provider could not be reached, timed out, or answered 5xx or 429.
pub const SV_REASON_PROVIDER_UNAVAILABLE: i32 = 9;
/// The provider refused the request for a reason only the configuration can cause.
pub const SV_REASON_PROVIDER_REJECTED_REQUEST: i32 = 10;
/// The provider's answer was not the documented shape.
pub const SV_REASON_PROTOCOL_ERROR: i32 = 11;
/// A retry was told the token was used, but an earlier attempt may have used it.
pub const SV_REASON_AMBIGUOUS_RETRY: i32 = 12;
/// The provider's TLS certificate or handshake failed verification: never retried, never accepted.
pub const SV_REASON_TLS_FAILURE: i32 = 13;
// END GENERATED reasons

/// The result of a verification. Free with `sv_outcome_free`.
pub struct sv_outcome {
    outcome: Outcome,
    reason: CString,
    hostname: Option<CString>,
    action: Option<CString>,
    challenge_ts: Option<CString>,
    timestamp: Option<CString>,
    error_key: Option<CString>,
    error_codes: Vec<CString>,
    provider_reason: Option<CString>,
    detail: Option<CString>,
    json: CString,
}

impl sv_outcome {
    pub(crate) fn boxed(outcome: Outcome) -> *mut sv_outcome {
        let c = |s: &Option<String>| s.as_deref().map(c_string);
        Box::into_raw(Box::new(sv_outcome {
            reason: c_string(outcome.reason.as_str()),
            hostname: c(&outcome.hostname),
            action: c(&outcome.action),
            challenge_ts: c(&outcome.challenge_ts),
            timestamp: c(&outcome.timestamp),
            error_key: c(&outcome.error_key),
            error_codes: outcome.error_codes.iter().map(|s| c_string(s)).collect(),
            provider_reason: c(&outcome.provider_reason),
            detail: c(&outcome.detail),
            json: c_string(&outcome.to_json()),
            outcome,
        }))
    }
}

fn read<T: Copy>(o: *const sv_outcome, fallback: T, f: impl FnOnce(&sv_outcome) -> T) -> T {
    // SAFETY: o is NULL or a live outcome, per the API contract.
    guard_value(fallback, || unsafe { o.as_ref() }.map_or(fallback, f))
}

fn ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr())
}

/// Let the request through? The one bit to act on.
#[no_mangle]
pub extern "C" fn sv_outcome_accepted(o: *const sv_outcome) -> bool {
    read(o, false, |o| o.outcome.accepted)
}
/// The provider said yes and every local check passed.
#[no_mangle]
pub extern "C" fn sv_outcome_verified(o: *const sv_outcome) -> bool {
    read(o, false, |o| o.outcome.verified)
}
/// The provider (or a local check) gave a definitive answer.
#[no_mangle]
pub extern "C" fn sv_outcome_conclusive(o: *const sv_outcome) -> bool {
    read(o, false, |o| o.outcome.conclusive)
}
/// The reason as an `SV_REASON_*` number; -1 for NULL.
#[no_mangle]
pub extern "C" fn sv_outcome_reason(o: *const sv_outcome) -> i32 {
    read(o, -1, |o| {
        Reason::ALL
            .iter()
            .position(|r| *r == o.outcome.reason)
            .map_or(-1, |i| i as i32)
    })
}
/// The reason's stable kebab-case code, e.g. "score-above-threshold".
#[no_mangle]
pub extern "C" fn sv_outcome_reason_str(o: *const sv_outcome) -> *const c_char {
    read(o, std::ptr::null(), |o| o.reason.as_ptr())
}
/// Writes the risk score (0 = human, 1 = bot) to `*score_out` and returns
/// true when the provider sent one; returns false and writes nothing otherwise.
#[no_mangle]
pub extern "C" fn sv_outcome_score(o: *const sv_outcome, score_out: *mut f64) -> bool {
    read(o, false, |o| match o.outcome.score {
        Some(s) if !score_out.is_null() => {
            // SAFETY: checked non-NULL; the caller passes a writable double.
            unsafe { score_out.write(s) };
            true
        }
        _ => false,
    })
}
/// The hostname the provider reported, or NULL.
#[no_mangle]
pub extern "C" fn sv_outcome_hostname(o: *const sv_outcome) -> *const c_char {
    read(o, std::ptr::null(), |o| ptr(&o.hostname))
}
/// The action the provider reported, or NULL.
#[no_mangle]
pub extern "C" fn sv_outcome_action(o: *const sv_outcome) -> *const c_char {
    read(o, std::ptr::null(), |o| ptr(&o.action))
}
/// When the challenge was solved (RFC 3339, as sent), or NULL.
#[no_mangle]
pub extern "C" fn sv_outcome_challenge_ts(o: *const sv_outcome) -> *const c_char {
    read(o, std::ptr::null(), |o| ptr(&o.challenge_ts))
}
/// When the provider verified (RFC 3339, as sent), or NULL.
#[no_mangle]
pub extern "C" fn sv_outcome_timestamp(o: *const sv_outcome) -> *const c_char {
    read(o, std::ptr::null(), |o| ptr(&o.timestamp))
}
/// The provider's error key (Prosopo `error.key`), or NULL.
#[no_mangle]
pub extern "C" fn sv_outcome_error_key(o: *const sv_outcome) -> *const c_char {
    read(o, std::ptr::null(), |o| ptr(&o.error_key))
}
/// How many provider error codes (GateKeeper `error_codes`) there are.
#[no_mangle]
pub extern "C" fn sv_outcome_error_code_count(o: *const sv_outcome) -> usize {
    read(o, 0, |o| o.error_codes.len())
}
/// The error code at `index`, or NULL when out of range.
#[no_mangle]
pub extern "C" fn sv_outcome_error_code(o: *const sv_outcome, index: usize) -> *const c_char {
    read(o, std::ptr::null(), |o| {
        o.error_codes.get(index).map_or(std::ptr::null(), |s| s.as_ptr())
    })
}
/// The provider's own free-text `reason`, or NULL.
#[no_mangle]
pub extern "C" fn sv_outcome_provider_reason(o: *const sv_outcome) -> *const c_char {
    read(o, std::ptr::null(), |o| ptr(&o.provider_reason))
}
/// HTTP status of the last provider answer; 0 when no answer came.
#[no_mangle]
pub extern "C" fn sv_outcome_http_status(o: *const sv_outcome) -> u16 {
    read(o, 0, |o| o.outcome.http_status.unwrap_or(0))
}
/// A later retry of the same verification could succeed.
#[no_mangle]
pub extern "C" fn sv_outcome_retryable(o: *const sv_outcome) -> bool {
    read(o, false, |o| o.outcome.retryable)
}
/// HTTP attempts made (0 when rejected locally).
#[no_mangle]
pub extern "C" fn sv_outcome_attempts(o: *const sv_outcome) -> u32 {
    read(o, 0, |o| o.outcome.attempts)
}
/// The answer looks like the provider's fail-open response.
#[no_mangle]
pub extern "C" fn sv_outcome_fail_open_suspected(o: *const sv_outcome) -> bool {
    read(o, false, |o| o.outcome.fail_open_suspected)
}
/// A short explanation written by siteverify, or NULL.
#[no_mangle]
pub extern "C" fn sv_outcome_detail(o: *const sv_outcome) -> *const c_char {
    read(o, std::ptr::null(), |o| ptr(&o.detail))
}
/// The whole outcome as one JSON object (the core's field names).
#[no_mangle]
pub extern "C" fn sv_outcome_to_json(o: *const sv_outcome) -> *const c_char {
    read(o, std::ptr::null(), |o| o.json.as_ptr())
}
/// The level to log this verification's event at, as the core decides it
/// (the `level` of the event callback's JSON; static): "debug" for an
/// accepted verdict, "info" for a rejection, "warn" for a refused request, a
/// TLS failure or a fail-open answer. NULL for NULL.
#[no_mangle]
pub extern "C" fn sv_outcome_event_level(o: *const sv_outcome) -> *const c_char {
    read(o, std::ptr::null(), |o| event_level_cstr(EventLevel::of(&o.outcome)))
}

fn event_level_cstr(l: EventLevel) -> *const c_char {
    static NAMES: std::sync::OnceLock<Vec<CString>> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| EventLevel::ALL.iter().map(|l| c_string(l.as_str())).collect());
    let i = EventLevel::ALL
        .iter()
        .position(|x| *x == l)
        .expect("every level is in ALL");
    names[i].as_ptr()
}

/// The stable kebab-case code of an `SV_REASON_*` number (static), or NULL if unknown.
#[no_mangle]
pub extern "C" fn sv_reason_str(reason: i32) -> *const c_char {
    guard_value(std::ptr::null(), || {
        usize::try_from(reason)
            .ok()
            .and_then(|i| Reason::ALL.get(i))
            .map_or(std::ptr::null(), |r| reason_cstr(*r))
    })
}

fn reason_cstr(r: Reason) -> *const c_char {
    // Static C strings, one per reason, built from the core's codes once.
    static NAMES: std::sync::OnceLock<Vec<CString>> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| Reason::ALL.iter().map(|r| c_string(r.as_str())).collect());
    let i = Reason::ALL
        .iter()
        .position(|x| *x == r)
        .expect("every reason is in ALL");
    names[i].as_ptr()
}

/// Frees an outcome (and every string read from it). NULL is a no-op.
#[no_mangle]
pub extern "C" fn sv_outcome_free(o: *mut sv_outcome) {
    if !o.is_null() {
        // SAFETY: from Box::into_raw in this library, freed once.
        guard_value((), || drop(unsafe { Box::from_raw(o) }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_numbers_follow_the_core_order() {
        let consts = [
            SV_REASON_VERIFIED,
            SV_REASON_TOKEN_INVALID,
            SV_REASON_TOKEN_EXPIRED_OR_DUPLICATE,
            SV_REASON_HOSTNAME_MISMATCH,
            SV_REASON_ACTION_MISMATCH,
            SV_REASON_SCORE_ABOVE_THRESHOLD,
            SV_REASON_SCORE_MISSING,
            SV_REASON_CHALLENGE_TOO_OLD,
            SV_REASON_PROVIDER_FAIL_OPEN,
            SV_REASON_PROVIDER_UNAVAILABLE,
            SV_REASON_PROVIDER_REJECTED_REQUEST,
            SV_REASON_PROTOCOL_ERROR,
            SV_REASON_AMBIGUOUS_RETRY,
            SV_REASON_TLS_FAILURE,
        ];
        assert_eq!(consts.len(), Reason::ALL.len());
        for (i, (c, r)) in consts.iter().zip(Reason::ALL).enumerate() {
            assert_eq!(*c as usize, i);
            let name = unsafe { std::ffi::CStr::from_ptr(sv_reason_str(*c)) };
            assert_eq!(name.to_str().unwrap(), r.as_str());
        }
        assert!(sv_reason_str(99).is_null());
        assert!(sv_reason_str(-1).is_null());
    }
}
