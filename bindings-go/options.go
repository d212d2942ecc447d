package siteverify

/*
#include <stdlib.h>
#include "siteverify.h"
*/
import "C"

import (
	"fmt"
	"strings"
	"time"
	"unsafe"
)

// option is one value for the core's generic setter
// (sv_client_builder_set_option_*), by the core's option name. The core
// validates and converts it; the binding only picks the setter that fits the
// Go type.
type option struct {
	name  string
	value any // string, bool, int64, float64 or time.Duration
}

// options lists the set fields of cfg by the core's option names. A zero
// field is unset, so the core's default applies; every other value is passed
// as it is, negative durations and counts included, for the core to judge.
// List fields give one option per element. The calls, one per option, are
// generated from the core's options table; the helpers, one per kind, are
// here.
func (cfg *Config) options() []option {
	var opts []option
	add := func(name string, value any) { opts = append(opts, option{name, value}) }
	text := func(name, v string) {
		if v != "" {
			add(name, v)
		}
	}
	duration := func(name string, d time.Duration) {
		if d != 0 {
			add(name, d)
		}
	}
	list := func(name string, vs []string) {
		for _, v := range vs {
			add(name, v)
		}
	}
	// A count of 0 is the default; NoRetries is max_retries' explicit 0 (for
	// any other count it is a negative value, which the core refuses).
	count := func(name string, n int) {
		switch {
		case n == 0:
		case n == NoRetries && name == "max_retries":
			add(name, int64(0))
		default:
			add(name, int64(n))
		}
	}
	number := func(name string, f *float64) {
		if f != nil {
			add(name, *f)
		}
	}
	flag := func(name string, b bool) {
		if b {
			add(name, true)
		}
	}
	// BEGIN GENERATED go-options (siteverify-vocab; edit core/, then `make vocab`)
	text("secret", cfg.Secret)
	text("site_key", cfg.SiteKey)
	text("project_id", cfg.ProjectID)
	text("endpoint", cfg.Endpoint)
	text("region", cfg.Region)
	duration("timeout", cfg.Timeout)
	duration("connect_timeout", cfg.ConnectTimeout)
	duration("attempt_timeout", cfg.AttemptTimeout)
	count("max_retries", cfg.MaxRetries)
	duration("retry_base_delay", cfg.RetryBaseDelay)
	duration("retry_max_delay", cfg.RetryMaxDelay)
	list("expected_hostnames", cfg.ExpectedHostnames)
	list("expected_actions", cfg.ExpectedActions)
	number("score_threshold", cfg.ScoreThreshold)
	duration("max_age", cfg.MaxAge)
	text("fail_mode", string(cfg.FailMode))
	text("on_fail_open", string(cfg.OnFailOpen))
	text("proxy", cfg.Proxy)
	list("ca_pems", cfg.CAPEM)
	list("ca_files", cfg.CAFiles)
	flag("allow_http", cfg.AllowHTTP)
	// END GENERATED go-options
	return opts
}

// set hands the option to the core's setter for its Go type. A duration
// travels as fractional milliseconds, its sign kept.
func (o option) set(b *C.sv_client_builder) error {
	name := C.CString(o.name)
	defer C.free(unsafe.Pointer(name))
	var cerr *C.sv_error
	var st C.sv_status
	switch v := o.value.(type) {
	case string:
		if strings.IndexByte(v, 0) >= 0 {
			return nulError(o.name)
		}
		cs := C.CString(v)
		defer C.free(unsafe.Pointer(cs))
		st = C.sv_client_builder_set_option_str(b, name, cs, &cerr)
	case bool:
		st = C.sv_client_builder_set_option_bool(b, name, C.bool(v), &cerr)
	case int64:
		st = C.sv_client_builder_set_option_i64(b, name, C.int64_t(v), &cerr)
	case float64:
		st = C.sv_client_builder_set_option_f64(b, name, C.double(v), &cerr)
	case time.Duration:
		st = C.sv_client_builder_set_option_millis(b, name, C.double(float64(v)/float64(time.Millisecond)), &cerr)
	default:
		return newError("internal", fmt.Sprintf("option %s: no setter for a Go %T", o.name, v))
	}
	if st != C.SV_OK {
		return takeError(st, cerr)
	}
	return nil
}
