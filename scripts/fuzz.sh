#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ for SECONDS each (default 60): `make fuzz`.
# CI runs it short (`make fuzz-smoke`), so the targets keep building and the
# invariants in core/src/fuzzing.rs meet fresh input on every run.
# Needs nightly (installed with a minimal profile if missing) and cargo-fuzz
# (installed into target/tools, pinned, on first use).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_EACH=${1:-60}
CARGO_FUZZ_VERSION=0.13.2
TOOLS=$ROOT/target/tools
export PATH=$TOOLS/bin:$PATH

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  cargo install --quiet --locked --root "$TOOLS" cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi
cd "$ROOT/fuzz"
for target in $(cargo +nightly fuzz list); do
  echo "== fuzz $target (${SECONDS_EACH}s)"
  mkdir -p "corpus/$target"
  log=$(mktemp)
  if ! cargo +nightly fuzz run "$target" "corpus/$target" -- -max_total_time="$SECONDS_EACH" -max_len=4096 >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "fuzz $target: an invariant broke (reproducer in fuzz/artifacts/$target)" >&2
    exit 1
  fi
  grep -E '^Done [0-9]+ runs' "$log" || true
  rm -f "$log"
done
echo "fuzz: every target ran ${SECONDS_EACH}s without breaking an invariant"
