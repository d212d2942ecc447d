package siteverify

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// Many async verifications at once: each completion (queued by the library's
// threads, drained in batches) reaches its own Verify, none is lost or
// delivered twice, whether ctx can end or not.
func TestAsyncCompletionsReachTheirCalls(t *testing.T) {
	useMaxBlocking(t, 0)
	c := newClient(t, Config{Provider: GateKeeper})
	const calls = 3 * completionBatch
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			if i%3 == 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				defer cancel()
			}
			// Every other call is rejected, with the score its token names.
			pass := i%2 == 0
			token := fmt.Sprintf("pass:score=0.%03d", i)
			if !pass {
				token = "fail"
			}
			o, err := c.Verify(ctx, token)
			switch {
			case err != nil:
				errs <- fmt.Errorf("call %d: %v", i, err)
			case o.Accepted != pass:
				errs <- fmt.Errorf("call %d (%s): accepted %t", i, token, o.Accepted)
			case pass && (o.Score == nil || *o.Score != float64(i)/1000):
				errs <- fmt.Errorf("call %d (%s): someone else's outcome: %+v", i, token, o)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	checkNothingLeft(t)
}
