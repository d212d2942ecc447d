// Package siteverifytest runs the siteverify mock provider inside the test
// process, for the tests of your own handlers: no binary, no Rust toolchain,
// no network. It serves every provider (siteverify.Prosopo, GateKeeper,
// Turnstile, HCaptcha, Recaptcha, RecaptchaEnterprise, Friendly, Yandex) and
// scenario token of the standalone mock (`siteverify mock`) on an ephemeral
// 127.0.0.1 port:
//
//	func TestSignup(t *testing.T) {
//		mock := siteverifytest.Start(t)
//		client, err := siteverify.New(mock.Config(siteverify.GateKeeper))
//		...
//		// post the form with captchaToken=pass (accepted), fail (rejected),
//		// status:code=503 (provider down)...
//	}
//
// Scenario tokens: pass, pass:score=0.9, fail, expired, status:code=503,
// hang, echo... (mock/README.md in the repository). The accepted secret is
// DefaultSecret unless WithSecret says otherwise.
package siteverifytest

/*
#include <stdlib.h>
#include "siteverify.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"unsafe"

	"github.com/siteverify/siteverify/bindings-go"
)

// DefaultSecret is the secret the mock accepts unless WithSecret is used.
const DefaultSecret = "mock-secret"

// SiteKey is the site key the mock accepts (Config.SiteKey for HCaptcha,
// Friendly and RecaptchaEnterprise), besides the providers' own test keys.
const SiteKey = "mock-site-key"

// ProjectID is the reCAPTCHA Enterprise project of the mock's endpoint
// (Endpoint(siteverify.RecaptchaEnterprise)).
const ProjectID = "siteverify-mock"

// Mock is a running mock provider. Its methods are safe for concurrent use.
type Mock struct {
	mu     sync.RWMutex
	ptr    *C.sv_mock
	url    string
	ca     string
	secret string
}

// Option configures New and Start.
type Option func(*options)

type options struct {
	secret string
	tls    bool
}

// WithSecret makes the mock accept secret instead of DefaultSecret.
func WithSecret(secret string) Option { return func(o *options) { o.secret = secret } }

// WithTLS serves HTTPS with a certificate for 127.0.0.1, localhost and ::1,
// signed by a CA generated now (CAPEM; Config adds it to the client).
func WithTLS() Option { return func(o *options) { o.tls = true } }

// Start starts a mock for the test and stops it when the test ends
// (t.Cleanup). It fails the test if the mock cannot start.
func Start(t testing.TB, opts ...Option) *Mock {
	t.Helper()
	m, err := New(opts...)
	if err != nil {
		t.Fatalf("siteverifytest: %v", err)
	}
	t.Cleanup(m.Close)
	return m
}

// New starts a mock (sv_mock_start); stop it with Close. For a mock shared
// by a whole package, start it in TestMain.
func New(opts ...Option) (*Mock, error) {
	o := options{secret: DefaultSecret}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	for i := range len(o.secret) {
		if o.secret[i] == 0 {
			return nil, errors.New("the secret contains a NUL byte")
		}
	}
	cs := C.CString(o.secret)
	defer C.free(unsafe.Pointer(cs))
	var ptr *C.sv_mock
	var cerr *C.sv_error
	if st := C.sv_mock_start(cs, C.bool(o.tls), &ptr, &cerr); st != C.SV_OK {
		msg := "unknown error"
		if cerr != nil {
			msg = C.GoString(C.sv_error_name(cerr)) + ": " + C.GoString(C.sv_error_message(cerr))
			C.sv_error_free(cerr)
		}
		return nil, fmt.Errorf("cannot start the mock provider: %s", msg)
	}
	m := &Mock{ptr: ptr, url: C.GoString(C.sv_mock_url(ptr)), secret: o.secret}
	if ca := C.sv_mock_ca_pem(ptr); ca != nil {
		m.ca = C.GoString(ca)
	}
	return m, nil
}

// URL is the mock's base URL (http://127.0.0.1:PORT, or https:// with
// WithTLS).
func (m *Mock) URL() string { return m.url }

// Secret is the secret the mock accepts.
func (m *Mock) Secret() string { return m.secret }

// CAPEM is the CA certificate to trust (PEM) with WithTLS; "" otherwise.
func (m *Mock) CAPEM() string { return m.ca }

// Endpoint is the verify URL for provider p ("" for a provider the mock
// does not serve, or after Close).
func (m *Mock) Endpoint(p siteverify.Provider) string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.ptr == nil {
		return ""
	}
	name := C.CString(string(p))
	defer C.free(unsafe.Pointer(name))
	e := C.sv_mock_endpoint(m.ptr, name)
	if e == nil {
		return ""
	}
	return C.GoString(e)
}

// Requests is the number of requests the mock has served so far (to assert
// that nothing was sent, e.g. for an empty token). 0 after Close.
func (m *Mock) Requests() uint64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.ptr == nil {
		return 0
	}
	n := uint64(C.sv_mock_requests(m.ptr))
	runtime.KeepAlive(m)
	return n
}

// Config is a client configuration for provider p against this mock: the
// provider, the mock's secret, its endpoint, with WithTLS its CA and, for
// RecaptchaEnterprise (which requires them), SiteKey and ProjectID. Set more
// fields on it before siteverify.New (SiteKey for HCaptcha and Friendly,
// which take one optionally).
func (m *Mock) Config(p siteverify.Provider) siteverify.Config {
	cfg := siteverify.Config{Provider: p, Secret: m.secret, Endpoint: m.Endpoint(p)}
	if p == siteverify.RecaptchaEnterprise {
		cfg.SiteKey, cfg.ProjectID = SiteKey, ProjectID
	}
	if m.ca != "" {
		cfg.CAPEM = []string{m.ca}
	}
	return cfg
}

// Client builds a client for provider p against this mock (Config), with
// edit applied to the configuration first when it is not nil, and closes it
// when the test ends.
func (m *Mock) Client(t testing.TB, p siteverify.Provider, edit func(*siteverify.Config)) *siteverify.Client {
	t.Helper()
	cfg := m.Config(p)
	if edit != nil {
		edit(&cfg)
	}
	c, err := siteverify.New(cfg)
	if err != nil {
		t.Fatalf("siteverifytest: siteverify.New: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Close stops the mock (sv_mock_free). It is idempotent.
func (m *Mock) Close() {
	m.mu.Lock()
	p := m.ptr
	m.ptr = nil
	m.mu.Unlock()
	C.sv_mock_free(p)
}
