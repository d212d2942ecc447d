package siteverify

/*
#include <stdint.h>
#include <stdlib.h>
#include "siteverify.h"

// The trampoline (callback.go); cgo generates its definition.
extern void svGoVerifyDone(void *userdata, sv_status status, sv_outcome *outcome, sv_error *error);

// userdata carries a cgo.Handle, an integer: C never holds a Go pointer. The
// integer-to-pointer conversion happens here so that Go code needs none.
static sv_status sv_go_verify_async(const sv_client *client, const char *token, size_t token_len,
                                    const sv_verify_options *options, uintptr_t handle,
                                    sv_task **task_out, sv_error **err_out) {
  return sv_client_verify_async(client, token, token_len, options, svGoVerifyDone,
                                (void *)handle, task_out, err_out);
}
*/
import "C"

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"runtime/cgo"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Internal counters; the tests read them to prove there is no leak.
var (
	liveClients        atomic.Int64 // native clients built and not yet freed
	pending            atomic.Int64 // async verifications whose callback has not run yet
	cancelledCallbacks atomic.Int64 // callbacks that reported SV_CANCELLED
	captureCoreJSON    atomic.Bool  // tests: keep sv_outcome_to_json beside each outcome
)

// Client verifies tokens for one provider, secret and policy. It is safe for
// concurrent use: build one at startup and share it (it keeps a pool of open
// connections). Close it when done; a Client that becomes unreachable without
// Close is freed by a cleanup.
type Client struct {
	native   *native
	provider Provider
	endpoint string
	cleanup  runtime.Cleanup
}

// native owns the C client. Calls into C hold mu for reading, Close holds it
// for writing: the pointer is never freed under a running call. An async
// verification holds its own native reference, so Close does not wait for
// verifications in flight.
type native struct {
	mu  sync.RWMutex
	ptr *C.sv_client
}

func (n *native) free() {
	n.mu.Lock()
	p := n.ptr
	n.ptr = nil
	n.mu.Unlock()
	if p != nil {
		C.sv_client_free(p)
		liveClients.Add(-1)
	}
}

// New validates cfg and builds a Client. An invalid Config gives an error
// matching ErrConfiguration whose message names the option.
func New(cfg Config) (*Client, error) {
	if got := uint32(C.sv_abi_version()); got != C.SV_ABI_VERSION {
		return nil, newError("internal", fmt.Sprintf(
			"the loaded libsiteverify has ABI version %d, this package was built for %d", got, C.SV_ABI_VERSION))
	}
	var provider C.int32_t
	switch cfg.Provider {
	case Prosopo:
		provider = C.SV_PROVIDER_PROSOPO
	case GateKeeper:
		provider = C.SV_PROVIDER_GATEKEEPER
	case "":
		return nil, newError("configuration", "Provider is required (siteverify.Prosopo or siteverify.GateKeeper)")
	default:
		return nil, newError("configuration", "Provider is not siteverify.Prosopo or siteverify.GateKeeper")
	}
	var b *C.sv_client_builder
	if st := C.sv_client_builder_new(provider, &b); st != C.SV_OK {
		return nil, statusError(st, "creating the builder")
	}
	defer C.sv_client_builder_free(b)
	if err := configure(b, &cfg); err != nil {
		return nil, err
	}
	var ptr *C.sv_client
	var cerr *C.sv_error
	if st := C.sv_client_builder_build(b, &ptr, &cerr); st != C.SV_OK {
		return nil, takeError(st, cerr)
	}
	liveClients.Add(1)
	n := &native{ptr: ptr}
	c := &Client{
		native:   n,
		provider: cfg.Provider,
		endpoint: C.GoString(C.sv_client_endpoint(ptr)),
	}
	// The cleanup gets the native part only, never c, so c can become
	// unreachable.
	c.cleanup = runtime.AddCleanup(c, func(n *native) { n.free() }, n)
	return c, nil
}

