package siteverify

/*
#include <stdlib.h>
#include "siteverify.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// liveClients counts native clients built and not yet freed; the tests read
// it to prove there is no leak.
var liveClients atomic.Int64

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

// New builds a Client. Every set field of cfg is handed to the core, which
// validates it: an invalid Config gives an error matching ErrConfiguration
// whose message names the option (by the core's name).
func New(cfg Config) (*Client, error) {
	return build(cfg, cfg.options())
}

// build creates a builder for cfg.Provider, sets opts on it and builds the
// client. The tests pass options a Config cannot express (an explicit zero).
func build(cfg Config, opts []option) (*Client, error) {
	if got := uint32(C.sv_abi_version()); got != C.SV_ABI_VERSION {
		return nil, newError("internal", fmt.Sprintf(
			"the loaded libsiteverify has ABI version %d, this package was built for %d", got, C.SV_ABI_VERSION))
	}
	b, err := newBuilder(string(cfg.Provider))
	if err != nil {
		return nil, err
	}
	defer C.sv_client_builder_free(b)
	for _, o := range opts {
		if err := o.set(b); err != nil {
			return nil, err
		}
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

// newBuilder creates a builder for the provider named provider (the core's
// name); an unknown one is the core's configuration error.
func newBuilder(provider string) (*C.sv_client_builder, error) {
	if strings.IndexByte(provider, 0) >= 0 {
		return nil, nulError("provider")
	}
	cs := C.CString(provider)
	defer C.free(unsafe.Pointer(cs))
	var b *C.sv_client_builder
	var cerr *C.sv_error
	if st := C.sv_client_builder_new_named(cs, &b, &cerr); st != C.SV_OK {
		return nil, takeError(st, cerr)
	}
	return b, nil
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

// Version is the version of the loaded libsiteverify ("MAJOR.MINOR.PATCH").
func Version() string { return C.GoString(C.sv_version()) }

// ABIVersion is the ABI version of the loaded libsiteverify.
func ABIVersion() int { return int(C.sv_abi_version()) }
