package siteverify_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siteverify/siteverify/bindings-go"
	"github.com/siteverify/siteverify/bindings-go/siteverifytest"
)

func flush(t *testing.T, c *siteverify.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.FlushEvents(ctx); err != nil {
		t.Fatal(err)
	}
}

func fingerprint(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:4])
}

// Each verification logs one slog record: its level, its attributes, the
// token's fingerprint, and neither the token nor the secret.
func TestLoggerRecords(t *testing.T) {
	mock := siteverifytest.Start(t, siteverifytest.WithSecret("s3cr3t-never-logged"))
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(lockedWriter{&mu, &buf}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := mock.Client(t, siteverify.GateKeeper, func(cfg *siteverify.Config) { cfg.Logger = logger })

	tokens := []string{"pass:score=0.2:id=tok-A1", "fail:id=tok-B2", "error:key=invalid-input-secret:status=401:id=tok-C3"}
	for _, tok := range tokens {
		if _, err := c.Verify(context.Background(), tok); err != nil {
			t.Fatal(err)
		}
	}
	flush(t, c)
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d records, want 3:\n%s", len(lines), out)
	}
	wantLevel := []string{"DEBUG", "INFO", "WARN"}
	wantReason := []string{"verified", "token-invalid", "provider-rejected-request"}
	for i, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		if rec["msg"] != siteverify.EventMessage || rec["level"] != wantLevel[i] || rec["reason"] != wantReason[i] ||
			rec["provider"] != "gatekeeper" || rec["token_fingerprint"] != fingerprint(tokens[i]) {
			t.Errorf("record %d: %s", i, line)
		}
		if _, ok := rec["latency_ms"].(float64); !ok {
			t.Errorf("record %d has no latency_ms: %s", i, line)
		}
	}
	if !strings.Contains(lines[0], `"score":0.2`) || !strings.Contains(lines[2], `"error_codes":["invalid-input-secret"]`) {
		t.Errorf("score or error codes missing:\n%s", out)
	}
	for _, secret := range []string{"s3cr3t-never-logged", "tok-A1", "tok-B2", "tok-C3", "pass:score"} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds %q:\n%s", secret, out)
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// A logger at Info leaves accepted verifications out.
func TestLoggerLevel(t *testing.T) {
	mock := siteverifytest.Start(t)
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &buf}, nil))
	c := mock.Client(t, siteverify.GateKeeper, func(cfg *siteverify.Config) { cfg.Logger = logger })
	for _, tok := range []string{"pass", "fail"} {
		if _, err := c.Verify(context.Background(), tok); err != nil {
			t.Fatal(err)
		}
	}
	flush(t, c)
	mu.Lock()
	defer mu.Unlock()
	if n := strings.Count(buf.String(), "\n"); n != 1 || !strings.Contains(buf.String(), "reason=token-invalid") {
		t.Fatalf("want only the rejection:\n%s", buf.String())
	}
}

// OnEvent gets typed events in order; the outcome is the one Verify returned.
func TestOnEvent(t *testing.T) {
	mock := siteverifytest.Start(t)
	var mu sync.Mutex
	var events []siteverify.Event
	c := mock.Client(t, siteverify.Prosopo, func(cfg *siteverify.Config) {
		cfg.OnEvent = func(e siteverify.Event) {
			mu.Lock()
			events = append(events, e)
			mu.Unlock()
		}
	})
	var outcomes []*siteverify.Outcome
	for _, tok := range []string{"pass:score=0.3", "expired", ""} {
		o, err := c.Verify(context.Background(), tok)
		if err != nil {
			t.Fatal(err)
		}
		outcomes = append(outcomes, o)
	}
	flush(t, c)
	mu.Lock()
	defer mu.Unlock()
	if len(events) != 3 {
		t.Fatalf("%d events, want 3", len(events))
	}
	for i, e := range events {
		// plain drops Outcome.MarshalJSON: both are encoded from their fields.
		type plain siteverify.Outcome
		want, _ := json.Marshal(plain(*outcomes[i]))
		got, _ := json.Marshal(plain(e.Outcome))
		if !bytes.Equal(want, got) {
			t.Errorf("event %d outcome:\n got %s\nwant %s", i, got, want)
		}
		if e.Provider != siteverify.Prosopo || e.Latency <= 0 || len(e.TokenFingerprint) != 8 {
			t.Errorf("event %d: %+v", i, e)
		}
	}
	wantLevels := []siteverify.EventLevel{siteverify.EventLevelDebug, siteverify.EventLevelInfo, siteverify.EventLevelInfo}
	for i, e := range events {
		if e.LevelName != wantLevels[i] {
			t.Errorf("event %d: level %q, want %q", i, e.LevelName, wantLevels[i])
		}
	}
	if events[2].TokenFingerprint != fingerprint("") || events[2].Outcome.Attempts != 0 {
		t.Errorf("the empty token's event: %+v", events[2])
	}
}