// builder applies a Config to a C builder, keeping the first error.
type builder struct {
	b   *C.sv_client_builder
	err error
}

func (s *builder) fail(err error) {
	if s.err == nil {
		s.err = err
	}
}

func (s *builder) check(st C.sv_status, option string) {
	if st != C.SV_OK {
		s.fail(statusError(st, option))
	}
}

// str passes a string option; Go strings may hold NUL bytes, which a C string
// cannot carry, so those are refused here instead of silently cut.
func (s *builder) str(option, value string, set func(*C.sv_client_builder, *C.char) C.sv_status) {
	if s.err != nil {
		return
	}
	if strings.IndexByte(value, 0) >= 0 {
		s.fail(newError("configuration", option+" contains a NUL byte"))
		return
	}
	cs := C.CString(value)
	defer C.free(unsafe.Pointer(cs))
	s.check(set(s.b, cs), option)
}

func (s *builder) millis(option string, d time.Duration, set func(*C.sv_client_builder, C.uint64_t) C.sv_status) {
	if s.err != nil || d == 0 {
		return
	}
	if d < 0 {
		s.fail(newError("configuration", option+" is negative"))
		return
	}
	s.check(set(s.b, C.uint64_t(d.Milliseconds())), option)
}

func configure(b *C.sv_client_builder, cfg *Config) error {
	s := &builder{b: b}
	if cfg.Secret != "" {
		if strings.IndexByte(cfg.Secret, 0) >= 0 {
			// The core's own wording for control characters; never the value.
			return newError("configuration", "secret contains control characters")
		}
		s.str("Secret", cfg.Secret, func(b *C.sv_client_builder, v *C.char) C.sv_status {
			return C.sv_client_builder_set_secret(b, v)
		})
	}
	if cfg.Endpoint != "" {
		s.str("Endpoint", cfg.Endpoint, func(b *C.sv_client_builder, v *C.char) C.sv_status {
			return C.sv_client_builder_set_endpoint(b, v)
		})
	}
	if cfg.Region != "" {
		s.str("Region", cfg.Region, func(b *C.sv_client_builder, v *C.char) C.sv_status {
			return C.sv_client_builder_set_region(b, v)
		})
	}
	s.millis("Timeout", cfg.Timeout, func(b *C.sv_client_builder, v C.uint64_t) C.sv_status {
		return C.sv_client_builder_set_timeout_ms(b, v)
	})
	s.millis("ConnectTimeout", cfg.ConnectTimeout, func(b *C.sv_client_builder, v C.uint64_t) C.sv_status {
		return C.sv_client_builder_set_connect_timeout_ms(b, v)
	})
	s.millis("AttemptTimeout", cfg.AttemptTimeout, func(b *C.sv_client_builder, v C.uint64_t) C.sv_status {
		return C.sv_client_builder_set_attempt_timeout_ms(b, v)
	})
	switch {
	case s.err != nil || cfg.MaxRetries == 0:
	case cfg.MaxRetries == NoRetries:
		s.check(C.sv_client_builder_set_max_retries(b, 0), "MaxRetries")
	case cfg.MaxRetries < 0:
		s.fail(newError("configuration", "MaxRetries is negative (use siteverify.NoRetries for none)"))
	default:
		// Values above the core's limit are refused by the core.
		s.check(C.sv_client_builder_set_max_retries(b, C.uint32_t(min(uint64(cfg.MaxRetries), math.MaxUint32))), "MaxRetries")
	}
	if s.err == nil && (cfg.RetryBaseDelay != 0 || cfg.RetryMaxDelay != 0) {
		// The C ABI sets both at once; an unset one keeps its documented
		// default (200 ms and 2000 ms).
		base, max := cfg.RetryBaseDelay, cfg.RetryMaxDelay
		if base == 0 {
			base = 200 * time.Millisecond
		}
		if max == 0 {
			max = 2000 * time.Millisecond
		}
		if base < 0 || max < 0 {
			s.fail(newError("configuration", "RetryBaseDelay and RetryMaxDelay must not be negative"))
		} else {
			s.check(C.sv_client_builder_set_retry_backoff_ms(b, C.uint64_t(base.Milliseconds()), C.uint64_t(max.Milliseconds())), "RetryBaseDelay/RetryMaxDelay")
		}
	}
	for _, h := range cfg.ExpectedHostnames {
		s.str("ExpectedHostnames", h, func(b *C.sv_client_builder, v *C.char) C.sv_status {
			return C.sv_client_builder_add_expected_hostname(b, v)
		})
	}
	for _, a := range cfg.ExpectedActions {
		s.str("ExpectedActions", a, func(b *C.sv_client_builder, v *C.char) C.sv_status {
			return C.sv_client_builder_add_expected_action(b, v)
		})
	}
	if s.err == nil && cfg.ScoreThreshold != nil {
		s.check(C.sv_client_builder_set_score_threshold(b, C.double(*cfg.ScoreThreshold)), "ScoreThreshold")
	}
	switch {
	case s.err != nil || cfg.MaxAge == 0:
	case cfg.MaxAge < 0:
		s.fail(newError("configuration", "MaxAge is negative"))
	default:
		s.check(C.sv_client_builder_set_max_age_seconds(b, C.uint64_t(cfg.MaxAge/time.Second)), "MaxAge")
	}
	// The C ABI takes these as numbers and parses no names: each Go constant
	// maps to its C constant, and a value that is not one is refused without
	// echoing it (a secret pasted into the wrong field would reach the logs).
	// An unset value is not passed, so the core's default applies; for
	// OnFailOpen that default follows the fail mode.
	switch cfg.FailMode {
	case "":
	case FailClosed:
		s.check(C.sv_client_builder_set_fail_mode(b, C.SV_FAIL_MODE_CLOSED), "FailMode")
	case FailOpen:
		s.check(C.sv_client_builder_set_fail_mode(b, C.SV_FAIL_MODE_OPEN), "FailMode")
	default:
		s.fail(newError("configuration", "FailMode is not siteverify.FailClosed or siteverify.FailOpen"))
	}
	switch cfg.OnFailOpen {
	case "":
	case FailOpenAccept:
		s.check(C.sv_client_builder_set_on_fail_open(b, C.SV_FAIL_OPEN_ACCEPT), "OnFailOpen")
	case FailOpenReject:
		s.check(C.sv_client_builder_set_on_fail_open(b, C.SV_FAIL_OPEN_REJECT), "OnFailOpen")
	default:
		s.fail(newError("configuration", "OnFailOpen is not siteverify.FailOpenAccept or siteverify.FailOpenReject"))
	}
	if cfg.Proxy != "" {
		s.str("Proxy", cfg.Proxy, func(b *C.sv_client_builder, v *C.char) C.sv_status {
			return C.sv_client_builder_set_proxy(b, v)
		})
	}
	for _, pem := range cfg.CAPEM {
		s.str("CAPEM", pem, func(b *C.sv_client_builder, v *C.char) C.sv_status {
			return C.sv_client_builder_add_ca_pem(b, v)
		})
	}
	for _, f := range cfg.CAFiles {
		s.str("CAFiles", f, func(b *C.sv_client_builder, v *C.char) C.sv_status {
			return C.sv_client_builder_add_ca_file(b, v)
		})
	}
	if s.err == nil && cfg.AllowHTTP {
		s.check(C.sv_client_builder_set_allow_http(b, C.bool(true)), "AllowHTTP")
	}
	return s.err
}

