package siteverify

/*
#include <stdint.h>
#include "siteverify.h"

// The trampoline (callback.go); cgo generates its definition.
extern void svGoEvent(void *userdata, char *event_json);

static void sv_go_event(void *userdata, const char *event_json) {
  svGoEvent(userdata, (char *)event_json);
}

// userdata carries a cgo.Handle, an integer: C never holds a Go pointer.
static sv_status sv_go_set_event_callback(sv_client_builder *builder, uintptr_t handle) {
  return sv_client_builder_set_event_callback(builder, sv_go_event, (void *)handle);
}
*/
import "C"

import (
	"context"
	"encoding/json"
	"log/slog"
	"runtime/cgo"
	"sync"
	"sync/atomic"
	"time"
)

// EventLevel is the level the core gives a verification's event, by name:
// the same in every binding, which only maps it to its logging library's
// level (Event.Level).
type EventLevel string

// The levels (the core's names): EventLevelDebug for an accepted verdict,
// EventLevelInfo for a rejection, EventLevelWarn for what an operator must
// look at (the provider refused the request, a TLS failure, a fail-open
// answer, accepted or not).
const (
	// BEGIN GENERATED event-levels (siteverify-vocab; edit core/, then `make vocab`)
	EventLevelDebug EventLevel = "debug"
	EventLevelInfo  EventLevel = "info"
	EventLevelWarn  EventLevel = "warn"
	// END GENERATED event-levels
)

// Event is what happened in one verification, as the core reports it after
// the verdict (sv_client_builder_set_event_callback): the outcome plus the
// provider, the latency, a fingerprint of the token and the level to log it
// at. It never holds the token or the secret.
type Event struct {
	// Provider is the provider's name ("prosopo", "gatekeeper", ...).
	Provider Provider
	// Outcome is the verdict, every field as Verify returned it.
	Outcome Outcome
	// Latency is the time from the call to the verdict, retries and the
	// outage check included.
	Latency time.Duration
	// TokenFingerprint is the first 8 hex digits of the token's SHA-256:
	// enough to see one token submitted twice, useless to replay it.
	TokenFingerprint string
	// LevelName is the level the core gives the event; Level is it as a
	// log/slog level.
	LevelName EventLevel
}

// eventQueue is how many events a client keeps for its event goroutine;
// when a slow Logger or OnEvent lets it fill up, further events are dropped
// (and counted in Stats.EventsDropped) rather than blocking the library.
const eventQueue = 1024

// eventSink takes the events of one client from the library threads and
// hands them, in order, to the Logger and OnEvent on its own goroutine.
type eventSink struct {
	logger  *slog.Logger
	onEvent func(Event)
	handle  cgo.Handle

	mu      sync.RWMutex // push and flush hold it for reading, close for writing
	closed  bool
	queue   chan eventItem
	done    chan struct{} // closed when the goroutine has delivered everything
	dropped atomic.Uint64
	once    sync.Once
}

// eventItem is an event's JSON, or a flush marker.
type eventItem struct {
	json  []byte
	flush chan struct{}
}

// newEventSink starts the event goroutine and sets the trampoline on the
// builder. Nil when there is nothing to deliver to.
func newEventSink(b *C.sv_client_builder, logger *slog.Logger, onEvent func(Event)) (*eventSink, error) {
	if logger == nil && onEvent == nil {
		return nil, nil
	}
	s := &eventSink{
		logger:  logger,
		onEvent: onEvent,
		queue:   make(chan eventItem, eventQueue),
		done:    make(chan struct{}),
	}
	s.handle = cgo.NewHandle(s)
	if st := C.sv_go_set_event_callback(b, C.uintptr_t(s.handle)); st != C.SV_OK {
		s.handle.Delete()
		return nil, statusError(st, "setting the event callback")
	}
	go s.run()
	return s, nil
}

// push queues an event without ever blocking (a library thread calls it).
func (s *eventSink) push(js []byte) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		s.dropped.Add(1)
		return
	}
	select {
	case s.queue <- eventItem{json: js}:
	default:
		s.dropped.Add(1)
	}
}

