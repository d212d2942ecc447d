package siteverify

/*
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "siteverify.h"

// What sv_go_verify and sv_go_take hand back. On SV_OK the outcome's JSON is
// json_len bytes: in buf if it fitted (the outcome is already freed, outcome
// is NULL), else at json in outcome, for the caller to copy and free.
typedef struct {
  sv_status status;
  sv_error *error;
  sv_outcome *outcome;
  const char *json;
  size_t json_len;
} sv_go_result;

// Copies the JSON of r->outcome into buf (Go memory, written during this call
// only) and frees the outcome, when it fits.
static void sv_go_copy(sv_go_result *r, char *buf, size_t buf_len) {
  r->json = sv_outcome_to_json(r->outcome);
  if (r->json == NULL) {
    sv_outcome_free(r->outcome);
    r->outcome = NULL;
    return;
  }
  r->json_len = strlen(r->json);
  if (r->json_len <= buf_len) {
    memcpy(buf, r->json, r->json_len);
    sv_outcome_free(r->outcome);
    r->outcome = NULL;
    r->json = NULL;
  }
}

// A blocking verification in one cgo call: verifies on the calling thread,
// then copies the outcome's JSON into buf.
static sv_go_result sv_go_verify(const sv_client *client, const char *token, size_t token_len,
                                 const sv_verify_options *options, const sv_cancel *cancel,
                                 char *buf, size_t buf_len) {
  sv_go_result r = {SV_OK, NULL, NULL, NULL, 0};
  r.status = sv_client_verify_cancellable(client, token, token_len, options, cancel, &r.outcome, &r.error);
  if (r.status == SV_OK && r.outcome != NULL) sv_go_copy(&r, buf, buf_len);
  return r;
}

// What an async verification's callback delivered, in one cgo call: copies
// the outcome's JSON into buf as sv_go_verify does.
static sv_go_result sv_go_take(sv_status status, sv_outcome *outcome, sv_error *error,
                               char *buf, size_t buf_len) {
  sv_go_result r = {status, error, outcome, NULL, 0};
  if (status == SV_OK && outcome != NULL) sv_go_copy(&r, buf, buf_len);
  return r;
}
*/
import "C"

import (
	"context"
	"errors"
	"runtime"
	"runtime/cgo"
	"strings"
	"sync/atomic"
	"unsafe"
)

// Internal counters; the tests read them to prove there is no leak.
var (
	pending       atomic.Int64 // native verifications started and not yet completed (either path)
	nativeCancels atomic.Int64 // native verifications that ended with SV_CANCELLED (either path)
	liveCancels   atomic.Int64 // sv_cancel signals created and not yet freed
)

// maxBlocking bounds the verifications that run on their callers' threads
// at once (see verify): GOMAXPROCS when the package is initialised. Each
// such call holds an OS thread until it returns; beyond the cap the
// library's worker threads carry the verification, so the number of threads
// stays bounded under many slow verifications (a Go program dies beyond
// debug.SetMaxThreads, 10000 by default). On loopback both paths cost about
// the same CPU at 64 goroutines. The tests change it to exercise both paths.
var maxBlocking atomic.Int64

func init() { maxBlocking.Store(int64(max(runtime.GOMAXPROCS(0), 1))) }

// blockingCalls counts the verifications on their caller's thread now.
var blockingCalls atomic.Int64

// outcomeBuffer holds a typical outcome's JSON (about 300 bytes); a larger
// one takes a second copy.
const outcomeBuffer = 512

// VerifyOption is a per-call option for Verify.
type VerifyOption func(*verifyOptions)

type verifyOptions struct {
	remoteIP, email string
	hasIP, hasEmail bool
}

// WithRemoteIP sends the end user's IP address (IPv4 or IPv6; the core
// validates it when verifying: an invalid one is ErrInvalidArgument).
func WithRemoteIP(ip string) VerifyOption {
	return func(o *verifyOptions) { o.remoteIP, o.hasIP = ip, true }
}

// WithEmail sends the end user's email or domain (Prosopo only; only the
// domain is sent).
func WithEmail(email string) VerifyOption {
	return func(o *verifyOptions) { o.email, o.hasEmail = email, true }
}

