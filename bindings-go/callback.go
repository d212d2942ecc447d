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
