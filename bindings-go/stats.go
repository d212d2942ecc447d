package siteverify

/*
#include "siteverify.h"
*/
import "C"

import (
	"encoding/json"
	"math"
	"runtime"
	"strconv"
	"time"
)

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
	// VerificationSeconds: time from the call to the verdict, per
	// verification (retries, backoff and the outage check included).
	VerificationSeconds Histogram
	// RoundTripSeconds: time of each HTTP attempt that got an answer (the
	// provider's own latency).
	RoundTripSeconds Histogram
	// ByAttempts counts verifications per number of HTTP attempts (0 for a
	// local rejection; the last slot, 11, counts 11 or more).
	ByAttempts map[int]uint64
	// EventsDropped counts events this binding could not hand to
	// Config.Logger or Config.OnEvent because 1024 were already waiting (a
	// handler too slow for the traffic). Counted in Go, not by the core.
	EventsDropped uint64
}

// Histogram is a latency histogram of the core, cumulative as Prometheus
// counts: Buckets[i].Count observations took at most Buckets[i].UpperBound
// seconds. The bounds are LatencyBuckets() and a last +Inf bucket, whose
// count equals Count.
type Histogram struct {
	Buckets []Bucket
	// Count is the number of observations.
	Count uint64
	// Sum is their total duration (microsecond resolution).
	Sum time.Duration
}

// Bucket is one cumulative bucket of a Histogram.
type Bucket struct {
	// UpperBound in seconds; math.Inf(1) for the last bucket.
	UpperBound float64
	// Count of observations at or below UpperBound.
	Count uint64
}

// LatencyBuckets returns the upper bounds, in seconds, of the core's latency
// histograms (siteverify::LATENCY_BUCKETS; 1 ms to 10 s, Prometheus' defaults
// where they fit), without the +Inf bucket.
func LatencyBuckets() []float64 {
	return []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
}

// statsJSON is the part of sv_stats_to_json the C accessors do not cover.
type statsJSON struct {
	VerificationSeconds histogramJSON     `json:"verification_seconds"`
	RoundTripSeconds    histogramJSON     `json:"round_trip_seconds"`
	ByAttempts          map[string]uint64 `json:"by_attempts"`
}

type histogramJSON struct {
	// [le, count] pairs; le is null for +Inf.
	Buckets    [][2]*float64 `json:"buckets"`
	Count      uint64        `json:"count"`
	SumSeconds float64       `json:"sum_seconds"`
}

func (h histogramJSON) histogram() (Histogram, error) {
	out := Histogram{
		Buckets: make([]Bucket, 0, len(h.Buckets)),
		Count:   h.Count,
		Sum:     time.Duration(math.Round(h.SumSeconds*1e6)) * time.Microsecond,
	}
	for _, b := range h.Buckets {
		if b[1] == nil {
			return Histogram{}, newError("internal", "a histogram bucket without a count")
		}
		le := math.Inf(1)
		if b[0] != nil {
			le = *b[0]
		}
		out.Buckets = append(out.Buckets, Bucket{UpperBound: le, Count: uint64(*b[1])})
	}
	return out, nil
}

// fromJSON fills the histograms and ByAttempts from the core's JSON of the
// snapshot (sv_stats_to_json).
func (out *Stats) fromJSON(js string) error {
	var raw statsJSON
	if err := json.Unmarshal([]byte(js), &raw); err != nil {
		return newError("internal", "cannot decode the stats JSON: "+err.Error())
	}
	var err error
	if out.VerificationSeconds, err = raw.VerificationSeconds.histogram(); err != nil {
		return err
	}
	if out.RoundTripSeconds, err = raw.RoundTripSeconds.histogram(); err != nil {
		return err
	}
	out.ByAttempts = make(map[int]uint64, len(raw.ByAttempts))
	for k, v := range raw.ByAttempts {
		n, err := strconv.Atoi(k)
		if err != nil {
			return newError("internal", "a by_attempts key that is not a number")
		}
		out.ByAttempts[n] = v
	}
	return nil
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
	js := C.sv_stats_to_json(s)
	if js == nil {
		return Stats{}, newError("internal", "the library gave no JSON for the stats")
	}
	if err := out.fromJSON(C.GoString(js)); err != nil {
		return Stats{}, err
	}
	if c.native.sink != nil {
		out.EventsDropped = c.native.sink.dropped.Load()
	}
	runtime.KeepAlive(c)
	return out, nil
}