// flush waits until every event queued before it was delivered.
func (s *eventSink) flush(ctx context.Context) error {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		select {
		case <-s.done:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	marker := make(chan struct{})
	select {
	case s.queue <- eventItem{flush: marker}:
		s.mu.RUnlock()
	case <-ctx.Done():
		s.mu.RUnlock()
		return ctx.Err()
	}
	select {
	case <-marker:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// close releases the sink once no verification can emit an event any more
// (the native client is freed and none is in flight): the goroutine delivers
// what is queued and ends, and the handle is deleted.
func (s *eventSink) close() {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		close(s.queue)
		s.mu.Unlock()
		s.handle.Delete()
	})
}

func (s *eventSink) run() {
	defer close(s.done)
	for item := range s.queue {
		if item.flush != nil {
			close(item.flush)
			continue
		}
		e, err := decodeEvent(item.json)
		if err != nil {
			s.dropped.Add(1)
			continue
		}
		if s.logger != nil {
			deliver(func() { logEvent(s.logger, e) })
		}
		if s.onEvent != nil {
			deliver(func() { s.onEvent(e) })
		}
	}
}

// deliver runs a user's handler; a panic in it is recovered and ignored, so
// that it can neither crash the program nor stop later events.
func deliver(f func()) {
	defer func() { _ = recover() }()
	f()
}

func decodeEvent(js []byte) (Event, error) {
	var extra struct {
		Provider         Provider `json:"provider"`
		Latency          float64  `json:"latency"`
		TokenFingerprint string   `json:"token_fingerprint"`
		Level            string   `json:"level"`
	}
	var e Event
	if err := json.Unmarshal(js, &e.Outcome); err != nil {
		return e, err
	}
	if err := json.Unmarshal(js, &extra); err != nil {
		return e, err
	}
	e.Provider = extra.Provider
	e.Latency = time.Duration(extra.Latency * float64(time.Millisecond))
	e.TokenFingerprint = extra.TokenFingerprint
	e.LevelName = EventLevel(extra.Level)
	return e, nil
}

// Level is the log/slog level the event is logged at: its LevelName, as the
// core decided it (accepted at Debug, not accepted at Info, and at Warn what
// an operator must look at: the provider refused our request, a TLS
// failure, a fail-open answer). A name this package does not know, or none,
// is Info.
func (e Event) Level() slog.Level {
	switch e.LevelName {
	case EventLevelDebug:
		return slog.LevelDebug
	case EventLevelWarn:
		return slog.LevelWarn
	default:
		return slog.LevelInfo
	}
}

// Attrs are the event's fields as log/slog attributes (absent values left
// out).
func (e Event) Attrs() []slog.Attr {
	o := e.Outcome
	attrs := []slog.Attr{
		slog.String("provider", string(e.Provider)),
		slog.Bool("accepted", o.Accepted),
		slog.Bool("verified", o.Verified),
		slog.Bool("conclusive", o.Conclusive),
		slog.String("reason", string(o.Reason)),
		slog.Int("http_status", o.HTTPStatus),
		slog.Int("attempts", o.Attempts),
		slog.Float64("latency_ms", float64(e.Latency)/float64(time.Millisecond)),
		slog.String("token_fingerprint", e.TokenFingerprint),
	}
	if o.Score != nil {
		attrs = append(attrs, slog.Float64("score", *o.Score))
	}
	if o.ErrorKey != "" {
		attrs = append(attrs, slog.String("error_key", o.ErrorKey))
	}
	if len(o.ErrorCodes) > 0 {
		attrs = append(attrs, slog.Any("error_codes", o.ErrorCodes))
	}
	if o.FailOpenSuspected {
		attrs = append(attrs, slog.Bool("fail_open_suspected", true))
	}
	if o.Detail != "" {
		attrs = append(attrs, slog.String("detail", o.Detail))
	}
	return attrs
}

// LogValue is the event as a slog group of its Attrs.
func (e Event) LogValue() slog.Value { return slog.GroupValue(e.Attrs()...) }

// EventMessage is the message of every event logged through Config.Logger.
const EventMessage = "siteverify verification"

func logEvent(l *slog.Logger, e Event) {
	ctx := context.Background()
	level := e.Level()
	if !l.Enabled(ctx, level) {
		return
	}
	l.LogAttrs(ctx, level, EventMessage, e.Attrs()...)
}

// FlushEvents waits until every event of the verifications that have
// returned so far was handed to Config.Logger and Config.OnEvent (they are
// delivered on a goroutine of their own, so that a slow handler never holds
// up a verification). Useful in tests, before reading a log or scraping
// metrics. Without a Logger or OnEvent it returns at once.
func (c *Client) FlushEvents(ctx context.Context) error {
	if c.native.sink == nil {
		return nil
	}
	return c.native.sink.flush(ctx)
}