// Provider is the provider the client verifies with.
func (c *Client) Provider() Provider { return c.provider }

// Endpoint is the verify URL the client calls.
func (c *Client) Endpoint() string { return c.endpoint }

// String describes the client (there is no secret to show).
func (c *Client) String() string {
	return fmt.Sprintf("siteverify.Client{Provider: %s, Endpoint: %s}", c.provider, c.endpoint)
}

// GoString describes the client (there is no secret to show).
func (c *Client) GoString() string { return c.String() }

// Close frees the native client. It is idempotent and safe to call
// concurrently with verifications: those in flight finish normally, later
// calls return ErrClosed.
func (c *Client) Close() error {
	c.cleanup.Stop()
	c.native.free()
	return nil
}

// VerifyOption is a per-call option for Verify.
type VerifyOption func(*verifyOptions)

type verifyOptions struct {
	remoteIP, email string
	hasIP, hasEmail bool
}

// WithRemoteIP sends the end user's IP address (IPv4 or IPv6; the core
// validates it when verifying: an invalid one is ErrInvalidArgument).
func WithRemoteIP(ip string) VerifyOption {
	return func(o *verifyOptions) { o.remoteIP, o.hasIP = ip, true }
}

// WithEmail sends the end user's email or domain (Prosopo only; only the
// domain is sent).
func WithEmail(email string) VerifyOption {
	return func(o *verifyOptions) { o.email, o.hasEmail = email, true }
}

