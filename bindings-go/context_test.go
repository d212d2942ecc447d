package siteverify

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"
)

// These tests read the package-wide counters, so they do not run in
// parallel with the others.

// waitFor polls cond for up to 10 s (a liveness bound, not a timing
// assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}

func TestDeadlineCancelsTheNativeTask(t *testing.T) {
	c := newClient(t, Config{Provider: GateKeeper, Timeout: 30 * time.Second, AttemptTimeout: 30 * time.Second})
	cancelledBefore := cancelledCallbacks.Load()
	statsBefore, err := c.Stats()
	if err != nil {
		t.Fatal(err)
	}
	const slow = 5 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	o, err := c.Verify(ctx, fmt.Sprintf("slow:ms=%d", slow.Milliseconds()))
	elapsed := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) || o != nil {
		t.Fatalf("want context.DeadlineExceeded, got %+v, %v", o, err)
	}
	if err != context.DeadlineExceeded {
		t.Fatalf("want ctx.Err() itself, got %#v", err)
	}
	// "Promptly": well before the slow answer would have come.
	if elapsed >= slow/2 {
		t.Fatalf("Verify returned after %v; the provider answers after %v", elapsed, slow)
	}
	// The native task reported SV_CANCELLED through the callback, which
	// already ran: no handle and no callback are left over.
	if got := cancelledCallbacks.Load() - cancelledBefore; got != 1 {
		t.Fatalf("%d native cancellations, want 1", got)
	}
	if n := pending.Load(); n != 0 {
		t.Fatalf("%d callbacks still pending", n)
	}
	// The cancelled verification produced no outcome.
	statsAfter, err := c.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if statsAfter.Verifications != statsBefore.Verifications {
		t.Fatalf("a cancelled verification was counted: %+v", statsAfter)
	}
	// The client still works.
	if o, err := c.Verify(context.Background(), "pass"); err != nil || !o.Accepted {
		t.Fatalf("after a cancel: %+v %v", o, err)
	}
}

func TestCancelStopsAHangingRequest(t *testing.T) {
	c := newClient(t, Config{Provider: Prosopo, Timeout: 60 * time.Second, AttemptTimeout: 60 * time.Second})
	cancelledBefore := cancelledCallbacks.Load()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(100 * time.Millisecond)
		cancel()
	}()
	start := time.Now()
	_, err := c.Verify(ctx, "hang")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Fatalf("cancel took %v", time.Since(start))
	}
	if cancelledCallbacks.Load()-cancelledBefore != 1 || pending.Load() != 0 {
		t.Fatalf("cancelled %d, pending %d", cancelledCallbacks.Load()-cancelledBefore, pending.Load())
	}
}

func TestEndedContextSendsNothing(t *testing.T) {
	c := newClient(t, Config{Provider: GateKeeper})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	token := "pass:once:id=" + uniq()
	if _, err := c.Verify(ctx, token); !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	// The single-use token was not consumed: no request was made.
	o, err := c.Verify(context.Background(), token)
	if err != nil || !o.Accepted {
		t.Fatalf("the token was used by a cancelled call: %+v %v", o, err)
	}
}

func TestSharedClientManyGoroutines(t *testing.T) {
	c := newClient(t, Config{Provider: GateKeeper, ScoreThreshold: Threshold(0.5)})
	const goroutines, each = 64, 8
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*each)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				// Alternate verdicts, and cancel some calls, all on one client.
				switch (g + i) % 4 {
				case 0, 1:
					o, err := c.Verify(context.Background(), "pass:score=0.2", WithRemoteIP("203.0.113.7"))
					if err != nil || !o.Accepted || o.Reason != ReasonVerified {
						errs <- fmt.Errorf("pass: %+v %v", o, err)
					}
				case 2:
					o, err := c.Verify(context.Background(), "pass:score=0.9")
					if err != nil || o.Accepted || o.Reason != ReasonScoreAboveThreshold {
						errs <- fmt.Errorf("bot: %+v %v", o, err)
					}
				case 3:
					ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
					_, err := c.Verify(ctx, "hang")
					cancel()
					if !errors.Is(err, context.DeadlineExceeded) {
						errs <- fmt.Errorf("hang: %v", err)
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	s, err := c.Stats()
	if err != nil {
		t.Fatal(err)
	}
	want := uint64(goroutines * each * 3 / 4)
	if s.Verifications != want || s.Accepted != want*2/3 || s.NotAccepted != want/3 {
		t.Fatalf("stats %+v, want %d verifications", s, want)
	}
	if n := pending.Load(); n != 0 {
		t.Fatalf("%d callbacks still pending", n)
	}
}

// A Client that is dropped without Close is freed by its cleanup. Removing
// the runtime.AddCleanup in New makes this test fail.
func TestUnclosedClientIsCollected(t *testing.T) {
	waitFor(t, "earlier clients to be collected", func() bool { return liveClients.Load() == 0 })
	const n = 100
	for range n {
		c, err := New(Config{Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL()})
		if err != nil {
			t.Fatal(err)
		}
		if i := liveClients.Load(); i < 1 {
			t.Fatalf("live clients %d", i)
		}
		_ = c // dropped, never closed
	}
	// One more that served a verification, and is dropped right after.
	func() {
		c, err := New(Config{Provider: GateKeeper, Secret: mockSecret, Endpoint: gatekeeperURL()})
		if err != nil {
			t.Fatal(err)
		}
		if o, err := c.Verify(context.Background(), "pass"); err != nil || !o.Accepted {
			t.Fatalf("%+v %v", o, err)
		}
	}()
	waitFor(t, "the cleanup to free every unclosed client", func() bool { return liveClients.Load() == 0 })
}
