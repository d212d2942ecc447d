package siteverify

/*
#include "siteverify.h"
*/
import "C"

import (
	"bytes"
	"encoding/json"
	"reflect"
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
// which the Outcome keeps.
func outcomeFromJSON(raw []byte) (*Outcome, error) {
	out := &Outcome{}
	if err := json.Unmarshal(raw, out); err != nil {
		return nil, newError("internal", "cannot decode the outcome JSON: "+err.Error())
	}
	out.core = raw
	return out, nil
}