// toC builds the C options, or returns nil when there are none.
func (o *verifyOptions) toC() (*C.sv_verify_options, error) {
	if !o.hasIP && !o.hasEmail {
		return nil, nil
	}
	var opts *C.sv_verify_options
	if st := C.sv_verify_options_new(&opts); st != C.SV_OK {
		return nil, statusError(st, "creating verify options")
	}
	set := func(option, value string, f func(*C.sv_verify_options, *C.char) C.sv_status) error {
		if strings.IndexByte(value, 0) >= 0 {
			// A C string would cut the value short: refused, not shortened.
			return newError("invalid-argument", option+" contains a NUL byte")
		}
		cs := C.CString(value)
		defer C.free(unsafe.Pointer(cs))
		if st := f(opts, cs); st != C.SV_OK {
			return statusError(st, option)
		}
		return nil
	}
	var err error
	if o.hasIP {
		err = set("remote IP", o.remoteIP, func(o *C.sv_verify_options, v *C.char) C.sv_status {
			return C.sv_verify_options_set_remote_ip(o, v)
		})
	}
	if err == nil && o.hasEmail {
		err = set("email", o.email, func(o *C.sv_verify_options, v *C.char) C.sv_status {
			return C.sv_verify_options_set_email(o, v)
		})
	}
	if err != nil {
		C.sv_verify_options_free(opts)
		return nil, err
	}
	return opts, nil
}

// verifyResult is what one verification gives.
type verifyResult struct {
	outcome *Outcome
	err     error
}

// Verify verifies token and returns the outcome: act on Outcome.Accepted.
// Every verdict, "provider down" included, is an Outcome; an error means the
// call itself was wrong (ErrInvalidArgument, ErrClosed...) or ctx ended.
//
// Verify honours ctx: when it is cancelled or its deadline passes, the native
// verification is cancelled (its HTTP request dropped) and Verify returns
// ctx.Err() (context.Canceled or context.DeadlineExceeded). If the
// verification had already finished, its outcome is returned instead: a
// single-use token may have been consumed by it. The client's own deadline
// (Config.Timeout) applies too; it gives an Outcome with reason
// provider-unavailable, not an error.
func (c *Client) Verify(ctx context.Context, token string, opts ...VerifyOption) (*Outcome, error) {
	r := c.verify(ctx, token, opts)
	return r.outcome, r.err
}

// verify runs the verification on the calling goroutine's thread (the
// library's blocking entry point: no thread hop, no callback), unless
// maxBlocking verifications already do: then on the library's worker
// threads, through its asynchronous entry point.
func (c *Client) verify(ctx context.Context, token string, opts []VerifyOption) verifyResult {
	if err := ctx.Err(); err != nil {
		return verifyResult{err: err}
	}
	var o verifyOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	copts, err := o.toC()
	if err != nil {
		return verifyResult{err: err}
	}
	if copts != nil {
		// The library copies the options and the token before returning.
		defer C.sv_verify_options_free(copts)
	}

	client := c.native.acquire()
	if client == nil {
		return verifyResult{err: newError("closed", "the client is closed")}
	}
	// The reference keeps the C client (and the event sink) alive until the
	// verification is over, whatever Close or the cleanup do meanwhile.
	defer c.native.release()
	// The token is passed as pointer + length: NUL bytes inside are seen by
	// the core, not cut. C reads it only during the call.
	tok := (*C.char)(unsafe.Pointer(unsafe.StringData(token)))
	tokLen := C.size_t(len(token))

	if blockingCalls.Add(1) <= maxBlocking.Load() {
		defer blockingCalls.Add(-1)
		return verifyBlocking(ctx, client, tok, tokLen, copts)
	}
	blockingCalls.Add(-1)
	return verifyAsync(ctx, client, tok, tokLen, copts)
}

