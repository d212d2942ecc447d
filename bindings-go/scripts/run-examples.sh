#!/usr/bin/env bash
# Builds the README's examples and runs the quick start and the demo against
# the mock provider, as a user would.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(cd "$HERE/.." && pwd)
GO=${GO:-go}
MOCK=${SITEVERIFY_MOCK_BIN:-$ROOT/target/release/siteverify-mock}
OUT=$(mktemp -d)
MOCK_PID=
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$MOCK_PID" ]; then kill "$MOCK_PID" 2>/dev/null || true; fi
  rm -rf "$OUT"
}
trap cleanup EXIT

LIB=$ROOT/target/release
cd "$HERE"
for ex in quickstart middleware demo; do
  "$GO" build -o "$OUT/$ex" "./examples/$ex"
done
# A library installed outside the repository: every flag from the environment.
CGO_CFLAGS="-I$ROOT/include" CGO_LDFLAGS="-L$LIB -lsiteverify -Wl,-rpath,$LIB" \
  "$GO" build -tags siteverify_external -o "$OUT/quickstart-external" ./examples/quickstart

"$MOCK" --port 0 >"$OUT/mock.out" &
MOCK_PID=$!
URL=
for _ in $(seq 200); do
  URL=$(head -n1 "$OUT/mock.out" 2>/dev/null || true)
  [ -n "$URL" ] && break
  sleep 0.05
done
[ -n "$URL" ] || { echo "go examples: the mock did not start" >&2; exit 1; }

passed=0
fail() { echo "go examples: $*" >&2; exit 1; }

out=$(SITEVERIFY_SECRET=mock-secret "$OUT/quickstart" "$URL/api/v1/token/verify" 'pass:score=0.2')
[ "$out" = "accepted=true reason=verified" ] || fail "quickstart printed: $out"
passed=$((passed + 1))

out=$(SITEVERIFY_SECRET=mock-secret "$OUT/quickstart-external" "$URL/api/v1/token/verify" 'pass:score=0.2')
[ "$out" = "accepted=true reason=verified" ] || fail "quickstart (siteverify_external) printed: $out"
passed=$((passed + 1))

set +e
out=$(SITEVERIFY_SECRET=mock-secret "$OUT/quickstart" "$URL/api/v1/token/verify" 'pass:score=0.9')
code=$?
set -e
[ "$code" = 1 ] && [ "$out" = "accepted=false reason=score-above-threshold" ] ||
  fail "quickstart with a bot score: exit $code, printed: $out"
passed=$((passed + 1))

set +e
SITEVERIFY_SECRET= "$OUT/quickstart" "$URL/api/v1/token/verify" 'pass' >/dev/null 2>"$OUT/err"
code=$?
set -e
[ "$code" = 2 ] && grep -q "configuration error" "$OUT/err" || fail "quickstart without a secret: exit $code"
passed=$((passed + 1))

out=$(SITEVERIFY_DEMO_URL="$URL" "$OUT/demo")
[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "demo printed more than one line: $out"
case "$out" in
  '{"accepted":true,"verified":true,"conclusive":true,"reason":"verified","score":0.2,"hostname":"example.com",'*) ;;
  *) fail "demo printed: $out" ;;
esac
passed=$((passed + 1))

# The middleware example: a form POST with the widget's field.
if command -v curl >/dev/null 2>&1; then
  ADDR=127.0.0.1:0 PROSOPO_SECRET=mock-secret PROSOPO_ENDPOINT="$URL/siteverify" \
    "$OUT/middleware" 2>"$OUT/server.log" &
  SERVER_PID=$!
  SERVER=
  for _ in $(seq 200); do
    SERVER=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$OUT/server.log")
    [ -n "$SERVER" ] && break
    sleep 0.05
  done
  [ -n "$SERVER" ] || fail "the middleware example did not start: $(cat "$OUT/server.log")"
  out=$(curl -sS -d name=alice -d procaptcha-response=pass "$SERVER/signup")
  [ "$out" = "welcome, alice (reason: verified)" ] || fail "middleware example, accepted: $out"
  passed=$((passed + 1))
  code=$(curl -sS -o /dev/null -w '%{http_code}' -d name=bot -d procaptcha-response=fail "$SERVER/signup")
  [ "$code" = 403 ] || fail "middleware example, failed token: HTTP $code"
  passed=$((passed + 1))
else
  echo "go examples: curl not found, the middleware example is only built" >&2
fi

echo "go examples: $passed passed, 0 failed"
