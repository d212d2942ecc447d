package siteverify

/*
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "siteverify.h"

// The completion queue of async verifications. The library's threads call
// sv_go_completed (a plain C function: no C-to-Go callback, which would have
// to wait for a Go processor) and it queues what they deliver; the first
// completion into an empty queue writes one byte into a pipe, which one Go
// goroutine waits on through Go's network poller (no OS thread blocked) and
// then drains the queue in batches (drainCompletions).
typedef struct {
  uintptr_t handle;
  sv_status status;
  sv_outcome *outcome;
  sv_error *error;
} sv_go_done;

static pthread_mutex_t sv_go_q_mu = PTHREAD_MUTEX_INITIALIZER;
static sv_go_done *sv_go_q;
static size_t sv_go_q_len, sv_go_q_cap;
// A byte is in the pipe (or about to be) that the drainer has not yet
// answered by emptying the queue.
static int sv_go_q_signalled;
static int sv_go_q_wfd = -1;

// Opens the pipe (both ends non-blocking, close-on-exec) and returns its read
// end, or -1 with errno.
static int sv_go_queue_open(void) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  for (int i = 0; i < 2; i++) {
    int fl = fcntl(fds[i], F_GETFL);
    if (fl < 0 || fcntl(fds[i], F_SETFL, fl | O_NONBLOCK) != 0 ||
        fcntl(fds[i], F_SETFD, FD_CLOEXEC) != 0) {
      int e = errno;
      close(fds[0]);
      close(fds[1]);
      errno = e;
      return -1;
    }
  }
  sv_go_q_wfd = fds[1];
  return fds[0];
}

// The sv_verify_callback of every async verification: runs exactly once per
// verification, on a library thread, and never blocks on Go.
static void sv_go_completed(void *userdata, sv_status status, sv_outcome *outcome, sv_error *error) {
  pthread_mutex_lock(&sv_go_q_mu);
  if (sv_go_q_len == sv_go_q_cap) {
    size_t cap = sv_go_q_cap ? 2 * sv_go_q_cap : 64;
    sv_go_done *q = realloc(sv_go_q, cap * sizeof *q);
    if (q == NULL) abort(); // as the library does when out of memory
    sv_go_q = q;
    sv_go_q_cap = cap;
  }
  sv_go_q[sv_go_q_len++] = (sv_go_done){(uintptr_t)userdata, status, outcome, error};
  int signal = !sv_go_q_signalled;
  sv_go_q_signalled = 1;
  pthread_mutex_unlock(&sv_go_q_mu);
  if (signal) {
    // The pipe holds at most a byte or two: never full. EINTR: try again.
    while (write(sv_go_q_wfd, "", 1) < 0 && errno == EINTR) {
    }
  }
}

// Moves up to cap queued completions into out (Go memory, written during this
// call only) and returns how many. Fewer than cap: the queue is empty, and the
// next completion writes a byte again.
static size_t sv_go_queue_drain(sv_go_done *out, size_t cap) {
  pthread_mutex_lock(&sv_go_q_mu);
  size_t n = sv_go_q_len < cap ? sv_go_q_len : cap;
  memcpy(out, sv_go_q, n * sizeof *out);
  memmove(sv_go_q, sv_go_q + n, (sv_go_q_len - n) * sizeof *out);
  sv_go_q_len -= n;
  if (n < cap) sv_go_q_signalled = 0;
  pthread_mutex_unlock(&sv_go_q_mu);
  return n;
}

// userdata carries a cgo.Handle, an integer: C never holds a Go pointer. The
// integer-to-pointer conversion happens here so that Go code needs none.
static sv_status sv_go_verify_async(const sv_client *client, const char *token, size_t token_len,
                                    const sv_verify_options *options, uintptr_t handle,
                                    sv_task **task_out, sv_error **err_out) {
  return sv_client_verify_async(client, token, token_len, options, sv_go_completed,
                                (void *)handle, task_out, err_out);
}
*/
import "C"

import (
	"os"
	"runtime/cgo"
	"sync"
	"sync/atomic"
)

// asyncDone is what an async verification delivered, handed by
// drainCompletions to the waiting verifyAsync, which owns (and frees) the
// outcome and the error from then on.
type asyncDone struct {
	status  C.sv_status
	outcome *C.sv_outcome
	err     *C.sv_error
}

// completionBatch is how many completions one cgo call drains at most.
const completionBatch = 64

var (
	completionsMu      sync.Mutex
	completionsStarted atomic.Bool
)

// startCompletions opens the completion queue's pipe and starts the one
// goroutine that drains it, once per process (it never stops: it costs
// nothing while it waits). A failure (out of file descriptors, say) is
// that call's error, and the next call tries again.
func startCompletions() error {
	if completionsStarted.Load() {
		return nil
	}
	completionsMu.Lock()
	defer completionsMu.Unlock()
	if completionsStarted.Load() {
		return nil
	}
	fd, err := C.sv_go_queue_open()
	if fd < 0 {
		return newError("internal", "cannot open the completion pipe: "+err.Error())
	}
	completionsStarted.Store(true)
	// Non-blocking: os.File waits through Go's network poller.
	go drainCompletions(os.NewFile(uintptr(fd), "siteverify-completions"))
	return nil
}

// drainCompletions waits for a byte in the pipe, then hands every queued
// completion to its verifyAsync, until the queue is empty; and again.
func drainCompletions(pipe *os.File) {
	var wake [16]byte
	var batch [completionBatch]C.sv_go_done
	for {
		// The pipe is never closed: an error is not expected, and the queue
		// is drained all the same.
		_, _ = pipe.Read(wake[:])
		for {
			n := int(C.sv_go_queue_drain(&batch[0], C.size_t(len(batch))))
			for _, d := range batch[:n] {
				deliverCompletion(d)
			}
			if n < len(batch) {
				break
			}
		}
	}
}

// deliverCompletion hands one completion to the verifyAsync that waits for it; pending
// counts it as completed.
func deliverCompletion(d C.sv_go_done) {
	h := cgo.Handle(d.handle)
	done, _ := h.Value().(chan asyncDone)
	h.Delete()
	pending.Add(-1)
	if done == nil {
		C.sv_outcome_free(d.outcome)
		C.sv_error_free(d.error)
		return
	}
	done <- asyncDone{d.status, d.outcome, d.error} // buffered: never blocks
}

// goVerifyAsync starts an async verification whose completion reaches the
// channel behind handle.
func goVerifyAsync(client *C.sv_client, tok *C.char, tokLen C.size_t, copts *C.sv_verify_options, handle cgo.Handle, task **C.sv_task, cerr **C.sv_error) C.sv_status {
	return C.sv_go_verify_async(client, tok, tokLen, copts, C.uintptr_t(handle), task, cerr)
}
