//go:build !siteverify_dynamic && !siteverify_external

package siteverifytest

// The same link mode as package siteverify (its link_*.go), from the same
// build tags.

// #cgo CFLAGS: -I${SRCDIR}/../../include
// #cgo LDFLAGS: ${SRCDIR}/../../target/release/libsiteverify.a -lpthread -ldl -lm
import "C"
