//go:build siteverify_dynamic && !siteverify_external

package siteverify

// Dynamic linking (`-tags siteverify_dynamic`): libsiteverify.so from the
// workspace build, found at run time through an rpath. For a library
// installed elsewhere, add its directory with CGO_CFLAGS / CGO_LDFLAGS
// (README.md, "Build and link").

// #cgo CFLAGS: -I${SRCDIR}/../include
// #cgo LDFLAGS: -L${SRCDIR}/../target/release -lsiteverify -Wl,-rpath,${SRCDIR}/../target/release
import "C"

const linkMode = "dynamic"
