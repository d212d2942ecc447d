package siteverify

// This file holds the //export trampoline, so its preamble may only declare.

/*
#include "siteverify.h"
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// svGoVerifyDone is the sv_verify_callback of every async verification. It
// runs exactly once per verification, on a library thread. userdata is the
// cgo.Handle of the channel Verify waits on. The C outcome and error are
// copied into Go values and freed here, at once.
//
//export svGoVerifyDone
func svGoVerifyDone(userdata unsafe.Pointer, status C.sv_status, outcome *C.sv_outcome, cerr *C.sv_error) {
	var r verifyResult
	switch {
	case status == C.SV_OK && outcome != nil:
		r.outcome = outcomeFromC(outcome)
		if captureCoreJSON.Load() {
			r.coreJSON = C.GoString(C.sv_outcome_to_json(outcome))
		}
	case status == C.SV_OK:
		r.err = newError("internal", "the library reported success without an outcome")
	default:
		if status == C.SV_CANCELLED {
			cancelledCallbacks.Add(1)
		}
		r.err = takeError(status, cerr)
		cerr = nil
	}
	C.sv_outcome_free(outcome)
	C.sv_error_free(cerr)

	h := cgo.Handle(uintptr(userdata))
	done, _ := h.Value().(chan verifyResult)
	h.Delete()
	pending.Add(-1)
	if done != nil {
		done <- r // buffered: never blocks
	}
}

// outcomeFromC copies every field through the accessors.
func outcomeFromC(o *C.sv_outcome) *Outcome {
	out := &Outcome{
		Accepted:          bool(C.sv_outcome_accepted(o)),
		Verified:          bool(C.sv_outcome_verified(o)),
		Conclusive:        bool(C.sv_outcome_conclusive(o)),
		Reason:            Reason(goString(C.sv_outcome_reason_str(o))),
		Hostname:          goString(C.sv_outcome_hostname(o)),
		Action:            goString(C.sv_outcome_action(o)),
		ChallengeTS:       goString(C.sv_outcome_challenge_ts(o)),
		Timestamp:         goString(C.sv_outcome_timestamp(o)),
		ErrorKey:          goString(C.sv_outcome_error_key(o)),
		ProviderReason:    goString(C.sv_outcome_provider_reason(o)),
		HTTPStatus:        int(C.sv_outcome_http_status(o)),
		Retryable:         bool(C.sv_outcome_retryable(o)),
		Attempts:          int(C.sv_outcome_attempts(o)),
		FailOpenSuspected: bool(C.sv_outcome_fail_open_suspected(o)),
		Detail:            goString(C.sv_outcome_detail(o)),
	}
	var score C.double
	if C.sv_outcome_score(o, &score) {
		s := float64(score)
		out.Score = &s
	}
	if n := int(C.sv_outcome_error_code_count(o)); n > 0 {
		out.ErrorCodes = make([]string, n)
		for i := range n {
			out.ErrorCodes[i] = goString(C.sv_outcome_error_code(o, C.size_t(i)))
		}
	}
	return out
}

// goString copies a library string; NULL (absent) becomes "".
func goString(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}
