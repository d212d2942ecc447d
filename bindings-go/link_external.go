//go:build siteverify_external

package siteverify

// External linking (`-tags siteverify_external`): no path from this
// repository is used; every flag comes from the environment, for a library
// installed elsewhere, e.g.
//
//	CGO_CFLAGS="-I/opt/siteverify/include" \
//	CGO_LDFLAGS="-L/opt/siteverify/lib -lsiteverify -Wl,-rpath,/opt/siteverify/lib"
//
// or from pkg-config (README.md, "Build and link").

import "C"

const linkMode = "external"
