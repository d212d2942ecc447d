package siteverify

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// These tests arm a process-wide fault or read the package-wide counters, so
// they do not run in parallel with the others.

// promptly bounds a call that must not hang: far above what it takes, far
// below "forever".
const promptly = 10 * time.Second

// A panic inside a verification completes Verify exactly once, with
// ErrInternal, promptly; the client works again once the fault is disarmed.
func TestInjectedPanicCompletesVerifyOnce(t *testing.T) {
	onPaths(t, testInjectedPanicCompletesVerifyOnce)
}

func testInjectedPanicCompletesVerifyOnce(t *testing.T) {
	c := newClient(t, Config{Provider: GateKeeper})
	token := injectedPanicToken()
	if token == "" {
		t.Fatal("no panic token")
	}
	armInjectedPanic(true)
	t.Cleanup(func() { armInjectedPanic(false) })
	statsBefore, err := c.Stats()
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	o, err := c.Verify(ctx, token)
	if elapsed := time.Since(start); elapsed > promptly {
		t.Fatalf("Verify returned after %v", elapsed)
	}
	if !errors.Is(err, ErrInternal) || o != nil {
		t.Fatalf("want ErrInternal, got %+v, %v", o, err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != "internal" || e.Key != "SV_INTERNAL" {
		t.Fatalf("error fields: %#v", e)
	}

	// Many at once, from many goroutines: each completes once, none is lost.
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, err := c.Verify(ctx, token)
			if !errors.Is(err, ErrInternal) || o != nil {
				errs <- errors.New("want ErrInternal")
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if ctx.Err() != nil {
		t.Fatal("the panicking verifications took the whole minute")
	}
	checkNothingLeft(t)

	// The library's blocking entry point completes too.
	start = time.Now()
	o, err = c.verifyBlocking(token)
	if !errors.Is(err, ErrInternal) || o != nil || time.Since(start) > promptly {
		t.Fatalf("blocking: want ErrInternal promptly, got %+v, %v after %v", o, err, time.Since(start))
	}
	// Other tokens are unaffected while armed.
	if o, err := c.Verify(ctx, "pass"); err != nil || !o.Accepted {
		t.Fatalf("another token while armed: %+v %v", o, err)
	}
	statsAfter, err := c.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if statsAfter.Verifications != statsBefore.Verifications+1 {
		t.Fatalf("panicking verifications were counted as outcomes: %+v", statsAfter)
	}

	// Disarmed, the same client verifies the same token normally.
	armInjectedPanic(false)
	o, err = c.Verify(ctx, token)
	if err != nil || o == nil || o.Accepted {
		t.Fatalf("the panic token after disarming: %+v %v", o, err)
	}
	if o, err := c.verifyBlocking("pass"); err != nil || !o.Accepted {
		t.Fatalf("blocking after disarming: %+v %v", o, err)
	}
	if o, err := c.Verify(ctx, "pass"); err != nil || !o.Accepted {
		t.Fatalf("after disarming: %+v %v", o, err)
	}
}

// A Retry-After too large for any clock neither panics nor waits: Verify
// gives the provider-unavailable outcome well before its deadline.
func TestHugeRetryAfterReturnsPromptly(t *testing.T) {
	c := newClient(t, Config{Provider: GateKeeper})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	o, err := c.Verify(ctx, "ratelimit:retry-after=18446744073709551615")
	if elapsed := time.Since(start); elapsed > promptly {
		t.Fatalf("Verify returned after %v", elapsed)
	}
	if err != nil || o.Accepted || o.Conclusive || o.Reason != ReasonProviderUnavailable || o.HTTPStatus != 429 || o.Attempts != 1 {
		t.Fatalf("%+v %v", o, err)
	}
}

// A ctx deadline cancels a request the provider never answers, well before
// the client's own (long) deadline.
func TestDeadlineCancelsAHangingRequest(t *testing.T) {
	onPaths(t, testDeadlineCancelsAHangingRequest)
}

func testDeadlineCancelsAHangingRequest(t *testing.T) {
	c := newClient(t, Config{Provider: Prosopo, Timeout: 60 * time.Second, AttemptTimeout: 60 * time.Second})
	cancelledBefore := nativeCancels.Load()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	o, err := c.Verify(ctx, "hang")
	if err != context.DeadlineExceeded || o != nil {
		t.Fatalf("want context.DeadlineExceeded, got %+v, %#v", o, err)
	}
	if elapsed := time.Since(start); elapsed > promptly {
		t.Fatalf("Verify returned after %v", elapsed)
	}
	if got := nativeCancels.Load() - cancelledBefore; got != 1 {
		t.Fatalf("%d native cancellations, want 1", got)
	}
	checkNothingLeft(t)
}
