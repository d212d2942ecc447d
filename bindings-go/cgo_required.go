//go:build !cgo

package siteverify

// siteverify calls the Rust core through cgo: build with CGO_ENABLED=1 and a C
// compiler (gcc or cc) on PATH. Without cgo, this line is the first error.
var _ = siteverify_needs_cgo__build_with_CGO_ENABLED_1_and_a_C_compiler
