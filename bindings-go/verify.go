package siteverify

/*
#include <stdint.h>
#include <stdlib.h>
#include "siteverify.h"

// The trampoline (callback.go); cgo generates its definition.
extern void svGoVerifyDone(void *userdata, sv_status status, sv_outcome *outcome, sv_error *error);

// userdata carries a cgo.Handle, an integer: C never holds a Go pointer. The
// integer-to-pointer conversion happens here so that Go code needs none.
static sv_status sv_go_verify_async(const sv_client *client, const char *token, size_t token_len,
                                    const sv_verify_options *options, uintptr_t handle,
                                    sv_task **task_out, sv_error **err_out) {
  return sv_client_verify_async(client, token, token_len, options, svGoVerifyDone,
                                (void *)handle, task_out, err_out);
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
	pending            atomic.Int64 // async verifications whose callback has not run yet
	cancelledCallbacks atomic.Int64 // callbacks that reported SV_CANCELLED
)

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

// verifyResult travels from the callback to Verify.
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
	// The library copies the options and the token before returning.
	defer C.sv_verify_options_free(copts)

	done := make(chan verifyResult, 1)
	h := cgo.NewHandle(done)
	var task *C.sv_task
	var cerr *C.sv_error
	// The token is passed as pointer + length: NUL bytes inside are seen by
	// the core, not cut. C reads it only during the call.
	tok := (*C.char)(unsafe.Pointer(unsafe.StringData(token)))

	c.native.mu.RLock()
	if c.native.ptr == nil {
		c.native.mu.RUnlock()
		h.Delete()
		return verifyResult{err: newError("closed", "the client is closed")}
	}
	pending.Add(1)
	st := C.sv_go_verify_async(c.native.ptr, tok, C.size_t(len(token)), copts, C.uintptr_t(h), &task, &cerr)
	c.native.mu.RUnlock()
	runtime.KeepAlive(c)
	if st != C.SV_OK {
		// The callback never runs.
		pending.Add(-1)
		h.Delete()
		return verifyResult{err: takeError(st, cerr)}
	}
	defer C.sv_task_free(task)

	select {
	case r := <-done:
		return r
	case <-ctx.Done():
		C.sv_task_cancel(task)
		// The callback runs exactly once, promptly after a cancel: wait for
		// it so that nothing outlives this call.
		r := <-done
		if errors.Is(r.err, ErrCancelled) {
			r.err = ctx.Err()
		}
		return r
	}
}
