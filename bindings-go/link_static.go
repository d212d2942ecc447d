//go:build !siteverify_dynamic && !siteverify_external

package siteverify

// Static linking (the default): the archive from the workspace build
// (`make build` at the repository root). Rust's standard library needs
// pthread, dl and m. For an archive installed elsewhere, see README.md
// ("Build and link").

// #cgo CFLAGS: -I${SRCDIR}/../include
// #cgo LDFLAGS: ${SRCDIR}/../target/release/libsiteverify.a -lpthread -ldl -lm
import "C"

const linkMode = "static"
