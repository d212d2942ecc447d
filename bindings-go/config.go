package siteverify

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Provider selects the CAPTCHA provider whose verify API a Client calls.
type Provider string

// The supported providers.
const (
	// Prosopo Procaptcha (POST /siteverify). Token form field:
	// "procaptcha-response".
	Prosopo Provider = "prosopo"
	// GateKeeper gkCAPTCHA (POST /api/v1/token/verify).
	GateKeeper Provider = "gatekeeper"
)

// FailMode says what an inconclusive outcome (provider unreachable, timed
// out, unexpected answer) becomes: rejected, or accepted during an outage.
type FailMode string

// The fail modes.
const (
	// FailClosed: inconclusive outcomes are not accepted (the default).
	FailClosed FailMode = "closed"
	// FailOpen: an inconclusive outcome is accepted (with Conclusive false)
	// only during a confirmed outage: the provider was unreachable before
	// the token was sent, or siteverify's own outage probe fails too.
	// Otherwise it is not accepted; Outcome.Detail says which.
	FailOpen FailMode = "open"
)

// FailOpenPolicy says what to do with an answer that looks like the
// provider's own fail-open response (Prosopo answers "verified" with score 0
// while its upstream is down).
type FailOpenPolicy string

// The fail-open policies. Unset (""), the policy follows the fail mode:
// FailOpenReject under FailClosed, FailOpenAccept under FailOpen.
const (
	// FailOpenAccept: accept it and flag it (FailOpenSuspected).
	FailOpenAccept FailOpenPolicy = "accept"
	// FailOpenReject: do not accept it.
	FailOpenReject FailOpenPolicy = "reject"
)

// NoRetries is the MaxRetries value for "never retry", since 0 means the
// default. It is the one value the binding translates (to the core's 0);
// every other negative count reaches the core, which refuses it.
const NoRetries = math.MinInt

// Threshold returns a pointer to t, for Config.ScoreThreshold.
func Threshold(t float64) *float64 { return &t }

// Config holds every option of the core. Only Provider and Secret are
// required; a zero value means the library default. New hands every set
// field to the core under the core's option name (the comment of each field
// gives it), durations as milliseconds with their fraction and sign; the core
// validates and converts them. A refused value is an error matching
// ErrConfiguration whose message names the option and never repeats the
// value.
//
// The secret never appears in fmt output (%v, %+v, %#v, %s...) or slog
// output of a Config, nor in errors.
type Config struct {
	// Provider: Prosopo or GateKeeper (required), passed to the core by
	// name.
	Provider Provider
	// Secret is the provider secret key (required). Core name: secret.
	Secret string
	// Endpoint is a custom verify URL (https, or http to loopback). It
	// excludes Region. Default: the provider's public endpoint. Core name:
	// endpoint.
	Endpoint string
	// Region is a regional endpoint: Prosopo "eu", "us" or "global". Core
	// name: region.
	Region string

	// Timeout is the total deadline per verification, retries included
	// (default 10s, at most 300s). A shorter deadline on the ctx passed to
	// Verify also applies. Core name: timeout.
	Timeout time.Duration
	// ConnectTimeout is the TCP+TLS connect timeout (default 3s). Core
	// name: connect_timeout.
	ConnectTimeout time.Duration
	// AttemptTimeout is the per-attempt timeout (default 6s, capped by
	// Timeout). Core name: attempt_timeout.
	AttemptTimeout time.Duration
	// MaxRetries is the number of retries after the first attempt, on
	// connect errors, timeouts, 5xx and 429 only (default 2, at most 10;
	// NoRetries for none). Core name: max_retries.
	MaxRetries int
	// RetryBaseDelay is the first backoff ceiling (default 200ms; doubles
	// per retry, full jitter). Core name: retry_base_delay.
	RetryBaseDelay time.Duration
	// RetryMaxDelay caps the backoff (default 2s). Core name:
	// retry_max_delay.
	RetryMaxDelay time.Duration

	// ExpectedHostnames: the reported hostname must be one of these (exact,
	// case-insensitive). GateKeeper only. Core name: expected_hostnames.
	ExpectedHostnames []string
	// ExpectedActions: the reported action must be one of these (exact,
	// case-sensitive). GateKeeper only. Core name: expected_actions.
	ExpectedActions []string
	// ScoreThreshold rejects scores above it (0 = human, 1 = bot) and
	// missing scores. nil: no threshold. Use Threshold(0.5). Core name:
	// score_threshold.
	ScoreThreshold *float64
	// MaxAge rejects challenges solved longer ago. GateKeeper only. Zero:
	// no limit. Core name: max_age.
	MaxAge time.Duration
	// FailMode: FailClosed (default) or FailOpen, passed as its word. Core
	// name: fail_mode.
	FailMode FailMode
	// OnFailOpen: FailOpenAccept or FailOpenReject. Unset (""), the core's
	// default applies, which follows FailMode: rejected under FailClosed,
	// accepted and flagged under FailOpen. Only a set value is passed on.
	// Core name: on_fail_open.
	OnFailOpen FailOpenPolicy

	// Proxy is an explicit proxy URL. Without it HTTPS_PROXY and NO_PROXY
	// apply. Refused with a plain-HTTP endpoint (the proxy would see the
	// secret); environment proxies never apply to one. Core name: proxy.
	Proxy string
	// CAPEM holds extra CA certificates to trust, as PEM text. Core name:
	// ca_pems.
	CAPEM []string
	// CAFiles are files of extra CA certificates (PEM), read in New. Core
	// name: ca_files.
	CAFiles []string
	// AllowHTTP allows a plain-HTTP endpoint that is not loopback (the
	// secret then travels in the clear). Core name: allow_http.
	AllowHTTP bool
}

