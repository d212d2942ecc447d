package siteverify

/*
#include "siteverify.h"
*/
import "C"

import "strings"

// Error is what went wrong around a verification: the call itself was wrong
// or could not run. It is never a verdict: a bad token, a provider outage or
// a provider refusing the secret are Outcomes, so that the fail mode applies
// to them.
//
// Compare with the sentinels through errors.Is (it matches on Code):
//
//	if errors.Is(err, siteverify.ErrConfiguration) { ... }
//
// and read the fields through errors.As. Messages never contain the secret.
type Error struct {
	// Code is the stable kebab-case name of the error, the same string every
	// siteverify binding exposes as its code: "configuration",
	// "invalid-argument", "null-argument", "blocking-in-async-context",
	// "cancelled", "panic", "internal", and "closed" (a Go client used after
	// Close; it never reaches the C library).
	Code string
	// Key is the C ABI's symbolic name for Code, "SV_" followed by Code in
	// upper snake case ("SV_CONFIGURATION", "SV_INVALID_ARGUMENT"), as
	// listed in include/siteverify.h, for looking an error up in the C
	// documentation. (Provider error keys are not errors: they are the
	// Outcome fields ErrorKey and ErrorCodes.) "SV_CLOSED" is the one Key
	// without a C counterpart.
	Key string
	// Message is a human-readable explanation; it never contains the secret.
	Message string
}

// Error returns "siteverify: CODE: MESSAGE".
func (e *Error) Error() string {
	if e.Message == "" || e.Message == e.Code {
		return "siteverify: " + e.Code
	}
	return "siteverify: " + e.Code + ": " + e.Message
}

// Is reports whether target is an *Error with the same Code, so that
// errors.Is(err, ErrConfiguration) works for any configuration error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t != nil && e != nil && t.Code == e.Code
}

func newError(code, message string) *Error {
	return &Error{Code: code, Key: keyOf(code), Message: message}
}

// keyOf derives the C constant name from a stable code: "invalid-argument"
// becomes "SV_INVALID_ARGUMENT".
func keyOf(code string) string {
	return "SV_" + strings.ToUpper(strings.ReplaceAll(code, "-", "_"))
}

func sentinel(code string) *Error { return &Error{Code: code, Key: keyOf(code)} }

// Sentinel errors, one per code; match them with errors.Is.
var (
	// ErrConfiguration: the Config is invalid (Message says which option).
	ErrConfiguration = sentinel("configuration")
	// ErrInvalidArgument: a per-call argument is invalid: a remote IP or
	// email the core refuses, or a token that is not UTF-8.
	ErrInvalidArgument = sentinel("invalid-argument")
	// ErrNullArgument: the C library was handed a NULL pointer. The binding
	// never does that; seeing it is a bug in the binding.
	ErrNullArgument = sentinel("null-argument")
	// ErrBlockingInAsyncContext: a blocking call from a library thread.
	// Verify blocks only on goroutines' threads, never on a library thread,
	// so this is not expected either.
	ErrBlockingInAsyncContext = sentinel("blocking-in-async-context")
	// ErrCancelled: the native verification was cancelled. Verify reports a
	// context that ended as ctx.Err() instead (context.Canceled or
	// context.DeadlineExceeded).
	ErrCancelled = sentinel("cancelled")
	// ErrClosed: the Client was closed.
	ErrClosed = sentinel("closed")
	// ErrPanic: a Rust panic was caught at the C boundary (a library bug).
	ErrPanic = sentinel("panic")
	// ErrInternal: another internal failure (a library bug, or a library
	// whose ABI version does not match the header this package was built
	// with).
	ErrInternal = sentinel("internal")
)

// takeError copies a C error into a Go *Error and frees it at once.
func takeError(st C.sv_status, e *C.sv_error) *Error {
	defer C.sv_error_free(e)
	if e == nil {
		return statusError(st, "")
	}
	code := C.GoString(C.sv_error_name(e))
	return newError(code, C.GoString(C.sv_error_message(e)))
}

// statusError is an *Error for a status that came without an sv_error.
func statusError(st C.sv_status, what string) *Error {
	code := C.GoString(C.sv_status_str(st))
	if what == "" {
		return newError(code, code)
	}
	return newError(code, what+": "+code)
}

// nulError refuses a configuration string holding a NUL byte: a C string
// would end there, so the core would judge a shortened value. It is the
// configuration error the core gives for control characters.
func nulError(option string) *Error {
	return newError("configuration", "option "+option+" contains a NUL byte")
}
