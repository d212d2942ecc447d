//! `fail_mode=open` accepts an inconclusive outcome only during a confirmed
//! outage: a token that makes the provider fail must not pass while the
//! provider answers other tokens.

use std::time::Duration;

use siteverify::{Client, FailMode, Provider, Reason, VerifyOptions};
use siteverify_mock::{MockConfig, MockServer, DEFAULT_SECRET};

fn open_client(endpoint: String) -> Client {
    Client::builder(Provider::Prosopo)
        .secret(DEFAULT_SECRET)
        .endpoint(endpoint)
        .fail_mode(FailMode::Open)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
        .build()
        .unwrap()
}

fn verify(c: &Client, token: &str) -> siteverify::Outcome {
    c.verify_blocking(token, &VerifyOptions::default()).unwrap()
}

#[test]
fn a_token_that_makes_the_provider_fail_does_not_pass() {
    let mock = MockServer::start(MockConfig::default()).unwrap();
    let c = open_client(mock.prosopo_url());
    for token in [
        "error:key=API.UNKNOWN:status=500",
        "malformed",
        "status:code=502:body=html",
    ] {
        let o = verify(&c, token);
        assert!(!o.accepted && !o.conclusive, "{token}: {o:?}");
        assert!(o.detail.as_deref().unwrap().contains("answers other tokens"), "{o:?}");
    }
    let s = c.stats();
    assert_eq!(s.outage_refused, 3);
    assert_eq!(s.outage_accepted, 0);
    // One probe found the provider up; later failures trust that for a while.
    assert_eq!(s.outage_probes, 1);
    assert_eq!(s.provider_health, "up");
}

#[test]
fn a_provider_failing_for_every_token_is_an_outage() {
    let mock = MockServer::start(MockConfig::default()).unwrap();
    let c = open_client(mock.prosopo_url());
    // Starts a provider-wide outage; every request, the probe included, gets 503.
    let first = verify(&c, "outage:ms=3000");
    assert_eq!(first.reason, Reason::ProviderUnavailable);
    assert!(first.accepted && !first.verified && !first.conclusive, "{first:?}");
    assert!(
        first.detail.as_deref().unwrap().contains("failing for every token"),
        "{first:?}"
    );
    let second = verify(&c, "pass");
    assert!(second.accepted && !second.verified, "{second:?}");
    let s = c.stats();
    assert_eq!(s.outage_accepted, 2);
    assert_eq!(s.outage_probes, 1, "a failed probe is trusted for a while");
    assert_eq!(s.provider_health, "down");

    // The same outage under fail_mode=closed: nothing accepted, nothing probed.
    let closed = Client::builder(Provider::Prosopo)
        .secret(DEFAULT_SECRET)
        .endpoint(mock.prosopo_url())
        .max_retries(0)
        .build()
        .unwrap();
    assert!(!verify(&closed, "pass").accepted);
    assert_eq!(closed.stats().outage_probes, 0);
}

#[test]
fn a_conclusive_answer_ends_an_outage_at_once() {
    let mock = MockServer::start(MockConfig::default()).unwrap();
    let c = open_client(mock.prosopo_url());
    assert!(verify(&c, "outage:ms=300").accepted);
    assert_eq!(c.stats().provider_health, "down");
    std::thread::sleep(Duration::from_millis(400));
    assert!(verify(&c, "pass").verified);
    assert_eq!(c.stats().provider_health, "up");
    // Right after recovery, a token-made failure is refused again.
    assert!(!verify(&c, "error:key=API.UNKNOWN:status=500").accepted);
}

#[test]
fn an_unreachable_provider_needs_no_probe() {
    let c = Client::builder(Provider::GateKeeper)
        .secret(DEFAULT_SECRET)
        .endpoint("http://127.0.0.1:1/api/v1/token/verify")
        .fail_mode(FailMode::Open)
        .max_retries(0)
        .build()
        .unwrap();
    let o = verify(&c, "pass");
    assert!(o.accepted && !o.verified && !o.conclusive, "{o:?}");
    assert!(o.detail.as_deref().unwrap().contains("never sent"), "{o:?}");
    let s = c.stats();
    assert_eq!((s.outage_accepted, s.outage_probes), (1, 0));
}

#[test]
fn refusals_a_token_can_cause_are_rejections_in_open_mode() {
    let mock = MockServer::start(MockConfig::default()).unwrap();
    let c = open_client(mock.prosopo_url());
    for key in [
        "API.INVALID_SITE_KEY",
        "API.UNKNOWN",
        "API.UNKNOWN_ERROR",
        "API.PARSE_ERROR",
        "SOMETHING.NEW",
    ] {
        let o = verify(&c, &format!("error:key={key}"));
        assert!(!o.accepted && o.conclusive, "{key}: {o:?}");
        assert_eq!(o.reason, Reason::TokenInvalid, "{key}");
        assert_eq!(o.error_key.as_deref(), Some(key));
    }
    assert_eq!(
        c.stats().outage_probes,
        0,
        "a conclusive rejection needs no outage check"
    );
}

#[tokio::test]
async fn a_panic_inside_a_verification_is_an_internal_error() {
    let mock = MockServer::start(MockConfig::default()).unwrap();
    let c = open_client(mock.prosopo_url());
    siteverify::fault::arm_injected_panic(true);
    let err = c
        .verify(siteverify::fault::PANIC_TOKEN, &VerifyOptions::default())
        .await
        .unwrap_err();
    siteverify::fault::arm_injected_panic(false);
    assert_eq!(err.code(), siteverify::ErrorCode::Internal);
    assert_eq!(c.stats().errors, 1);
    assert!(c.verify("pass", &VerifyOptions::default()).await.unwrap().verified);
}
