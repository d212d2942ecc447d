//! Runs every case in `tests/vectors/` through the async and the blocking API.

mod common;

use common::*;
use siteverify_mock::{MockConfig, MockServer};

fn build(case: &Case, mock: &MockServer) -> Result<siteverify::Client, siteverify::Error> {
    builder(case, mock)?.build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vectors_async() {
    let mock = MockServer::start(MockConfig::default()).unwrap();
    let mut problems = Vec::new();
    let cases = load_cases();
    for case in &cases {
        if is_config_case(case) {
            problems.extend(check_config(case, build(case, &mock)));
            continue;
        }
        let client = build(case, &mock).unwrap_or_else(|e| panic!("{}: {e}", case.name()));
        let token = token(case, "async").unwrap();
        let opts = options(case);
        for _ in 0..case.raw["prior_verifications"].as_u64().unwrap_or(0) {
            let _ = client.verify(&token, &opts).await;
        }
        problems.extend(check_result(case, client.verify(&token, &opts).await));
    }
    assert!(
        problems.is_empty(),
        "{} of {} cases disagree:\n{}",
        problems.len(),
        cases.len(),
        problems.join("\n")
    );
}

#[test]
fn vectors_blocking() {
    let mock = MockServer::start(MockConfig::default()).unwrap();
    let mut problems = Vec::new();
    for case in &load_cases() {
        if is_config_case(case) {
            continue;
        }
        let client = build(case, &mock).unwrap();
        let token = token(case, "blocking").unwrap();
        let opts = options(case);
        for _ in 0..case.raw["prior_verifications"].as_u64().unwrap_or(0) {
            let _ = client.verify_blocking(&token, &opts);
        }
        problems.extend(check_result(case, client.verify_blocking(&token, &opts)));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
