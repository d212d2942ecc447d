#!/usr/bin/env bash
# `make docs`: every language's reference into target/docs/, with its ecosystem's usual tool,
# and one index page linking them. Warnings are errors: a reference that builds with
# warnings has a broken link or an undocumented item.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/target/docs
rm -rf "$OUT" && mkdir -p "$OUT"
START=$SECONDS

echo "== Rust (rustdoc, #![deny(missing_docs)])"
# The libraries' public API must be documented (core has #![deny(missing_docs)]; the flag
# holds the OpenTelemetry crate to it too). The mock's apis.rs still has 5 undocumented
# provider constants: it gets -D warnings only until they are documented.
RUSTDOCFLAGS="-D warnings -D missing_docs" cargo doc --locked -q --no-deps -p siteverify -p siteverify-opentelemetry
RUSTDOCFLAGS="-D warnings" cargo doc --locked -q --no-deps -p siteverify-mock
cp -r "$ROOT/target/doc" "$OUT/rust"

echo "== C (from the header's comments)"
mkdir -p "$OUT/c"
python3 "$ROOT/scripts/docs/c_reference.py" "$ROOT/include/siteverify.h" "$OUT/c/index.html"

# Each binding that has a `docs` target writes its reference to $SITEVERIFY_DOCS_OUT/<lang>.
for dir in "$ROOT"/bindings-*; do
  lang=${dir##*/bindings-}
  if grep -q '^docs:' "$dir/Makefile" 2>/dev/null; then
    echo "== $lang"
    SITEVERIFY_DOCS_OUT=$OUT/$lang make --no-print-directory -C "$dir" docs
  fi
done

# The index and fail-mode pages render README.md's Markdown with the pinned Python-Markdown,
# in a venv of their own (kept between runs; reinstalled when requirements.txt changes).
VENV=$ROOT/target/docs-venv
REQ=$ROOT/scripts/docs/requirements.txt
if ! cmp -s "$REQ" "$VENV/.requirements.txt" 2>/dev/null; then
  rm -rf "$VENV"
  python3 -m venv "$VENV" || { echo "docs: 'python3 -m venv' failed; on Debian/Ubuntu: apt-get install python3-venv" >&2; exit 1; }
  "$VENV/bin/pip" install --disable-pip-version-check -q -r "$REQ"
  cp "$REQ" "$VENV/.requirements.txt"
fi
"$VENV/bin/python" -W error "$ROOT/scripts/docs/index.py" "$OUT"
echo "docs: $OUT/index.html ($((SECONDS - START)) s)"
