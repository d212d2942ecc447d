//go:build siteverify_external

package siteverifytest

// The same link mode as package siteverify (its link_*.go), from the same
// build tags.

import "C"
