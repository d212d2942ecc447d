package siteverify

/*
#include "siteverify.h"
*/
import "C"

import "runtime"

// Stats is a point-in-time copy of a client's counters (Client.Stats).
type Stats struct {
	// Verifications that produced an outcome.
	Verifications uint64
	// Accepted outcomes.
	Accepted uint64
	// NotAccepted outcomes: definite rejections and inconclusive outcomes
	// that were not accepted alike.
	NotAccepted uint64
	// Rejected is NotAccepted under its former name.
	//
	// Deprecated: it counts every outcome that was not accepted, not only
	// rejections; use NotAccepted.
	Rejected uint64
	// Inconclusive outcomes (Conclusive false).
	Inconclusive uint64
	// FailOpenSuspected outcomes: alert when this climbs.
	FailOpenSuspected uint64
	// Retries: HTTP attempts beyond the first.
	Retries uint64
	// Errors: calls that failed with an error instead of an outcome.
	Errors uint64
	// OutageAccepted: inconclusive outcomes that FailOpen accepted during a
	// confirmed outage (provider unreachable, or the outage probe failed too).
	OutageAccepted uint64
	// OutageRefused: inconclusive outcomes that FailOpen did not accept
	// because no outage was confirmed (the provider answered other requests,
	// or the probe was too slow). Alert when this climbs.
	OutageRefused uint64
	// OutageProbes: outage probes sent by the client.
	OutageProbes uint64
	// ProviderHealth is the provider's health as the outage check sees it
	// now: HealthUp, HealthDown or HealthUnknown.
	ProviderHealth ProviderHealth
	// ByReason counts outcomes per reason (reasons seen at least once).
	ByReason map[Reason]uint64
	// ByErrorKey counts provider error keys and codes seen (Prosopo
	// error.key, GateKeeper error_codes).
	ByErrorKey map[string]uint64
}

// ProviderHealth is the provider's health as the core's outage check sees it
// (Stats.ProviderHealth).
type ProviderHealth string

// The provider health values.
const (
	// HealthUp: the provider answered recently.
	HealthUp ProviderHealth = "up"
	// HealthDown: the provider is unreachable (a confirmed outage).
	HealthDown ProviderHealth = "down"
	// HealthUnknown: nothing is known yet.
	HealthUnknown ProviderHealth = "unknown"
)

// Stats returns a snapshot of the client's counters, read through the C
// ABI's accessors.
func (c *Client) Stats() (Stats, error) {
	c.native.mu.RLock()
	defer c.native.mu.RUnlock()
	if c.native.ptr == nil {
		return Stats{}, newError("closed", "the client is closed")
	}
	var s *C.sv_stats
	if st := C.sv_client_stats(c.native.ptr, &s); st != C.SV_OK {
		return Stats{}, statusError(st, "reading stats")
	}
	defer C.sv_stats_free(s)
	notAccepted := uint64(C.sv_stats_not_accepted(s))
	out := Stats{
		Verifications:     uint64(C.sv_stats_verifications(s)),
		Accepted:          uint64(C.sv_stats_accepted(s)),
		NotAccepted:       notAccepted,
		Rejected:          notAccepted,
		Inconclusive:      uint64(C.sv_stats_inconclusive(s)),
		FailOpenSuspected: uint64(C.sv_stats_fail_open_suspected(s)),
		Retries:           uint64(C.sv_stats_retries(s)),
		Errors:            uint64(C.sv_stats_errors(s)),
		OutageAccepted:    uint64(C.sv_stats_outage_accepted(s)),
		OutageRefused:     uint64(C.sv_stats_outage_refused(s)),
		OutageProbes:      uint64(C.sv_stats_outage_probes(s)),
		ProviderHealth:    ProviderHealth(C.GoString(C.sv_stats_provider_health(s))),
		ByReason:          map[Reason]uint64{},
		ByErrorKey:        map[string]uint64{},
	}
	for i := C.int32_t(0); ; i++ {
		name := C.sv_reason_str(i)
		if name == nil {
			break
		}
		if n := uint64(C.sv_stats_reason_count(s, i)); n > 0 {
			out.ByReason[Reason(C.GoString(name))] = n
		}
	}
	for i := range C.sv_stats_error_key_len(s) {
		key := C.sv_stats_error_key_at(s, i)
		if key == nil {
			return Stats{}, newError("internal", "the stats snapshot lacks an error key it counted")
		}
		out.ByErrorKey[C.GoString(key)] = uint64(C.sv_stats_error_key_count(s, key))
	}
	runtime.KeepAlive(c)
	return out, nil
}
