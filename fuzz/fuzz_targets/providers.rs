//! The parsers of Turnstile, hCaptcha, reCAPTCHA, reCAPTCHA Enterprise,
//! Friendly Captcha and Yandex SmartCaptcha on any status and body, under
//! both fail modes (one target for six, so the smoke run stays short).
#![no_main]

use libfuzzer_sys::fuzz_target;
use siteverify::fuzzing::{check, outage_from};
use siteverify::{FailMode, Provider};

fuzz_target!(|input: (u16, u8, &[u8])| {
    let (status, outage, body) = input;
    let status = 100 + status % 500;
    for provider in Provider::ALL.into_iter().skip(2) {
        check(provider, status, body, FailMode::Closed, None);
        check(provider, status, body, FailMode::Open, outage_from(outage));
    }
});
