package siteverify

/*
#include "siteverify.h"
*/
import "C"

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// Reason is why an Outcome came out the way it did: a stable kebab-case code.
// Codes are never renamed or reused; new ones may be added.
type Reason string

// The reasons (the core's codes).
const (
	// BEGIN GENERATED reasons (siteverify-vocab; edit core/, then `make vocab`)
	ReasonVerified                Reason = "verified"
	ReasonTokenInvalid            Reason = "token-invalid"
	ReasonTokenExpiredOrDuplicate Reason = "token-expired-or-duplicate"
	ReasonHostnameMismatch        Reason = "hostname-mismatch"
	ReasonActionMismatch          Reason = "action-mismatch"
	ReasonScoreAboveThreshold     Reason = "score-above-threshold"
	ReasonScoreMissing            Reason = "score-missing"
	ReasonChallengeTooOld         Reason = "challenge-too-old"
	ReasonProviderFailOpen        Reason = "provider-fail-open"
	ReasonProviderUnavailable     Reason = "provider-unavailable"
	ReasonProviderRejectedRequest Reason = "provider-rejected-request"
	ReasonProtocolError           Reason = "protocol-error"
	ReasonAmbiguousRetry          Reason = "ambiguous-retry"
	ReasonTLSFailure              Reason = "tls-failure"
	// END GENERATED reasons
)

// Outcome is the result of one verification, every field as the core
// decided it. Act on Accepted only; the other fields explain it.
//
// It is decoded from the core's own JSON (sv_outcome_to_json); the json tags
// are the core's field names. Text fields the provider did not send are "".
// json.Marshal of an Outcome that Verify returned gives the core's JSON
// exactly as the core wrote it (snake_case names, null for an absent value);
// an Outcome built or changed by the caller is encoded from its fields, under
// the same names.
type Outcome struct {
	// Accepted: let the request through? Decided after the local checks, the
	// fail mode and the fail-open policy.
	Accepted bool `json:"accepted"`
	// Verified: the provider said yes and every local check passed.
	Verified bool `json:"verified"`
	// Conclusive: the provider (or a local check) gave a definitive answer.
	// When false, Accepted came from the fail mode.
	Conclusive bool `json:"conclusive"`
	// Reason is why.
	Reason Reason `json:"reason"`
	// Score is the risk score (0 = human, 1 = bot), nil when the provider
	// sent none.
	Score *float64 `json:"score"`
	// Hostname where the challenge was solved, as the provider reported it.
	Hostname string `json:"hostname"`
	// Action name, as the provider reported it.
	Action string `json:"action"`
	// ChallengeTS is when the challenge was solved (RFC 3339, as sent).
	ChallengeTS string `json:"challenge_ts"`
	// Timestamp is when the provider verified the token (RFC 3339, as sent).
	Timestamp string `json:"timestamp"`
	// ErrorKey is the provider's machine-readable error key (Prosopo
	// error.key).
	ErrorKey string `json:"error_key"`
	// ErrorCodes are the provider's error codes (GateKeeper error_codes).
	ErrorCodes []string `json:"error_codes"`
	// ProviderReason is the provider's own free-text reason field.
	ProviderReason string `json:"provider_reason"`
	// HTTPStatus of the last provider answer; 0 when no answer came.
	HTTPStatus int `json:"http_status"`
	// Retryable: a later retry of the same verification could succeed.
	Retryable bool `json:"retryable"`
	// Attempts is the number of HTTP attempts (0 when rejected locally).
	Attempts int `json:"attempts"`
	// FailOpenSuspected: the answer looks like the provider's fail-open
	// response.
	FailOpenSuspected bool `json:"fail_open_suspected"`
	// Detail is a short explanation written by siteverify (never provider
	// text, never the secret).
	Detail string `json:"detail"`

	// core is the JSON this outcome was decoded from.
	core []byte
}

// MarshalJSON gives the core's JSON of the outcome as received; for an
// Outcome that did not come from Verify, or whose fields were changed since,
// its fields under the core's names.
func (o Outcome) MarshalJSON() ([]byte, error) {
	type fields Outcome // the same tags, without this method
	if o.core != nil {
		var received fields
		if json.Unmarshal(o.core, &received) == nil {
			received.core = o.core
			if reflect.DeepEqual(received, fields(o)) {
				return bytes.Clone(o.core), nil
			}
		}
	}
	return json.Marshal(fields(o))
}

// outcomeFromC decodes the core's JSON of o (the one path from a C outcome
// to an Outcome).
func outcomeFromC(o *C.sv_outcome) (*Outcome, error) {
	js := C.sv_outcome_to_json(o)
	if js == nil {
		return nil, newError("internal", "the library gave no JSON for an outcome")
	}
	return outcomeFromJSON([]byte(C.GoString(js)))
}

// outcomeFromJSON decodes the core's JSON of an outcome (sv_outcome_to_json),
// which the Outcome keeps: through decodeFlat when the JSON has the core's
// usual shape, else through encoding/json (the same result either way).
func outcomeFromJSON(raw []byte) (*Outcome, error) {
	out := &Outcome{}
	if !decodeFlat(raw, out) {
		*out = Outcome{}
		if err := json.Unmarshal(raw, out); err != nil {
			return nil, newError("internal", "cannot decode the outcome JSON: "+err.Error())
		}
	}
	out.core = raw
	return out, nil
}

