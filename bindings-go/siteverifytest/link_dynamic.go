//go:build siteverify_dynamic && !siteverify_external

package siteverifytest

// The same link mode as package siteverify (its link_*.go), from the same
// build tags.

// #cgo CFLAGS: -I${SRCDIR}/../../include
// #cgo LDFLAGS: -L${SRCDIR}/../../target/release -lsiteverify -Wl,-rpath,${SRCDIR}/../../target/release
import "C"
