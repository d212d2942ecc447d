//go:build !siteverify_dynamic && !siteverify_external

package siteverify

// Static linking (the default): the archive the module ships
// (lib/<GOOS>_<GOARCH>/libsiteverify.a and include/, in the module `make dist`
// builds), else the one from the workspace build (`make build` at the
// repository root): -l:libsiteverify.a takes the first directory that has it.
// Rust's standard library needs pthread, dl and m. For an archive installed
// elsewhere, see README.md ("Build and link").

// #cgo CFLAGS: -I${SRCDIR}/include -I${SRCDIR}/../include
// #cgo linux,amd64 LDFLAGS: -L${SRCDIR}/lib/linux_amd64
// #cgo linux,arm64 LDFLAGS: -L${SRCDIR}/lib/linux_arm64
// #cgo LDFLAGS: -L${SRCDIR}/../target/release -l:libsiteverify.a -lpthread -ldl -lm
import "C"

const linkMode = "static"
