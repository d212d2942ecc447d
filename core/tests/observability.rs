//! One event per verification (hook and `tracing`), latency histograms.

use std::sync::{Arc, Mutex};

use siteverify::{Client, EventLevel, Provider, VerifyOptions};
use siteverify_mock::{MockConfig, MockServer, DEFAULT_SECRET};

const TOKEN: &str = "pass:score=0.2:id=a-long-and-unique-token-value";

#[test]
fn every_verification_gives_one_event_without_the_secret_or_the_token() {
    let mock = MockServer::start(MockConfig::default()).unwrap();
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let c = Client::builder(Provider::GateKeeper)
        .secret(DEFAULT_SECRET)
        .endpoint(mock.gatekeeper_url())
        .on_event(move |e| sink.lock().unwrap().push(e.to_json()))
        .build()
        .unwrap();
    let opts = VerifyOptions::default();
    c.verify_blocking(TOKEN, &opts).unwrap();
    c.verify_blocking("fail", &opts).unwrap();
    c.verify_blocking("", &opts).unwrap();
    c.verify_blocking("error:key=invalid-input-secret:status=401", &opts)
        .unwrap();
    let events = events.lock().unwrap();
    assert_eq!(events.len(), 4);
    let first: serde_json::Value = serde_json::from_str(&events[0]).unwrap();
    assert_eq!(first["provider"], "gatekeeper");
    assert_eq!(first["accepted"], true);
    assert_eq!(first["reason"], "verified");
    assert_eq!(first["http_status"], 200);
    assert_eq!(first["attempts"], 1);
    assert!(first["latency"].as_f64().unwrap() > 0.0);
    assert_eq!(first["token_fingerprint"].as_str().unwrap().len(), 8);
    assert_eq!(first["level"], "debug");
    let second: serde_json::Value = serde_json::from_str(&events[1]).unwrap();
    assert_eq!(second["reason"], "token-invalid");
    assert_eq!(second["level"], "info");
    let fourth: serde_json::Value = serde_json::from_str(&events[3]).unwrap();
    assert_eq!(fourth["reason"], "provider-rejected-request");
    assert_eq!(fourth["level"], "warn");
    assert_ne!(first["token_fingerprint"], second["token_fingerprint"]);
    for e in events.iter() {
        assert!(!e.contains(DEFAULT_SECRET), "secret in {e}");
        assert!(!e.contains("a-long-and-unique-token-value"), "token in {e}");
    }
}

#[test]
fn a_panicking_hook_changes_nothing() {
    let mock = MockServer::start(MockConfig::default()).unwrap();
    let c = Client::builder(Provider::Prosopo)
        .secret(DEFAULT_SECRET)
        .endpoint(mock.prosopo_url())
        .on_event(|_| panic!("a broken hook"))
        .build()
        .unwrap();
    let o = c.verify_blocking("pass", &VerifyOptions::default()).unwrap();
    assert!(o.verified);
    assert_eq!(c.stats().errors, 0);
}

#[test]
fn latency_histograms_count_verifications_and_round_trips() {
    let mock = MockServer::start(MockConfig::default()).unwrap();
    let c = Client::builder(Provider::GateKeeper)
        .secret(DEFAULT_SECRET)
        .endpoint(mock.gatekeeper_url())
        .retry_backoff(std::time::Duration::from_millis(1), std::time::Duration::from_millis(2))
        .build()
        .unwrap();
    let opts = VerifyOptions::default();
    c.verify_blocking("pass", &opts).unwrap();
    c.verify_blocking("flaky:fails=1:id=histogram", &opts).unwrap();
    c.verify_blocking("", &opts).unwrap();
    let s = c.stats();
    assert_eq!(s.verification_seconds.count, 3);
    assert_eq!(s.round_trip_seconds.count, 3, "1 + 2 answered attempts");
    assert_eq!(s.by_attempts.get("0"), Some(&1));
    assert_eq!(s.by_attempts.get("1"), Some(&1));
    assert_eq!(s.by_attempts.get("2"), Some(&1));
    let last = s.verification_seconds.buckets.last().unwrap();
    assert!(last.0.is_infinite() && last.1 == 3);
    assert!(s.to_json().contains("\"verification_seconds\""));
}

/// A subscriber that keeps each `siteverify` event's fields as text.
struct Capture(Arc<Mutex<Vec<String>>>);

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Fields(String);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!("{}={:?} ", field.name(), value));
            }
        }
        if event.metadata().target() == "siteverify" {
            let mut f = Fields(format!("{} ", event.metadata().level()));
            event.record(&mut f);
            self.0.lock().unwrap().push(f.0);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn tracing_gets_one_event_per_verification_at_the_events_level() {
    let mock = MockServer::start(MockConfig::default()).unwrap();
    let levels = Arc::new(Mutex::new(Vec::new()));
    let sink = levels.clone();
    let c = Client::builder(Provider::Prosopo)
        .secret(DEFAULT_SECRET)
        .endpoint(mock.prosopo_url())
        .on_event(move |e| sink.lock().unwrap().push(e.level))
        .build()
        .unwrap();
    let lines = Arc::new(Mutex::new(Vec::new()));
    tracing::subscriber::with_default(Capture(lines.clone()), || {
        c.verify_blocking("pass", &VerifyOptions::default()).unwrap();
        c.verify_blocking("fail", &VerifyOptions::default()).unwrap();
        c.verify_blocking("fail-open", &VerifyOptions::default()).unwrap();
    });
    let lines = lines.lock().unwrap();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(
        *levels.lock().unwrap(),
        [EventLevel::Debug, EventLevel::Info, EventLevel::Warn]
    );
    assert!(
        lines[0].starts_with("DEBUG") && lines[0].contains("reason=\"verified\""),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("INFO") && lines[1].contains("reason=\"token-invalid\""),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("WARN") && lines[2].contains("reason=\"provider-fail-open\""),
        "{}",
        lines[2]
    );
    assert!(lines.iter().all(|l| !l.contains(DEFAULT_SECRET)));
}
