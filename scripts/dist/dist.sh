#!/usr/bin/env bash
# `make dist`: every package a user installs, into dist/ (see dist/README.txt after a run).
source "$(dirname "$0")/common.sh"
rm -rf "$DIST" && mkdir -p "$DIST"
"$ROOT/scripts/dist/native.sh" all
"$ROOT/scripts/dist/c.sh" tarball
"$ROOT/scripts/dist/cli.sh"
"$ROOT/scripts/dist/node.sh"
"$ROOT/scripts/dist/go.sh"
"$ROOT/scripts/dist/php.sh"
"$ROOT/scripts/dist/java.sh"
PATH=$TOOLS/venv/bin:$PATH
for w in "$DIST"/python/*manylinux*.whl; do auditwheel show "$w" | tr '\n' ' ' | sed 's/  */ /g'; echo; done >&2
(cd "$DIST" && find . -type f ! -path './go/proxy/*' ! -path './java/maven-repo/*' | LC_ALL=C sort | xargs sha256sum > SHA256SUMS)
log "siteverify $VERSION:"
(cd "$DIST" && find . -type f ! -path './go/proxy/*' ! -path './java/maven-repo/*' ! -name SHA256SUMS | LC_ALL=C sort | xargs du -h --apparent-size) >&2
