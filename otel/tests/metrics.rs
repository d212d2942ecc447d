//! Verifications against the mock, scraped from an in-memory exporter.

use opentelemetry::metrics::MeterProvider;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, SdkMeterProvider};
use siteverify::{Client, Provider, VerifyOptions};
use siteverify_mock::{MockConfig, MockServer, DEFAULT_SECRET};
use siteverify_opentelemetry::Metrics;

fn attrs(kv: impl Iterator<Item = opentelemetry::KeyValue>) -> String {
    let mut v: Vec<String> = kv.map(|kv| format!("{}={}", kv.key, kv.value)).collect();
    v.sort();
    v.join(",")
}

#[test]
fn verifications_are_counted_and_timed() {
    let exporter = InMemoryMetricExporter::default();
    let provider = SdkMeterProvider::builder()
        .with_periodic_exporter(exporter.clone())
        .build();
    let metrics = Metrics::new(&provider.meter("test"));
    let mock = MockServer::start(MockConfig::default()).unwrap();
    let client = Client::builder(Provider::Prosopo)
        .secret(DEFAULT_SECRET)
        .endpoint(mock.prosopo_url())
        .on_event(move |e| metrics.record(e))
        .build()
        .unwrap();
    let opts = VerifyOptions::default();
    for token in ["pass", "pass", "fail", "fail-open", "error:key=API.INVALID_SITE_KEY"] {
        client.verify_blocking(token, &opts).unwrap();
    }
    provider.force_flush().unwrap();

    let exported = exporter.get_finished_metrics().unwrap();
    let mut counts = Vec::new();
    let mut durations = 0;
    let mut fail_open = 0;
    let mut keys = Vec::new();
    for rm in &exported {
        for sm in rm.scope_metrics() {
            for m in sm.metrics() {
                match (m.name(), m.data()) {
                    ("siteverify.verifications", AggregatedMetrics::U64(MetricData::Sum(s))) => {
                        for p in s.data_points() {
                            counts.push(format!("{} {}", attrs(p.attributes().cloned()), p.value()));
                        }
                    }
                    ("siteverify.verification.duration", AggregatedMetrics::F64(MetricData::Histogram(h))) => {
                        durations += h.data_points().map(|p| p.count()).sum::<u64>();
                    }
                    ("siteverify.fail_open_suspected", AggregatedMetrics::U64(MetricData::Sum(s))) => {
                        fail_open += s.data_points().map(|p| p.value()).sum::<u64>();
                    }
                    ("siteverify.provider_errors", AggregatedMetrics::U64(MetricData::Sum(s))) => {
                        for p in s.data_points() {
                            keys.push(attrs(p.attributes().cloned()));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    counts.sort();
    assert_eq!(
        counts,
        [
            "accepted=false,provider=prosopo,reason=provider-fail-open 1",
            "accepted=false,provider=prosopo,reason=token-invalid 2",
            "accepted=true,provider=prosopo,reason=verified 2",
        ]
    );
    assert_eq!(durations, 5);
    assert_eq!(fail_open, 1);
    assert_eq!(keys, ["key=API.INVALID_SITE_KEY,provider=prosopo"]);
}
