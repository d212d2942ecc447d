#!/usr/bin/env bash
# `make docs`: every language's reference into target/docs/, with its ecosystem's usual tool,
# and one index page linking them. Warnings are errors: a reference that builds with
# warnings has a broken link or an undocumented item.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/target/docs
rm -rf "$OUT" && mkdir -p "$OUT"

echo "== Rust (rustdoc, #![deny(missing_docs)])"
RUSTDOCFLAGS="-D warnings" cargo doc --locked -q --no-deps -p siteverify -p siteverify-opentelemetry -p siteverify-mock
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

python3 "$ROOT/scripts/docs/index.py" "$OUT"
echo "docs: $OUT/index.html"
