package siteverify

import (
	"bytes"
	"encoding/json"
	"math"
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
// Text fields the provider did not send are "". json.Marshal gives the
// core's JSON: snake_case names, null for an absent value.
type Outcome struct {
	// Accepted: let the request through? Decided after the local checks, the
	// fail mode and the fail-open policy.
	Accepted bool
	// Verified: the provider said yes and every local check passed.
	Verified bool
	// Conclusive: the provider (or a local check) gave a definitive answer.
	// When false, Accepted came from the fail mode.
	Conclusive bool
	// Reason is why.
	Reason Reason
	// Score is the risk score (0 = human, 1 = bot), nil when the provider
	// sent none.
	Score *float64
	// Hostname where the challenge was solved, as the provider reported it.
	Hostname string
	// Action name, as the provider reported it.
	Action string
	// ChallengeTS is when the challenge was solved (RFC 3339, as sent).
	ChallengeTS string
	// Timestamp is when the provider verified the token (RFC 3339, as sent).
	Timestamp string
	// ErrorKey is the provider's machine-readable error key (Prosopo
	// error.key).
	ErrorKey string
	// ErrorCodes are the provider's error codes (GateKeeper error_codes).
	ErrorCodes []string
	// ProviderReason is the provider's own free-text reason field.
	ProviderReason string
	// HTTPStatus of the last provider answer; 0 when no answer came.
	HTTPStatus int
	// Retryable: a later retry of the same verification could succeed.
	Retryable bool
	// Attempts is the number of HTTP attempts (0 when rejected locally).
	Attempts int
	// FailOpenSuspected: the answer looks like the provider's fail-open
	// response.
	FailOpenSuspected bool
	// Detail is a short explanation written by siteverify (never provider
	// text, never the secret).
	Detail string
}

// outcomeJSON is the core's serialisation (Outcome::to_json), field for field.
type outcomeJSON struct {
	Accepted          bool       `json:"accepted"`
	Verified          bool       `json:"verified"`
	Conclusive        bool       `json:"conclusive"`
	Reason            Reason     `json:"reason"`
	Score             *jsonFloat `json:"score"`
	Hostname          *string    `json:"hostname"`
	Action            *string    `json:"action"`
	ChallengeTS       *string    `json:"challenge_ts"`
	Timestamp         *string    `json:"timestamp"`
	ErrorKey          *string    `json:"error_key"`
	ErrorCodes        []string   `json:"error_codes"`
	ProviderReason    *string    `json:"provider_reason"`
	HTTPStatus        *int       `json:"http_status"`
	Retryable         bool       `json:"retryable"`
	Attempts          int        `json:"attempts"`
	FailOpenSuspected bool       `json:"fail_open_suspected"`
	Detail            *string    `json:"detail"`
}

// jsonFloat writes a float as serde_json does: 0.0, not 0; null when not finite.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	b, err := json.Marshal(v)
	if err == nil && !bytes.ContainsAny(b, ".eE") {
		b = append(b, ".0"...)
	}
	return b, err
}

func optional[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

// MarshalJSON writes the outcome as the core does: the same snake_case field
// names, in the same order, null for absent values.
func (o Outcome) MarshalJSON() ([]byte, error) {
	codes := o.ErrorCodes
	if codes == nil {
		codes = []string{}
	}
	return json.Marshal(outcomeJSON{
		Accepted:          o.Accepted,
		Verified:          o.Verified,
		Conclusive:        o.Conclusive,
		Reason:            o.Reason,
		Score:             (*jsonFloat)(o.Score),
		Hostname:          optional(o.Hostname),
		Action:            optional(o.Action),
		ChallengeTS:       optional(o.ChallengeTS),
		Timestamp:         optional(o.Timestamp),
		ErrorKey:          optional(o.ErrorKey),
		ErrorCodes:        codes,
		ProviderReason:    optional(o.ProviderReason),
		HTTPStatus:        optional(o.HTTPStatus),
		Retryable:         o.Retryable,
		Attempts:          o.Attempts,
		FailOpenSuspected: o.FailOpenSuspected,
		Detail:            optional(o.Detail),
	})
}

// Stats is a point-in-time copy of a client's counters (Client.Stats).
type Stats struct {
	// Verifications that produced an outcome.
	Verifications uint64
	// Accepted outcomes.
	Accepted uint64
	// Rejected outcomes.
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
