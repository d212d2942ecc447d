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

// The supported providers, by the core's names. A Provider is passed to the
// core by name, so any name the core knows works (its aliases "procaptcha"
// and "gkcaptcha" too); an unknown one is the core's configuration error.
// What each provider takes and reports: the repository's README, section
// "Providers".
const (
	// Prosopo Procaptcha (POST /siteverify). Token form field:
	// "procaptcha-response".
	Prosopo Provider = "prosopo"
	// GateKeeper gkCAPTCHA (POST /api/v1/token/verify).
	GateKeeper Provider = "gatekeeper"
	// Turnstile is Cloudflare Turnstile (POST /turnstile/v0/siteverify).
	Turnstile Provider = "turnstile"
	// HCaptcha is hCaptcha (POST /siteverify); takes SiteKey (optional,
	// recommended).
	HCaptcha Provider = "hcaptcha"
	// Recaptcha is Google reCAPTCHA v2 and v3 (POST /recaptcha/api/siteverify).
	Recaptcha Provider = "recaptcha"
	// RecaptchaEnterprise is Google reCAPTCHA Enterprise (POST
	// /v1/projects/{project_id}/assessments); SiteKey and ProjectID are
	// required.
	RecaptchaEnterprise Provider = "recaptcha-enterprise"
	// Friendly is Friendly Captcha v2 (POST /api/v2/captcha/siteverify);
	// takes SiteKey (optional, recommended) and Region "eu" or "global".
	Friendly Provider = "friendly"
	// Yandex is Yandex SmartCaptcha (POST /validate).
	Yandex Provider = "yandex"
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
	// Provider: Prosopo, GateKeeper, Turnstile, HCaptcha, Recaptcha,
	// RecaptchaEnterprise, Friendly or Yandex (required), passed to the core
	// by name.
	Provider Provider
	// BEGIN GENERATED go-config (siteverify-vocab; edit core/, then `make vocab`)
	// Secret: the secret key. Read it from the environment or a secret store,
	// never from code. Required. Never shown by fmt, log/slog or errors. Core
	// name: secret.
	Secret string
	// SiteKey: the site key tokens must belong to: hCaptcha and Friendly
	// (optional, recommended), reCAPTCHA Enterprise (required); refused by the
	// other providers. Default: none. Core name: site_key.
	SiteKey string
	// ProjectID: the Google Cloud project ID (reCAPTCHA Enterprise only,
	// required). Default: none. Core name: project_id.
	ProjectID string
	// Endpoint: a custom verify URL, path included (HTTPS, or plain HTTP to
	// loopback). Excludes Region. Default: the provider's. Core name: endpoint.
	Endpoint string
	// Region: a regional endpoint: Prosopo "eu", "us" or "global"; Friendly
	// "eu" or "global". Default: global. Core name: region.
	Region string
	// Timeout: total deadline for one verification, retries included (at most
	// 300 s). Default: 10 s. A shorter deadline on the ctx passed to Verify
	// also applies. Core name: timeout.
	Timeout time.Duration
	// ConnectTimeout: TCP and TLS connect timeout. Default: 3 s. Core name:
	// connect_timeout.
	ConnectTimeout time.Duration
	// AttemptTimeout: timeout of a single attempt, capped by the total
	// deadline. Default: 6 s. Core name: attempt_timeout.
	AttemptTimeout time.Duration
	// MaxRetries: retries after the first attempt, on connect errors, timeouts,
	// 5xx and 429 only (at most 10). Default: 2. NoRetries for none (0 means
	// the default). Core name: max_retries.
	MaxRetries int
	// RetryBaseDelay: backoff ceiling of the first retry; doubles per retry,
	// full jitter. Default: 200 ms. Core name: retry_base_delay.
	RetryBaseDelay time.Duration
	// RetryMaxDelay: backoff cap, at least RetryBaseDelay. Default: 2 s. Core
	// name: retry_max_delay.
	RetryMaxDelay time.Duration
	// ExpectedHostnames: accepted hostnames (exact, case-insensitive); any one
	// passes. Refused by a provider that reports no hostname. Default: none.
	// Core name: expected_hostnames.
	ExpectedHostnames []string
	// ExpectedActions: accepted actions (exact, case-sensitive); any one
	// passes. Refused by a provider that reports no action. Default: none. Core
	// name: expected_actions.
	ExpectedActions []string
	// ScoreThreshold: reject scores above this (0 = human, 1 = bot); a missing
	// score is rejected too. Refused by a provider that reports no score.
	// Default: none. Use Threshold(0.5); nil means no threshold. Core name:
	// score_threshold.
	ScoreThreshold *float64
	// MaxAge: reject challenges solved longer ago than this. Refused by a
	// provider that reports no timestamp. Default: none. Core name: max_age.
	MaxAge time.Duration
	// FailMode: what an inconclusive outcome becomes; "open" accepts one only
	// during a confirmed outage. Default: closed. FailClosed or FailOpen. Core
	// name: fail_mode.
	FailMode FailMode
	// OnFailOpen: what a suspected provider fail-open counts as; unset,
	// rejected under "closed", accepted under "open". Default: follows
	// fail_mode. FailOpenAccept or FailOpenReject. Core name: on_fail_open.
	OnFailOpen FailOpenPolicy
	// Proxy: a proxy URL: "http://", "https://", "socks5://" or "socks5h://".
	// Refused with a plain-HTTP endpoint (the proxy would see the secret).
	// Default: HTTPS_PROXY / ALL_PROXY / NO_PROXY. Its password is redacted
	// when a Config is printed. Core name: proxy.
	Proxy string
	// CAPEM: extra trusted CA certificates, as PEM text, besides the system
	// store. Default: none. Core name: ca_pems.
	CAPEM []string
	// CAFiles: extra trusted CA certificates, as PEM files read at build time.
	// Default: none. Core name: ca_files.
	CAFiles []string
	// AllowHTTP: allow a plain-HTTP endpoint that is not loopback (the secret
	// then travels in the clear). Default: false. Core name: allow_http.
	AllowHTTP bool
	// END GENERATED go-config

	// Logger, when set, logs one record per verification (message
	// EventMessage): accepted at Debug, not accepted at Info, a refused
	// request, a TLS failure or a fail-open answer at Warn; see Event.Attrs
	// for the attributes. Never the token (only its fingerprint) nor the
	// secret. Not a core option: the binding sets the core's event callback.
	Logger *slog.Logger
	// OnEvent, when set, is called with every verification's Event (the
	// siteverifyprom exporter's Observe fits here). Events reach Logger and
	// OnEvent in order on a goroutine of the client, never on the library's
	// threads: a slow or panicking handler never delays or breaks a
	// verification (a panic is recovered; when 1024 events are waiting,
	// further ones are dropped and counted in Stats.EventsDropped).
	OnEvent func(Event)
}

// configView is what fmt and slog show of a Config: the same fields, the
// secret and a proxy password redacted, the threshold as a number.
type configView struct {
	Provider Provider
	// BEGIN GENERATED go-config-view (siteverify-vocab; edit core/, then `make vocab`)
	Secret            string
	SiteKey           string
	ProjectID         string
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
	// END GENERATED go-config-view
	Logger  hook
	OnEvent hook
}

// hook shows whether a Logger or OnEvent is set, never its value.
type hook bool

func (h hook) String() string {
	if h {
		return "<set>"
	}
	return "<nil>"
}

func (h hook) GoString() string { return h.String() }

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
		Provider: c.Provider,
		// BEGIN GENERATED go-config-view-values (siteverify-vocab; edit core/, then `make vocab`)
		SiteKey:           c.SiteKey,
		ProjectID:         c.ProjectID,
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
		// END GENERATED go-config-view-values
		Logger:  c.Logger != nil,
		OnEvent: c.OnEvent != nil,
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
