#!/usr/bin/env bash
# Builds the C tests with -Wall -Wextra -Werror and runs them against the mock:
# linked to libsiteverify.so, under ASan+UBSan (static libsiteverify.a), and
# under valgrind. Then the README example, as a user would build it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LIB=${SITEVERIFY_LIB_DIR:-$ROOT/target/release}
OUT=$ROOT/target/c-tests
mkdir -p "$OUT"
# The SONAME is libsiteverify.so.<ABI>; the loader looks for that name.
abi=$(sed -n 's/^#define SV_ABI_VERSION \([0-9]*\)$/\1/p' "$ROOT/include/siteverify.h")
ln -sf libsiteverify.so "$LIB/libsiteverify.so.$abi"

CFLAGS=(-std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -g -I"$ROOT/include" -I"$ROOT/tests/c")
LIBS=(-lcjson -lpthread -lm)
for t in test_vectors test_abi test_fork_stress; do
  gcc "${CFLAGS[@]}" "$ROOT/tests/c/$t.c" -L"$LIB" -lsiteverify -Wl,-rpath,"$LIB" "${LIBS[@]}" -o "$OUT/$t"
  gcc "${CFLAGS[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer "$ROOT/tests/c/$t.c" \
    "$LIB/libsiteverify.a" "${LIBS[@]}" -ldl -o "$OUT/$t-asan"
done
gcc "${CFLAGS[@]}" "$ROOT/include/example.c" -L"$LIB" -lsiteverify -Wl,-rpath,"$LIB" -o "$OUT/example"

MOCK_LOG=$(mktemp)
"${SITEVERIFY_MOCK_BIN:-$ROOT/target/release/siteverify-mock}" --port 0 >"$MOCK_LOG" &
MOCK_PID=$!
trap 'kill $MOCK_PID 2>/dev/null || true; rm -f "$MOCK_LOG"' EXIT
for _ in $(seq 100); do URL=$(head -n1 "$MOCK_LOG"); [ -n "$URL" ] && break; sleep 0.05; done
[ -n "${URL:-}" ] || { echo "c tests: the mock did not start" >&2; exit 1; }

VECTORS=$ROOT/tests/vectors
echo "== C, dynamic library"
"$OUT/test_vectors" "$URL" "$VECTORS"
"$OUT/test_abi" "$URL"
"$OUT/test_fork_stress" "$URL" 300
echo "== C, ASan + UBSan"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
"$OUT/test_vectors-asan" "$URL" "$VECTORS"
"$OUT/test_abi-asan" "$URL"
# No fork stress under ASan: its own allocator can deadlock a child forked
# while other threads allocate (seen with gcc 12's libasan), which says
# nothing about ours. The plain run above forks 300 times.
echo "== C, valgrind"
export SV_TEST_UNDER_VALGRIND=1
VG=(valgrind --quiet --leak-check=full --error-exitcode=1 --trace-children=yes --suppressions="$ROOT/tests/c/valgrind.supp")
"${VG[@]}" "$OUT/test_vectors" "$URL" "$VECTORS"
"${VG[@]}" "$OUT/test_abi" "$URL"
echo "== C, README example"
out=$(SITEVERIFY_SECRET=mock-secret "$OUT/example" "$URL/api/v1/token/verify" 'pass:score=0.2')
[ "$out" = "accepted=true reason=verified" ] || { echo "example printed: $out" >&2; exit 1; }
if SITEVERIFY_SECRET=mock-secret "$OUT/example" "$URL/api/v1/token/verify" 'pass:score=0.9' >/dev/null; then
  echo "example accepted a score above the threshold" >&2; exit 1
fi
echo "c example: 2 passed, 0 failed"