// configView is what fmt and slog show of a Config: the same fields, the
// secret and a proxy password redacted, the threshold as a number.
type configView struct {
	Provider          Provider
	Secret            string
	Endpoint          string
	Region            string
	Timeout           time.Duration
	ConnectTimeout    time.Duration
	AttemptTimeout    time.Duration
	MaxRetries        int
	RetryBaseDelay    time.Duration
	RetryMaxDelay     time.Duration
	ExpectedHostnames []string
	ExpectedActions   []string
	ScoreThreshold    threshold
	MaxAge            time.Duration
	FailMode          FailMode
	OnFailOpen        FailOpenPolicy
	Proxy             string
	CAPEM             []string
	CAFiles           []string
	AllowHTTP         bool
}

type threshold struct{ v *float64 }

func (t threshold) String() string {
	if t.v == nil {
		return "<nil>"
	}
	return strconv.FormatFloat(*t.v, 'g', -1, 64)
}

func (t threshold) GoString() string {
	if t.v == nil {
		return "nil"
	}
	return "siteverify.Threshold(" + t.String() + ")"
}

func (c Config) view() configView {
	v := configView{
		Provider:          c.Provider,
		Endpoint:          c.Endpoint,
		Region:            c.Region,
		Timeout:           c.Timeout,
		ConnectTimeout:    c.ConnectTimeout,
		AttemptTimeout:    c.AttemptTimeout,
		MaxRetries:        c.MaxRetries,
		RetryBaseDelay:    c.RetryBaseDelay,
		RetryMaxDelay:     c.RetryMaxDelay,
		ExpectedHostnames: c.ExpectedHostnames,
		ExpectedActions:   c.ExpectedActions,
		ScoreThreshold:    threshold{c.ScoreThreshold},
		MaxAge:            c.MaxAge,
		FailMode:          c.FailMode,
		OnFailOpen:        c.OnFailOpen,
		Proxy:             c.Proxy,
		CAPEM:             c.CAPEM,
		CAFiles:           c.CAFiles,
		AllowHTTP:         c.AllowHTTP,
	}
	if c.Secret != "" {
		v.Secret = "[REDACTED]"
	}
	if u, err := url.Parse(c.Proxy); err == nil && u.User != nil {
		v.Proxy = u.Redacted()
	} else if err != nil {
		v.Proxy = "[UNPARSABLE]"
	}
	return v
}

// Format prints the Config like a struct with the secret (and a proxy
// password) redacted, for every verb.
func (c Config) Format(f fmt.State, verb rune) {
	s := fmt.Sprintf(fmt.FormatString(f, verb), c.view())
	if verb == 'v' && f.Flag('#') {
		s = strings.Replace(s, "siteverify.configView", "siteverify.Config", 1)
	}
	_, _ = f.Write([]byte(s))
}

// String is the Config with the secret redacted.
func (c Config) String() string { return fmt.Sprintf("%+v", c) }

// GoString is the Config with the secret redacted.
func (c Config) GoString() string { return fmt.Sprintf("%#v", c) }

// MarshalJSON keeps the secret out of encoding/json output, and so out of
// loggers that serialise values through it.
func (c Config) MarshalJSON() ([]byte, error) {
	type jsonView struct {
		configView
		ScoreThreshold *float64
	}
	return json.Marshal(jsonView{configView: c.view(), ScoreThreshold: c.ScoreThreshold})
}

// LogValue keeps the secret out of log/slog output, whatever the handler.
func (c Config) LogValue() slog.Value {
	return slog.StringValue(c.String())
}