// toC builds the C options, or returns nil when there are none.
func (o *verifyOptions) toC() (*C.sv_verify_options, error) {
	if !o.hasIP && !o.hasEmail {
		return nil, nil
	}
	var opts *C.sv_verify_options
	if st := C.sv_verify_options_new(&opts); st != C.SV_OK {
		return nil, statusError(st, "creating verify options")
	}
	set := func(option, value string, f func(*C.sv_verify_options, *C.char) C.sv_status) error {
		if strings.IndexByte(value, 0) >= 0 {
			return newError("invalid-argument", option+" contains a NUL byte")
		}
		cs := C.CString(value)
		defer C.free(unsafe.Pointer(cs))
		if st := f(opts, cs); st != C.SV_OK {
			return statusError(st, option)
		}
		return nil
	}
	var err error
	if o.hasIP {
		err = set("remote IP", o.remoteIP, func(o *C.sv_verify_options, v *C.char) C.sv_status {
			return C.sv_verify_options_set_remote_ip(o, v)
		})
	}
	if err == nil && o.hasEmail {
		err = set("email", o.email, func(o *C.sv_verify_options, v *C.char) C.sv_status {
			return C.sv_verify_options_set_email(o, v)
		})
	}
	if err != nil {
		C.sv_verify_options_free(opts)
		return nil, err
	}
	return opts, nil
}

// verifyResult travels from the callback to Verify.
type verifyResult struct {
	outcome  *Outcome
	err      error
	coreJSON string // only when captureCoreJSON is set (tests)
}

// Verify verifies token and returns the outcome: act on Outcome.Accepted.
// Every verdict, "provider down" included, is an Outcome; an error means the
// call itself was wrong (ErrInvalidArgument, ErrClosed...) or ctx ended.
//
// Verify honours ctx: when it is cancelled or its deadline passes, the native
// verification is cancelled (its HTTP request dropped) and Verify returns
// ctx.Err() (context.Canceled or context.DeadlineExceeded). If the
// verification had already finished, its outcome is returned instead: a
// single-use token may have been consumed by it. The client's own deadline
// (Config.Timeout) applies too; it gives an Outcome with reason
// provider-unavailable, not an error.
func (c *Client) Verify(ctx context.Context, token string, opts ...VerifyOption) (*Outcome, error) {
	r := c.verify(ctx, token, opts)
	return r.outcome, r.err
}

