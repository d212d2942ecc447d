package siteverifyprom_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/siteverify/siteverify/bindings-go"
	siteverifyprom "github.com/siteverify/siteverify/bindings-go/prometheus"
	"github.com/siteverify/siteverify/bindings-go/siteverifytest"
)

// Verifications against the mock through two clients, then a scrape of
// /metrics: every count is the expected one.
func TestScrapeAfterVerifications(t *testing.T) {
	mock := siteverifytest.Start(t)
	metrics := siteverifyprom.New()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(metrics)
	observe := func(cfg *siteverify.Config) {
		cfg.OnEvent = metrics.Observe
		cfg.MaxRetries = siteverify.NoRetries
		cfg.FailMode = siteverify.FailOpen
	}
	gk := mock.Client(t, siteverify.GateKeeper, observe)
	pr := mock.Client(t, siteverify.Prosopo, observe)
	ctx := context.Background()
	verify := func(c *siteverify.Client, tokens ...string) {
		for _, tok := range tokens {
			if _, err := c.Verify(ctx, tok); err != nil {
				t.Fatal(err)
			}
		}
	}
	verify(gk, "pass", "pass", "fail", "", "error:key=bad-request,invalid-input-response")
	verify(pr, "pass", "fail-open", "expired", "error:key=API.UNAUTHORIZED:status=401")
	for _, c := range []*siteverify.Client{gk, pr} {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		if err := c.FlushEvents(ctx); err != nil {
			t.Fatal(err)
		}
		cancel()
	}

	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	scrape := string(body)

	for _, line := range []string{
		`siteverify_verifications_total{accepted="true",provider="gatekeeper",reason="verified"} 2`,
		`siteverify_verifications_total{accepted="false",provider="gatekeeper",reason="token-invalid"} 3`,
		`siteverify_verifications_total{accepted="true",provider="prosopo",reason="verified"} 1`,
		`siteverify_verifications_total{accepted="true",provider="prosopo",reason="provider-fail-open"} 1`,
		`siteverify_verifications_total{accepted="false",provider="prosopo",reason="token-expired-or-duplicate"} 1`,
		`siteverify_verifications_total{accepted="false",provider="prosopo",reason="token-invalid"} 1`,
		`siteverify_verification_duration_seconds_count{accepted="true",provider="gatekeeper"} 2`,
		`siteverify_verification_duration_seconds_count{accepted="false",provider="gatekeeper"} 3`,
		`siteverify_verification_duration_seconds_count{accepted="true",provider="prosopo"} 2`,
		`siteverify_verification_duration_seconds_bucket{accepted="false",provider="prosopo",le="+Inf"} 2`,
		`siteverify_verification_duration_seconds_bucket{accepted="true",provider="gatekeeper",le="10"} 2`,
		`siteverify_fail_open_suspected_total{provider="prosopo"} 1`,
		`siteverify_provider_errors_total{key="bad-request",provider="gatekeeper"} 1`,
		`siteverify_provider_errors_total{key="invalid-input-response",provider="gatekeeper"} 2`,
		`siteverify_provider_errors_total{key="API.USER_NOT_VERIFIED_TIME_EXPIRED",provider="prosopo"} 1`,
		`siteverify_provider_errors_total{key="API.UNAUTHORIZED",provider="prosopo"} 1`,
	} {
		if !strings.Contains(scrape, line+"\n") {
			t.Errorf("the scrape lacks %s", line)
		}
	}
	if t.Failed() {
		t.Logf("scrape:\n%s", scrape)
	}
	if n := testutil.CollectAndCount(metrics, "siteverify_fail_open_suspected_total"); n != 1 {
		t.Errorf("fail-open series: %d, want 1", n)
	}
	// The sum of the counters is every verification; Stats agrees.
	var total float64
	for _, c := range []*siteverify.Client{gk, pr} {
		s, err := c.Stats()
		if err != nil {
			t.Fatal(err)
		}
		total += float64(s.Verifications)
	}
	if total != 9 {
		t.Errorf("Stats counted %v verifications, want 9", total)
	}
	if err := testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP siteverify_fail_open_suspected_total Provider answers that looked like the provider's own fail-open response.
# TYPE siteverify_fail_open_suspected_total counter
siteverify_fail_open_suspected_total{provider="prosopo"} 1
`), "siteverify_fail_open_suspected_total"); err != nil {
		t.Error(err)
	}
}

// Observe can be called directly too (events from anywhere).
func TestObserveEvent(t *testing.T) {
	m := siteverifyprom.New()
	m.Observe(siteverify.Event{
		Provider: siteverify.GateKeeper,
		Outcome:  siteverify.Outcome{Reason: siteverify.ReasonProviderUnavailable},
		Latency:  30 * time.Millisecond,
	})
	want := `
# HELP siteverify_verifications_total CAPTCHA verifications, by provider, outcome reason and whether the request was accepted.
# TYPE siteverify_verifications_total counter
siteverify_verifications_total{accepted="false",provider="gatekeeper",reason="provider-unavailable"} 1
`
	if err := testutil.CollectAndCompare(m, strings.NewReader(want), "siteverify_verifications_total"); err != nil {
		t.Fatal(err)
	}
	if problems, err := testutil.CollectAndLint(m); err != nil || len(problems) > 0 {
		t.Fatalf("lint: %v %v", problems, err)
	}
}
