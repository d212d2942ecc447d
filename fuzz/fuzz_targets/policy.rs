//! Parse + policy for both providers on JSON-shaped answers: the fuzzer
//! mutates a documented answer's keys and values rather than raw bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use siteverify::fuzzing::{check, outage_from};
use siteverify::{FailMode, Provider};

const SEEDS: [&str; 6] = [
    r#"{"status":"ok","verified":true,"score":0.1}"#,
    r#"{"status":"ok","verified":true,"score":0}"#,
    r#"{"error":{"code":400,"key":"API.INVALID_SITE_KEY","message":"m","data":{}}}"#,
    r#"{"success":true,"data":{"verified":true,"score":0.15,"hostname":"a.example"}}"#,
    r#"{"success":true,"data":{"verified":false,"error_codes":["invalid-input-response"]}}"#,
    r#"{"success":false,"error_codes":["invalid-input-secret","bad-request"]}"#,
];

fuzz_target!(|input: (u8, u16, u8, bool, &str)| {
    let (seed, status, outage, open, splice) = input;
    // Splice the fuzzer's text into a documented answer at a place it picks.
    let base = SEEDS[seed as usize % SEEDS.len()];
    let at = (status as usize) % (base.len() + 1);
    let Some(head) = base.get(..at) else { return };
    let body = format!("{head}{splice}{}", &base[at..]);
    let status = if seed & 0x80 == 0 { 200 } else { 100 + status % 500 };
    let mode = if open { FailMode::Open } else { FailMode::Closed };
    for provider in [Provider::Prosopo, Provider::GateKeeper] {
        check(provider, status, body.as_bytes(), mode, outage_from(outage));
    }
});
