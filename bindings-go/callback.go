package siteverify

// This file holds the //export trampoline, so its preamble may only declare.

/*
#include <string.h>
#include "siteverify.h"
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// asyncDone is what svGoVerifyDone hands to the waiting verifyAsync, which
// owns (and frees) the outcome and the error from then on.
type asyncDone struct {
	status  C.sv_status
	outcome *C.sv_outcome
	err     *C.sv_error
}

// svGoVerifyDone is the sv_verify_callback of every async verification
// (verifyAsync: Verify beyond maxBlocking at once). It runs exactly once per
// verification, on a library thread. userdata is the cgo.Handle of the
// channel Verify waits on. It only passes the C outcome and error on (a
// callback from a library thread holds a Go processor while it runs, so it
// does as little as it can): the waiting goroutine decodes and frees them.
//
//export svGoVerifyDone
func svGoVerifyDone(userdata unsafe.Pointer, status C.sv_status, outcome *C.sv_outcome, cerr *C.sv_error) {
	h := cgo.Handle(uintptr(userdata))
	done, _ := h.Value().(chan asyncDone)
	h.Delete()
	pending.Add(-1)
	if done == nil {
		C.sv_outcome_free(outcome)
		C.sv_error_free(cerr)
		return
	}
	done <- asyncDone{status, outcome, cerr} // buffered: never blocks
}

// svGoEvent is the sv_event_callback of every client built with a Logger or
// an OnEvent hook. It runs on the library thread that verified, before the
// verification's own completion: it only copies the JSON and queues it (never
// blocking), and the client's event goroutine does the rest. userdata is the
// cgo.Handle of the client's *eventSink. It never panics into C: an event
// arriving after its sink was released is dropped.
//
//export svGoEvent
func svGoEvent(userdata unsafe.Pointer, eventJSON *C.char) {
	defer func() { _ = recover() }()
	if eventJSON == nil {
		return
	}
	s, ok := cgo.Handle(uintptr(userdata)).Value().(*eventSink)
	if !ok {
		return
	}
	s.push(C.GoBytes(unsafe.Pointer(eventJSON), C.int(C.strlen(eventJSON))))
}
