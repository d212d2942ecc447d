package siteverify

import (
	"context"
	"errors"
	"fmt"
	"math"
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

// verifyPaths are Verify's two ways into the library: on the caller's
// thread (sv_client_verify_cancellable), and, beyond maxBlocking calls at
// once, on the library's threads (sv_client_verify_async).
var verifyPaths = []struct {
	name  string
	limit int64
}{{"blocking", math.MaxInt64}, {"async", 0}}

// onPaths runs test once per path.
func onPaths(t *testing.T, test func(t *testing.T)) {
	for _, p := range verifyPaths {
		t.Run(p.name, func(t *testing.T) {
			useMaxBlocking(t, p.limit)
			test(t)
		})
	}
}

// useMaxBlocking sets maxBlocking for the rest of the test.
func useMaxBlocking(t *testing.T, limit int64) {
	old := maxBlocking.Swap(limit)
	t.Cleanup(func() { maxBlocking.Store(old) })
}

// checkNothingLeft fails if a native verification or a cancel signal
// outlived its Verify.
func checkNothingLeft(t *testing.T) {
	t.Helper()
	if n := pending.Load(); n != 0 {
		t.Fatalf("%d native verifications still pending", n)
	}
	if n := liveCancels.Load(); n != 0 {
		t.Fatalf("%d cancel signals not freed", n)
	}
}

func TestDeadlineCancelsTheNativeTask(t *testing.T) { onPaths(t, testDeadlineCancelsTheNativeTask) }

func testDeadlineCancelsTheNativeTask(t *testing.T) {
	c := newClient(t, Config{Provider: GateKeeper, Timeout: 30 * time.Second, AttemptTimeout: 30 * time.Second})
	cancelledBefore := nativeCancels.Load()
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
	// The native verification reported SV_CANCELLED, and is over: no
	// handle, signal or callback is left over.
	if got := nativeCancels.Load() - cancelledBefore; got != 1 {
		t.Fatalf("%d native cancellations, want 1", got)
	}
	checkNothingLeft(t)
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

func TestCancelStopsAHangingRequest(t *testing.T) { onPaths(t, testCancelStopsAHangingRequest) }

func testCancelStopsAHangingRequest(t *testing.T) {
	c := newClient(t, Config{Provider: Prosopo, Timeout: 60 * time.Second, AttemptTimeout: 60 * time.Second})
	cancelledBefore := nativeCancels.Load()
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
	if got := nativeCancels.Load() - cancelledBefore; got != 1 {
		t.Fatalf("%d native cancellations, want 1", got)
	}
	checkNothingLeft(t)
}

func TestEndedContextSendsNothing(t *testing.T) { onPaths(t, testEndedContextSendsNothing) }

func testEndedContextSendsNothing(t *testing.T) {
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

// Many goroutines on one client, on each path, and on both at once (more
// calls than maxBlocking).
func TestSharedClientManyGoroutines(t *testing.T) {
	onPaths(t, testSharedClientManyGoroutines)
	t.Run("mixed", func(t *testing.T) {
		useMaxBlocking(t, 8)
		testSharedClientManyGoroutines(t)
	})
}

func testSharedClientManyGoroutines(t *testing.T) {
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
	checkNothingLeft(t)
}

// Verify runs on its caller's thread up to maxBlocking calls at once, each
// with a cancel signal when its ctx can end; the calls beyond run on the
// library's threads. One cancel ends them all.
func TestVerifyBeyondMaxBlocking(t *testing.T) {
	c := newClient(t, Config{Provider: Prosopo, Timeout: time.Minute, AttemptTimeout: time.Minute})
	useMaxBlocking(t, 2)
	cancelledBefore := nativeCancels.Load()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const calls = 4
	errs := make(chan error, calls)
	for range calls {
		go func() {
			_, err := c.Verify(ctx, "hang")
			errs <- err
		}()
	}
	waitFor(t, "every verification to start", func() bool { return pending.Load() == calls })
	if b, s := blockingCalls.Load(), liveCancels.Load(); b != 2 || s != 2 {
		t.Fatalf("%d on their callers' threads with %d cancel signals, want 2 and 2", b, s)
	}
	cancel()
	for range calls {
		if err := <-errs; err != context.Canceled {
			t.Errorf("want context.Canceled, got %#v", err)
		}
	}
	if got := nativeCancels.Load() - cancelledBefore; got != calls {
		t.Fatalf("%d native cancellations, want %d", got, calls)
	}
	if n := blockingCalls.Load(); n != 0 {
		t.Fatalf("%d blocking calls left", n)
	}
	checkNothingLeft(t)
}

// A ctx that can never end (context.Background) costs no cancel signal.
func TestBackgroundContextTakesNoSignal(t *testing.T) {
	c := newClient(t, Config{Provider: GateKeeper})
	done := make(chan error, 1)
	go func() {
		o, err := c.Verify(context.Background(), "slow:ms=2000")
		if err == nil && !o.Accepted {
			err = fmt.Errorf("not accepted: %+v", o)
		}
		done <- err
	}()
	waitFor(t, "the verification to start", func() bool { return pending.Load() == 1 })
	if n := liveCancels.Load(); n != 0 {
		t.Fatalf("%d cancel signals for a context that cannot end", n)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	checkNothingLeft(t)
}

// Deadlines around the verification's own duration: the fire races the
// completion, and either wins cleanly (an outcome, or ctx.Err()). Run under
// the race detector by make test.
func TestCancelRacesCompletion(t *testing.T) {
	onPaths(t, func(t *testing.T) {
		c := newClient(t, Config{Provider: GateKeeper})
		const goroutines, each = 4, 50
		errs := make(chan error, goroutines*each)
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					ctx, cancel := context.WithTimeout(context.Background(), time.Duration((g*each+i)%40)*10*time.Microsecond)
					o, err := c.Verify(ctx, "pass")
					cancel()
					switch {
					case err == context.DeadlineExceeded && o == nil:
					case err == nil && o != nil && o.Accepted:
					default:
						errs <- fmt.Errorf("%+v %#v", o, err)
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		checkNothingLeft(t)
	})
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
