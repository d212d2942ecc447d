#!/usr/bin/env bash
# Installs the pinned build tools (scripts/dist/requirements.txt) into target/dist-tools/venv
# and the Rust targets; prints the PATH to use. Idempotent.
source "$(dirname "$0")/common.sh"
req=$ROOT/scripts/dist/requirements.txt
mkdir -p "$TOOLS"
exec 9>"$TOOLS/.lock"
flock 9   # the build chains of native.sh may ask at once
if ! cmp -s "$req" "$VENV/.requirements" 2>/dev/null; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$req" >&2
  cp "$req" "$VENV/.requirements"
fi
if command -v rustup >/dev/null; then
  have=$(rustup target list --installed)
  for t in $GNU_X64 $GNU_ARM64 $MUSL_X64; do
    grep -qx "$t" <<<"$have" || rustup target add "$t" >&2
  done
fi
echo "$VENV/bin"