func (c *Client) verify(ctx context.Context, token string, opts []VerifyOption) verifyResult {
	if err := ctx.Err(); err != nil {
		return verifyResult{err: err}
	}
	var o verifyOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	copts, err := o.toC()
	if err != nil {
		return verifyResult{err: err}
	}
	// The library copies the options and the token before returning.
	defer C.sv_verify_options_free(copts)

	done := make(chan verifyResult, 1)
	h := cgo.NewHandle(done)
	var task *C.sv_task
	var cerr *C.sv_error
	// The token is passed as pointer + length: NUL bytes inside are seen by
	// the core, not cut. C reads it only during the call.
	tok := (*C.char)(unsafe.Pointer(unsafe.StringData(token)))

	c.native.mu.RLock()
	if c.native.ptr == nil {
		c.native.mu.RUnlock()
		h.Delete()
		return verifyResult{err: newError("closed", "the client is closed")}
	}
	pending.Add(1)
	st := C.sv_go_verify_async(c.native.ptr, tok, C.size_t(len(token)), copts, C.uintptr_t(h), &task, &cerr)
	c.native.mu.RUnlock()
	runtime.KeepAlive(c)
	if st != C.SV_OK {
		// The callback never runs.
		pending.Add(-1)
		h.Delete()
		return verifyResult{err: takeError(st, cerr)}
	}
	defer C.sv_task_free(task)

	select {
	case r := <-done:
		return r
	case <-ctx.Done():
		C.sv_task_cancel(task)
		// The callback runs exactly once, promptly after a cancel: wait for
		// it so that nothing outlives this call.
		r := <-done
		if errors.Is(r.err, ErrCancelled) {
			r.err = ctx.Err()
		}
		return r
	}
}

// Stats returns a snapshot of the client's counters.
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
	out := Stats{
		Verifications:     uint64(C.sv_stats_verifications(s)),
		Accepted:          uint64(C.sv_stats_accepted(s)),
		Rejected:          uint64(C.sv_stats_rejected(s)),
		Inconclusive:      uint64(C.sv_stats_inconclusive(s)),
		FailOpenSuspected: uint64(C.sv_stats_fail_open_suspected(s)),
		Retries:           uint64(C.sv_stats_retries(s)),
		Errors:            uint64(C.sv_stats_errors(s)),
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
	// Error keys and the outage fields have no accessor: they come from the
	// snapshot's JSON. A field missing from it is an error, not a zero.
	var j struct {
		ByErrorKey     map[string]uint64 `json:"by_error_key"`
		OutageAccepted *uint64           `json:"outage_accepted"`
		OutageRefused  *uint64           `json:"outage_refused"`
		OutageProbes   *uint64           `json:"outage_probes"`
		ProviderHealth *string           `json:"provider_health"`
	}
	if err := json.Unmarshal([]byte(goString(C.sv_stats_to_json(s))), &j); err != nil {
		return Stats{}, newError("internal", "cannot read the stats JSON: "+err.Error())
	}
	if j.OutageAccepted == nil || j.OutageRefused == nil || j.OutageProbes == nil || j.ProviderHealth == nil {
		return Stats{}, newError("internal", "the stats JSON lacks the outage fields")
	}
	out.OutageAccepted = *j.OutageAccepted
	out.OutageRefused = *j.OutageRefused
	out.OutageProbes = *j.OutageProbes
	out.ProviderHealth = ProviderHealth(*j.ProviderHealth)
	for k, v := range j.ByErrorKey {
		out.ByErrorKey[k] = v
	}
	runtime.KeepAlive(c)
	return out, nil
}

// Version is the version of the loaded libsiteverify ("MAJOR.MINOR.PATCH").
func Version() string { return C.GoString(C.sv_version()) }

// ABIVersion is the ABI version of the loaded libsiteverify.
func ABIVersion() int { return int(C.sv_abi_version()) }

// takeError copies a C error into a Go *Error and frees it at once.
func takeError(st C.sv_status, e *C.sv_error) *Error {
	defer C.sv_error_free(e)
	if e == nil {
		return statusError(st, "")
	}
	code := C.GoString(C.sv_error_name(e))
	return newError(code, C.GoString(C.sv_error_message(e)))
}

// statusError is an *Error for a status that came without an sv_error.
func statusError(st C.sv_status, what string) *Error {
	code := C.GoString(C.sv_status_str(st))
	if what == "" {
		return newError(code, code)
	}
	return newError(code, what+": "+code)
}
