package siteverify

// Test support only: these unexported functions are reached from the
// package's own tests (cgo cannot be used in _test.go files). They are not
// API, and no caller outside this package can reach them.

/*
#include <stdbool.h>
#include <stdlib.h>
#include "siteverify.h"
*/
import "C"

import "unsafe"

// armInjectedPanic arms or disarms, process-wide, the library's injected
// panic: while armed, verifying injectedPanicToken() panics inside the
// verification.
func armInjectedPanic(armed bool) { C.sv_testing_arm_injected_panic(C.bool(armed)) }

// injectedPanicToken is the token that panics while the panic is armed.
func injectedPanicToken() string { return C.GoString(C.sv_testing_panic_token()) }

// verifyBlocking runs the library's plain blocking entry point
// (sv_client_verify), which the package itself does not use (Verify calls
// sv_client_verify_cancellable), so that the tests can show it too completes
// exactly once when a verification panics.
func (c *Client) verifyBlocking(token string) (*Outcome, error) {
	client := c.native.acquire()
	if client == nil {
		return nil, newError("closed", "the client is closed")
	}
	defer c.native.release()
	var o *C.sv_outcome
	var cerr *C.sv_error
	tok := (*C.char)(unsafe.Pointer(unsafe.StringData(token)))
	st := C.sv_client_verify(client, tok, C.size_t(len(token)), nil, &o, &cerr)
	if st != C.SV_OK {
		return nil, takeError(st, cerr)
	}
	defer C.sv_outcome_free(o)
	if o == nil {
		return nil, newError("internal", "the library reported success without an outcome")
	}
	return outcomeFromC(o)
}
