//! Parse + policy for every provider on JSON-shaped answers: the fuzzer
//! mutates a documented answer's keys and values rather than raw bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use siteverify::fuzzing::{check, outage_from};
use siteverify::{FailMode, Provider};

const SEEDS: [&str; 13] = [
    r#"{"status":"ok","verified":true,"score":0.1}"#,
    r#"{"status":"ok","verified":true,"score":0}"#,
    r#"{"error":{"code":400,"key":"API.INVALID_SITE_KEY","message":"m","data":{}}}"#,
    r#"{"success":true,"data":{"verified":true,"score":0.15,"hostname":"a.example"}}"#,
    r#"{"success":true,"data":{"verified":false,"error_codes":["invalid-input-response"]}}"#,
    r#"{"success":false,"error_codes":["invalid-input-secret","bad-request"]}"#,
    r#"{"success":true,"error-codes":[],"challenge_ts":"2024-01-01T00:00:00Z","hostname":"a.example","action":"login","score":0.9}"#,
    r#"{"success":false,"error-codes":["invalid-input-secret","not-using-dummy-passcode"]}"#,
    r#"{"tokenProperties":{"valid":true,"hostname":"a.example","action":"login"},"riskAnalysis":{"score":0.9,"reasons":[]}}"#,
    r#"{"error":{"code":400,"message":"m","status":"INVALID_ARGUMENT","details":[{"reason":"API_KEY_INVALID"}]}}"#,
    r#"{"success":true,"data":{"challenge":{"timestamp":"2024-01-01T00:00:00Z","origin":"https://a.example"}}}"#,
    r#"{"success":false,"error":{"error_code":"sitekey_invalid","detail":"d"}}"#,
    r#"{"status":"ok","message":"","host":"a.example"}"#,
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
    for provider in Provider::ALL {
        check(provider, status, body.as_bytes(), mode, outage_from(outage));
    }
});