// decodeFlat fills out from raw, an outcome's JSON as the core writes it
// (one flat object of the known names: true/false, null, numbers, strings
// without escapes, an array of such strings), and reports whether it could.
// It accepts only what it decodes exactly as json.Unmarshal would (the tests
// compare the two); anything else (an escape, an unknown or differently
// cased name, invalid UTF-8, a number out of range, whitespace, trailing
// bytes) returns false, for json.Unmarshal to decode or refuse. It exists
// because encoding/json's reflection costs several microseconds per outcome,
// as much as the rest of the binding.
func decodeFlat(raw []byte, out *Outcome) bool {
	d := flatDecoder{raw: raw}
	if !d.byte('{') {
		return false
	}
	if d.byte('}') {
		return d.i == len(raw)
	}
	for {
		key, ok := d.str()
		if !ok || !d.byte(':') || !d.field(key, out) {
			return false
		}
		if d.byte('}') {
			return d.i == len(raw)
		}
		if !d.byte(',') {
			return false
		}
	}
}

type flatDecoder struct {
	raw []byte
	i   int
}

// byte consumes c if it is next.
func (d *flatDecoder) byte(c byte) bool {
	if d.i < len(d.raw) && d.raw[d.i] == c {
		d.i++
		return true
	}
	return false
}

// lit consumes the literal s if it is next.
func (d *flatDecoder) lit(s string) bool {
	if len(d.raw)-d.i >= len(s) && string(d.raw[d.i:d.i+len(s)]) == s {
		d.i += len(s)
		return true
	}
	return false
}

// str consumes a string without escapes or control characters, valid UTF-8,
// and returns its bytes (a part of raw).
func (d *flatDecoder) str() ([]byte, bool) {
	if !d.byte('"') {
		return nil, false
	}
	start, ascii := d.i, true
	for ; d.i < len(d.raw); d.i++ {
		switch c := d.raw[d.i]; {
		case c == '"':
			s := d.raw[start:d.i]
			d.i++
			if !ascii && !utf8.Valid(s) {
				return nil, false
			}
			return s, true
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false
}

// textValue consumes a string (see str) and returns it. The string shares raw's
// memory (no copy): raw is the JSON the Outcome keeps, never written again.
func (d *flatDecoder) textValue() (string, bool) {
	s, ok := d.str()
	if !ok || len(s) == 0 {
		return "", ok
	}
	return unsafe.String(&s[0], len(s)), true
}

// number consumes a JSON number (RFC 8259 grammar) and returns its text.
func (d *flatDecoder) number() (string, bool) {
	start := d.i
	d.byte('-')
	digits := func() bool {
		n := d.i
		for d.i < len(d.raw) && d.raw[d.i] >= '0' && d.raw[d.i] <= '9' {
			d.i++
		}
		return d.i > n
	}
	if d.byte('0') {
		// no further integer digits
	} else if !digits() {
		return "", false
	}
	if d.byte('.') && !digits() {
		return "", false
	}
	if d.byte('e') || d.byte('E') {
		if !d.byte('+') {
			d.byte('-')
		}
		if !digits() {
			return "", false
		}
	}
	return string(d.raw[start:d.i]), true
}

// boolean sets *v from true or false; null leaves it, as encoding/json does.
func (d *flatDecoder) boolean(v *bool) bool {
	switch {
	case d.lit("true"):
		*v = true
	case d.lit("false"):
		*v = false
	default:
		return d.lit("null")
	}
	return true
}

// text sets *v from a string; null leaves it, as encoding/json does.
func (d *flatDecoder) text(v *string) bool {
	if d.lit("null") {
		return true
	}
	s, ok := d.textValue()
	*v = s
	return ok
}

// integer sets *v from an integer literal; null leaves it.
func (d *flatDecoder) integer(v *int) bool {
	if d.lit("null") {
		return true
	}
	s, ok := d.number()
	if !ok {
		return false
	}
	n, err := strconv.ParseInt(s, 10, strconv.IntSize)
	*v = int(n)
	return err == nil
}

// field decodes the value of key into out.
func (d *flatDecoder) field(key []byte, out *Outcome) bool {
	switch string(key) {
	case "accepted":
		return d.boolean(&out.Accepted)
	case "verified":
		return d.boolean(&out.Verified)
	case "conclusive":
		return d.boolean(&out.Conclusive)
	case "retryable":
		return d.boolean(&out.Retryable)
	case "fail_open_suspected":
		return d.boolean(&out.FailOpenSuspected)
	case "reason":
		return d.text((*string)(&out.Reason))
	case "hostname":
		return d.text(&out.Hostname)
	case "action":
		return d.text(&out.Action)
	case "challenge_ts":
		return d.text(&out.ChallengeTS)
	case "timestamp":
		return d.text(&out.Timestamp)
	case "error_key":
		return d.text(&out.ErrorKey)
	case "provider_reason":
		return d.text(&out.ProviderReason)
	case "detail":
		return d.text(&out.Detail)
	case "http_status":
		return d.integer(&out.HTTPStatus)
	case "attempts":
		return d.integer(&out.Attempts)
	case "score":
		if d.lit("null") {
			out.Score = nil
			return true
		}
		s, ok := d.number()
		if !ok {
			return false
		}
		f, err := strconv.ParseFloat(s, 64)
		out.Score = &f
		return err == nil
	case "error_codes":
		if d.lit("null") {
			out.ErrorCodes = nil
			return true
		}
		if !d.byte('[') {
			return false
		}
		codes := []string{}
		if !d.byte(']') {
			for {
				s, ok := d.textValue()
				if !ok {
					return false
				}
				codes = append(codes, s)
				if d.byte(']') {
					break
				}
				if !d.byte(',') {
					return false
				}
			}
		}
		out.ErrorCodes = codes
		return true
	}
	return false
}