// The level is the core's (Event.LevelName), not the verdict's: an accepted
// fail-open answer is still logged at Warn, a rejection at Info. Level only
// names it in log/slog.
func TestLevelIsTheCores(t *testing.T) {
	mock := siteverifytest.Start(t)
	var buf bytes.Buffer
	var mu sync.Mutex
	var events []siteverify.Event
	logger := slog.New(slog.NewJSONHandler(lockedWriter{&mu, &buf}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := mock.Client(t, siteverify.Prosopo, func(cfg *siteverify.Config) {
		cfg.FailMode = siteverify.FailOpen
		cfg.MaxRetries = siteverify.NoRetries
		cfg.Logger = logger
		cfg.OnEvent = func(e siteverify.Event) {
			mu.Lock()
			events = append(events, e)
			mu.Unlock()
		}
	})
	for _, tok := range []string{"fail-open", "fail"} {
		if _, err := c.Verify(context.Background(), tok); err != nil {
			t.Fatal(err)
		}
	}
	flush(t, c)
	mu.Lock()
	defer mu.Unlock()
	if len(events) != 2 || !events[0].Outcome.Accepted || events[0].Outcome.Reason != siteverify.ReasonProviderFailOpen ||
		events[1].Outcome.Accepted {
		t.Fatalf("events: %+v", events)
	}
	if events[0].LevelName != siteverify.EventLevelWarn || events[0].Level() != slog.LevelWarn ||
		events[1].LevelName != siteverify.EventLevelInfo || events[1].Level() != slog.LevelInfo {
		t.Errorf("levels: %q %v, %q %v", events[0].LevelName, events[0].Level(), events[1].LevelName, events[1].Level())
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"level":"WARN"`) || !strings.Contains(lines[1], `"level":"INFO"`) {
		t.Errorf("records:\n%s", buf.String())
	}
	if (siteverify.Event{}).Level() != slog.LevelInfo || (siteverify.Event{LevelName: "later"}).Level() != slog.LevelInfo {
		t.Error("an unknown or missing level is not Info")
	}
}

// A slow handler never holds up a verification, a panicking one never breaks
// one, and events past the queue are dropped and counted.
func TestEventHandlersCannotHurt(t *testing.T) {
	mock := siteverifytest.Start(t)
	release := make(chan struct{})
	var panicked int
	var mu sync.Mutex
	slowPanicky := slog.New(panickingHandler{})
	c := mock.Client(t, siteverify.GateKeeper, func(cfg *siteverify.Config) {
		cfg.Logger = slowPanicky
		cfg.OnEvent = func(siteverify.Event) {
			mu.Lock()
			panicked++
			mu.Unlock()
			<-release // blocks the event goroutine until released
			panic("a broken metrics hook")
		}
	})
	start := time.Now()
	const n = 1100
	for i := range n {
		tok := "pass"
		if i%2 == 1 {
			tok = ""
		}
		o, err := c.Verify(context.Background(), tok)
		if err != nil || o.Accepted != (tok == "pass") {
			t.Fatalf("verification %d: %+v %v", i, o, err)
		}
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Fatalf("a blocked handler slowed the verifications down: %v", d)
	}
	stats, err := c.Stats()
	if err != nil {
		t.Fatal(err)
	}
	// One event is held by the blocked handler (or, if its goroutine was
	// slow to start, none yet), 1024 wait in the queue, the rest is dropped.
	if stats.EventsDropped < n-1-1024 || stats.EventsDropped > n-1024 || stats.Verifications != n {
		t.Fatalf("EventsDropped %d (want %d), verifications %d", stats.EventsDropped, n-1-1024, stats.Verifications)
	}
	close(release)
	flush(t, c)
	mu.Lock()
	defer mu.Unlock()
	// Every event was either handled (each handler panicking) or dropped.
	if uint64(panicked)+stats.EventsDropped != n {
		t.Fatalf("OnEvent ran %d times and %d events were dropped, want %d in all", panicked, stats.EventsDropped, n)
	}
}

// panickingHandler is a slog handler that panics on every record.
type panickingHandler struct{}

func (panickingHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (panickingHandler) Handle(context.Context, slog.Record) error { panic("a broken slog handler") }
func (h panickingHandler) WithAttrs([]slog.Attr) slog.Handler      { return h }
func (h panickingHandler) WithGroup(string) slog.Handler           { return h }

// Closing a client with verifications in flight and events queued loses
// nothing and leaks nothing: the events still arrive.
func TestEventsAfterClose(t *testing.T) {
	mock := siteverifytest.Start(t)
	var mu sync.Mutex
	got := 0
	c := mock.Client(t, siteverify.GateKeeper, func(cfg *siteverify.Config) {
		cfg.OnEvent = func(siteverify.Event) { mu.Lock(); got++; mu.Unlock() }
	})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = c.Verify(context.Background(), "slow:ms=200")
		}()
	}
	time.Sleep(50 * time.Millisecond)
	_ = c.Close()
	wg.Wait()
	flush(t, c)
	mu.Lock()
	defer mu.Unlock()
	if got != 8 {
		t.Fatalf("%d events after Close, want 8", got)
	}
}

// Stats carries the core's histograms and the attempts per verification.
func TestStatsHistograms(t *testing.T) {
	mock := siteverifytest.Start(t)
	c := mock.Client(t, siteverify.GateKeeper, func(cfg *siteverify.Config) {
		cfg.RetryBaseDelay, cfg.RetryMaxDelay = time.Millisecond, time.Millisecond
	})
	for _, tok := range []string{"pass", "slow:ms=30", "", "flaky:fails=1:id=hist-" + time.Now().String()} {
		if _, err := c.Verify(context.Background(), tok); err != nil {
			t.Fatal(err)
		}
	}
	s, err := c.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if s.ByAttempts[0] != 1 || s.ByAttempts[1] != 2 || s.ByAttempts[2] != 1 || len(s.ByAttempts) != 3 {
		t.Errorf("ByAttempts %v", s.ByAttempts)
	}
	bounds := siteverify.LatencyBuckets()
	for name, h := range map[string]siteverify.Histogram{"verification": s.VerificationSeconds, "round trip": s.RoundTripSeconds} {
		if len(h.Buckets) != len(bounds)+1 || !math.IsInf(h.Buckets[len(bounds)].UpperBound, 1) {
			t.Fatalf("%s buckets: %+v", name, h.Buckets)
		}
		for i, b := range bounds {
			if h.Buckets[i].UpperBound != b || (i > 0 && h.Buckets[i].Count < h.Buckets[i-1].Count) {
				t.Errorf("%s bucket %d: %+v", name, i, h.Buckets[i])
			}
		}
		if h.Buckets[len(bounds)].Count != h.Count || h.Sum <= 0 {
			t.Errorf("%s: count %d, +Inf %d, sum %v", name, h.Count, h.Buckets[len(bounds)].Count, h.Sum)
		}
	}
	// Four verdicts; four answered attempts (the empty token sends none, the
	// flaky one two: its 503, then its pass).
	if s.VerificationSeconds.Count != 4 || s.RoundTripSeconds.Count != 4 {
		t.Errorf("counts: verification %d, round trip %d", s.VerificationSeconds.Count, s.RoundTripSeconds.Count)
	}
	// slow:ms=30 took at least 30 ms.
	if s.VerificationSeconds.Sum < 30*time.Millisecond || s.VerificationSeconds.Buckets[4].Count == 4 {
		t.Errorf("verification histogram: %+v", s.VerificationSeconds)
	}
}
