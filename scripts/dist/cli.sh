#!/usr/bin/env bash
# The static (musl) `siteverify` and `siteverify-mock` binaries in one tarball: copy onto any
# x86_64 Linux (a CI runner) and run, nothing else needed.
source "$(dirname "$0")/common.sh"
STAGE=$ROOT/target/dist-stage
name=siteverify-cli-$VERSION-x86_64-linux-musl
tmp=$ROOT/target/dist-cli/$name
rm -rf "$tmp" "$DIST/cli" && mkdir -p "$tmp/bin" "$DIST/cli"
cp "$STAGE/$MUSL_X64/bin/siteverify" "$STAGE/$MUSL_X64/bin/siteverify-mock" "$tmp/bin/"
cp "$ROOT/LICENSE" "$ROOT/mock/README.md" "$tmp/"
mv "$tmp/README.md" "$tmp/README-mock.md"
tar -C "$(dirname "$tmp")" --owner=0 --group=0 -czf "$DIST/cli/$name.tar.gz" "$name"
