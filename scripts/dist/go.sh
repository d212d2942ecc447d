#!/usr/bin/env bash
# The Go module github.com/siteverify/siteverify/bindings-go as a module proxy serves it
# (dist/go/proxy/, usable as GOPROXY=file://...; the zip is also dist/go/<module>@v<version>.zip).
# Its tree adds to bindings-go/: include/siteverify.h and lib/<goos>_<goarch>/libsiteverify.a,
# which link_static.go links by default (${SRCDIR}-relative), each folder with a Go file
# that keep.go blank-imports (tag siteverify_keep, never built) so `go mod vendor` keeps them.
source "$(dirname "$0")/common.sh"
STAGE=$ROOT/target/dist-stage
module=$(sed -n 's/^module //p' "$ROOT/bindings-go/go.mod")
v=v$VERSION
tree=$ROOT/target/dist-go/$module@$v
rm -rf "$ROOT/target/dist-go" "$DIST/go"
mkdir -p "$tree"
(cd "$ROOT" && git ls-files -z bindings-go | xargs -0 tar -cf - --transform 's,^bindings-go/,,') | tar -C "$tree" -xf -
cp "$ROOT/LICENSE" "$tree/"
mkdir -p "$tree/include"
cp "$ROOT/include/siteverify.h" "$tree/include/"
printf '// Package include holds siteverify.h for cgo; imported only so that `go mod vendor` keeps it.\npackage include\n' > "$tree/include/include.go"
imports=("$module/include")
declare -A goarch=([$GNU_X64]=linux_amd64 [$GNU_ARM64]=linux_arm64)
for t in "${!goarch[@]}"; do
  a=$STAGE/$t/lib/libsiteverify.a
  [ -f "$a" ] || continue
  d=$tree/lib/${goarch[$t]}
  mkdir -p "$d"
  cp "$a" "$d/"
  printf '// Package %s holds libsiteverify.a for cgo; imported only so that `go mod vendor` keeps it.\npackage %s\n' \
    "${goarch[$t]}" "${goarch[$t]}" > "$d/lib.go"
  imports+=("$module/lib/${goarch[$t]}")
done
{
  echo '//go:build siteverify_keep'
  echo
  echo '// Never built: its imports make `go mod vendor` keep the header and the static libraries.'
  echo
  echo 'package siteverify'
  echo
  echo 'import ('
  for i in "${imports[@]}"; do echo "	_ \"$i\""; done
  echo ')'
} > "$tree/keep.go"
proxy=$DIST/go/proxy/$module/@v
mkdir -p "$proxy"
(cd "$ROOT/target/dist-go" && find "$module@$v" -type f | LC_ALL=C sort | zip -q -X "$proxy/$v.zip" -@)
cp "$tree/go.mod" "$proxy/$v.mod"
printf '{"Version":"%s","Time":"%s"}\n' "$v" "$(git -C "$ROOT" log -1 --format=%cI)" > "$proxy/$v.info"
echo "$v" > "$proxy/list"
cp "$proxy/$v.zip" "$DIST/go/$(echo "$module" | tr / _)@$v.zip"
