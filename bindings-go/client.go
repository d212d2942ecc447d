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

// native owns the C client. It is reference-counted: the Client holds one
// reference until Close (or its cleanup), and each verification holds one
// while it runs, taken by acquire and given back by release; the last one
// frees the C client. Close therefore never waits for verifications in
// flight, and never frees the C client under one (a blocking verification
// runs on the caller's thread with the pointer it acquired).
//
// ptr is the open client: set until Close, read under mu. Stats reads it
// holding mu for reading, which keeps Close's reference (and the C client)
// alive meanwhile.
//
// The event sink (if any) lives as long as the C client, since every
// verification in flight may still emit its event: it is closed right after
// the C client is freed.
type native struct {
	mu  sync.RWMutex
	ptr *C.sv_client

	client *C.sv_client // the same pointer, kept for the last release
	sink   *eventSink
	refs   atomic.Int64
}

func newNative(ptr *C.sv_client, sink *eventSink) *native {
	n := &native{ptr: ptr, client: ptr, sink: sink}
	n.refs.Store(1) // the Client's
	return n
}

// acquire returns the C client with a reference for one verification, or
// nil once the client is closed. A non-nil result must be given back with
// release.
func (n *native) acquire() *C.sv_client {
	n.mu.RLock()
	p := n.ptr
	if p != nil {
		n.refs.Add(1)
	}
	n.mu.RUnlock()
	return p
}

// release gives back a reference; the last one frees the C client.
func (n *native) release() {
	if n.refs.Add(-1) == 0 {
		C.sv_client_free(n.client)
		liveClients.Add(-1)
		if n.sink != nil {
			n.sink.close()
		}
	}
}

// free closes the client: later calls get ErrClosed, and the Client's
// reference is released. Idempotent.
func (n *native) free() {
	n.mu.Lock()
	p := n.ptr
	n.ptr = nil
	n.mu.Unlock()
	if p != nil {
		n.release()
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
	sink, err := newEventSink(b, cfg.Logger, cfg.OnEvent)
	if err != nil {
		return nil, err
	}
	var ptr *C.sv_client
	var cerr *C.sv_error
	if st := C.sv_client_builder_build(b, &ptr, &cerr); st != C.SV_OK {
		if sink != nil {
			sink.close()
		}
		return nil, takeError(st, cerr)
	}
	liveClients.Add(1)
	n := newNative(ptr, sink)
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
// concurrently with verifications: it does not wait for those in flight,
// which finish normally (the native client is freed after the last one);
// later calls return ErrClosed.
func (c *Client) Close() error {
	c.cleanup.Stop()
	c.native.free()
	return nil
}

// Version is the version of the loaded libsiteverify ("MAJOR.MINOR.PATCH").
func Version() string { return C.GoString(C.sv_version()) }

// ABIVersion is the ABI version of the loaded libsiteverify.
func ABIVersion() int { return int(C.sv_abi_version()) }
