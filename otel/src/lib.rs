//! OpenTelemetry metrics for siteverify: an event hook that records every
//! verification in OpenTelemetry instruments.
//!
//! ```no_run
//! use siteverify::{Client, Provider};
//! let meter = opentelemetry::global::meter("my-app");
//! let metrics = siteverify_opentelemetry::Metrics::new(&meter);
//! let client = Client::builder(Provider::Prosopo)
//!     .secret(std::env::var("PROSOPO_SECRET").unwrap())
//!     .on_event(move |event| metrics.record(event))
//!     .build()?;
//! # Ok::<(), siteverify::Error>(())
//! ```
//!
//! | instrument | kind | attributes | Prometheus name |
//! |---|---|---|---|
//! | `siteverify.verifications` | counter | `provider`, `reason`, `accepted` | `siteverify_verifications_total` |
//! | `siteverify.verification.duration` | histogram, seconds | `provider`, `accepted` | `siteverify_verification_duration_seconds` |
//! | `siteverify.fail_open_suspected` | counter | `provider` | `siteverify_fail_open_suspected_total` |
//! | `siteverify.provider_errors` | counter | `provider`, `key` (the provider's error key or code) | `siteverify_provider_errors_total` |

use opentelemetry::metrics::{Counter, Histogram, Meter};
use opentelemetry::KeyValue;
use siteverify::{VerificationEvent, LATENCY_BUCKETS};

/// The instruments; record events with [`Metrics::record`].
#[derive(Clone)]
pub struct Metrics {
    verifications: Counter<u64>,
    duration: Histogram<f64>,
    fail_open_suspected: Counter<u64>,
    provider_errors: Counter<u64>,
}

impl Metrics {
    /// Creates the instruments on `meter`.
    pub fn new(meter: &Meter) -> Self {
        Metrics {
            verifications: meter
                .u64_counter("siteverify.verifications")
                .with_description("Verifications, by provider, reason and whether they were accepted")
                .build(),
            duration: meter
                .f64_histogram("siteverify.verification.duration")
                .with_unit("s")
                .with_description("Time from the call to the verdict, retries included")
                .with_boundaries(LATENCY_BUCKETS.to_vec())
                .build(),
            fail_open_suspected: meter
                .u64_counter("siteverify.fail_open_suspected")
                .with_description("Answers that looked like the provider's own fail-open")
                .build(),
            provider_errors: meter
                .u64_counter("siteverify.provider_errors")
                .with_description("Provider error keys and codes seen")
                .build(),
        }
    }

    /// Records one verification.
    pub fn record(&self, event: &VerificationEvent<'_>) {
        let o = event.outcome;
        let provider = KeyValue::new("provider", event.provider);
        let accepted = KeyValue::new("accepted", o.accepted);
        self.verifications.add(
            1,
            &[
                provider.clone(),
                KeyValue::new("reason", o.reason.as_str()),
                accepted.clone(),
            ],
        );
        self.duration
            .record(event.latency.as_secs_f64(), &[provider.clone(), accepted]);
        if o.fail_open_suspected {
            self.fail_open_suspected.add(1, std::slice::from_ref(&provider));
        }
        // Keys and codes are bounded in length and count by the core's parser.
        for key in o.error_key.iter().chain(o.error_codes.iter()) {
            self.provider_errors
                .add(1, &[provider.clone(), KeyValue::new("key", key.clone())]);
        }
    }
}