// verifyBlocking runs sv_client_verify_cancellable on this thread. A ctx
// that can end gets a cancel signal, fired by context.AfterFunc (no
// goroutine waits per call); one that cannot (ctx.Done() == nil) gets none.
func verifyBlocking(ctx context.Context, client *C.sv_client, tok *C.char, tokLen C.size_t, copts *C.sv_verify_options) verifyResult {
	var cancel *C.sv_cancel
	var stop func() bool
	var fired chan struct{}
	if ctx.Done() != nil {
		var cerr *C.sv_error
		if st := C.sv_cancel_new(&cancel, &cerr); st != C.SV_OK {
			return verifyResult{err: takeError(st, cerr)}
		}
		liveCancels.Add(1)
		fired = make(chan struct{})
		stop = context.AfterFunc(ctx, func() {
			C.sv_cancel_fire(cancel)
			close(fired)
		})
	}

	buf := make([]byte, outcomeBuffer)
	pending.Add(1)
	r := C.sv_go_verify(client, tok, tokLen, copts, cancel, (*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)))
	pending.Add(-1)

	if cancel != nil {
		if !stop() {
			// The fire has started: wait for it before freeing the signal.
			<-fired
		}
		C.sv_cancel_free(cancel)
		liveCancels.Add(-1)
	}

	if r.status == C.SV_CANCELLED {
		nativeCancels.Add(1)
		C.sv_error_free(r.error)
		// Only ctx's end fires the signal.
		if err := ctx.Err(); err != nil {
			return verifyResult{err: err}
		}
		return verifyResult{err: newError("cancelled", "the verification was cancelled")}
	}
	return resultOf(r, buf)
}

// resultOf turns what sv_go_verify or sv_go_take handed back (with buf, the
// buffer given to it) into a result, freeing what C still held.
func resultOf(r C.sv_go_result, buf []byte) verifyResult {
	switch {
	case r.status != C.SV_OK:
		C.sv_outcome_free(r.outcome)
		return verifyResult{err: takeError(r.status, r.error)}
	case r.outcome != nil:
		raw := C.GoBytes(unsafe.Pointer(r.json), C.int(r.json_len))
		C.sv_outcome_free(r.outcome)
		return decodeOutcome(raw)
	case r.json_len == 0:
		return verifyResult{err: newError("internal", "the library reported success without an outcome")}
	default:
		return decodeOutcome(buf[:r.json_len:r.json_len])
	}
}

// decodeOutcome turns the core's JSON of an outcome into a result.
func decodeOutcome(raw []byte) verifyResult {
	o, err := outcomeFromJSON(raw)
	return verifyResult{outcome: o, err: err}
}

// verifyAsync runs sv_client_verify_async and waits for its completion
// (queued by sv_go_completed, handed over by drainCompletions), cancelling
// the task when ctx ends. This goroutine decodes and frees what the library
// delivered.
func verifyAsync(ctx context.Context, client *C.sv_client, tok *C.char, tokLen C.size_t, copts *C.sv_verify_options) verifyResult {
	if err := startCompletions(); err != nil {
		return verifyResult{err: err}
	}
	done := make(chan asyncDone, 1)
	h := cgo.NewHandle(done)
	// A task handle only when ctx can end (ctx.Done() == nil: nothing can
	// cancel, and a nil channel never fires below).
	var task *C.sv_task
	var taskOut **C.sv_task
	if ctx.Done() != nil {
		taskOut = &task
	}
	var cerr *C.sv_error
	pending.Add(1)
	st := goVerifyAsync(client, tok, tokLen, copts, h, taskOut, &cerr)
	if st != C.SV_OK {
		// The completion never comes.
		pending.Add(-1)
		h.Delete()
		return verifyResult{err: takeError(st, cerr)}
	}
	if task != nil {
		defer C.sv_task_free(task)
	}

	select {
	case d := <-done:
		return d.result()
	case <-ctx.Done():
		C.sv_task_cancel(task)
		// The completion comes exactly once, promptly after a cancel: wait
		// for it so that nothing outlives this call.
		r := (<-done).result()
		if errors.Is(r.err, ErrCancelled) {
			r.err = ctx.Err()
		}
		return r
	}
}

// result decodes and frees what an async verification delivered.
func (d asyncDone) result() verifyResult {
	if d.status == C.SV_CANCELLED {
		nativeCancels.Add(1)
	}
	buf := make([]byte, outcomeBuffer)
	r := C.sv_go_take(d.status, d.outcome, d.err, (*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)))
	return resultOf(r, buf)
}
