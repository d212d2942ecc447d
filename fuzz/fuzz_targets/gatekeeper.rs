//! GateKeeper's parser on any status and body, under both fail modes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use siteverify::fuzzing::{check, outage_from};
use siteverify::{FailMode, Provider};

fuzz_target!(|input: (u16, u8, &[u8])| {
    let (status, outage, body) = input;
    let status = 100 + status % 500;
    check(Provider::GateKeeper, status, body, FailMode::Closed, None);
    check(Provider::GateKeeper, status, body, FailMode::Open, outage_from(outage));
});
