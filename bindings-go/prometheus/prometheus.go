// Package siteverifyprom exports siteverify's metrics to Prometheus with
// client_golang, in a module of its own so that the siteverify module keeps
// no dependencies.
//
//	metrics := siteverifyprom.New()
//	prometheus.MustRegister(metrics)
//	cfg.OnEvent = metrics.Observe // for every client to count
//
// The metrics, with the names every siteverify exporter uses:
//
//	siteverify_verifications_total{provider,reason,accepted}          counter
//	siteverify_verification_duration_seconds{provider,accepted}        histogram (siteverify.LatencyBuckets)
//	siteverify_fail_open_suspected_total{provider}                     counter
//	siteverify_provider_errors_total{provider,key}                     counter
//
// They are counted from the client's events (Config.OnEvent), not read from
// Client.Stats: an event carries the provider, reason and accepted bit of one
// verification together, so the labels combine exactly (Stats counts reasons
// and accepted outcomes apart, and times verifications without the accepted
// label); one Metrics serves any number of clients, which need not be
// registered or unregistered as they come and go; and a closed client's counts
// stay, as a Prometheus counter's must. Events reach Observe on the client's
// event goroutine right after each verification (Client.FlushEvents waits
// for them, in tests).
package siteverifyprom

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/siteverify/siteverify/bindings-go"
)

// Metrics is a prometheus.Collector of siteverify's metrics, fed by Observe.
// It is safe for concurrent use.
type Metrics struct {
	verifications  *prometheus.CounterVec
	duration       *prometheus.HistogramVec
	failOpen       *prometheus.CounterVec
	providerErrors *prometheus.CounterVec
}

// New creates the metrics; register them with a prometheus.Registerer.
func New() *Metrics {
	return &Metrics{
		verifications: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "siteverify_verifications_total",
			Help: "CAPTCHA verifications, by provider, outcome reason and whether the request was accepted.",
		}, []string{"provider", "reason", "accepted"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "siteverify_verification_duration_seconds",
			Help:    "Time from the verify call to the verdict, retries included.",
			Buckets: siteverify.LatencyBuckets(),
		}, []string{"provider", "accepted"}),
		failOpen: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "siteverify_fail_open_suspected_total",
			Help: "Provider answers that looked like the provider's own fail-open response.",
		}, []string{"provider"}),
		providerErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "siteverify_provider_errors_total",
			Help: "Provider error keys and codes seen (Prosopo error.key, GateKeeper error_codes).",
		}, []string{"provider", "key"}),
	}
}

// Observe counts one verification's event. Set it as Config.OnEvent.
func (m *Metrics) Observe(e siteverify.Event) {
	o := e.Outcome
	provider := string(e.Provider)
	accepted := strconv.FormatBool(o.Accepted)
	m.verifications.WithLabelValues(provider, string(o.Reason), accepted).Inc()
	m.duration.WithLabelValues(provider, accepted).Observe(e.Latency.Seconds())
	if o.FailOpenSuspected {
		m.failOpen.WithLabelValues(provider).Inc()
	}
	// Keys and codes are bounded in length and number by the core's parser.
	if o.ErrorKey != "" {
		m.providerErrors.WithLabelValues(provider, o.ErrorKey).Inc()
	}
	for _, code := range o.ErrorCodes {
		m.providerErrors.WithLabelValues(provider, code).Inc()
	}
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	m.verifications.Describe(ch)
	m.duration.Describe(ch)
	m.failOpen.Describe(ch)
	m.providerErrors.Describe(ch)
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.verifications.Collect(ch)
	m.duration.Collect(ch)
	m.failOpen.Collect(ch)
	m.providerErrors.Collect(ch)
}
