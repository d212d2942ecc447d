package siteverify

import (
	"os"
	"os/signal"
	"syscall"
)

// The library's threads write to sockets, and some writes (vectored ones,
// as TLS uses) raise SIGPIPE when the peer has gone. Go ignores a SIGPIPE on
// its own threads, but one raised on a thread Go did not create kills the
// process unless the program asked for SIGPIPE with signal.Notify (see the
// os/signal documentation, "Go programs that use cgo"). So the package asks
// for it, on a channel nobody reads: a SIGPIPE anywhere then only makes the
// write fail with EPIPE. The one visible change: a write to a closed stdout
// or stderr also returns EPIPE instead of ending the program.
func init() {
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
}
