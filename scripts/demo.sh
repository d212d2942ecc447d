#!/usr/bin/env bash
# Starts the mock provider, verifies a handful of scenario tokens with the CLI,
# then one token per language binding given as arguments; one row per outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release
export SITEVERIFY_DEMO_SECRET=mock-secret

"$BIN/siteverify-mock" --port 0 >"${TMPDIR:-/tmp}/siteverify-demo-mock.$$" &
MOCK_PID=$!
trap 'kill $MOCK_PID 2>/dev/null || true; rm -f "${TMPDIR:-/tmp}/siteverify-demo-mock.$$"' EXIT
for _ in $(seq 100); do
  URL=$(head -n1 "${TMPDIR:-/tmp}/siteverify-demo-mock.$$" 2>/dev/null || true)
  [ -n "$URL" ] && break
  sleep 0.05
done
[ -n "${URL:-}" ] || { echo "demo: the mock did not start" >&2; exit 1; }
echo "mock provider at $URL"
echo

row() { python3 scripts/demo_row.py "$@"; }

row --header
cli() { # provider scenario token endpoint [extra args]
  local provider=$1 scenario=$2 token=$3 endpoint=$4; shift 4
  local out
  out=$("$BIN/siteverify" verify --provider "$provider" --endpoint "$endpoint" \
        --secret-env SITEVERIFY_DEMO_SECRET "$@" "$token") || true
  row cli "$provider" "$scenario" "$out"
}
P="$URL/siteverify"
G="$URL/api/v1/token/verify"
cli gatekeeper pass          "pass:score=0.2"  "$G" --expected-hostname example.com --score-threshold 0.5
cli gatekeeper fail          "fail"            "$G"
cli gatekeeper score-too-high "pass:score=0.9" "$G" --score-threshold 0.5
cli gatekeeper expired       "expired"         "$G"
cli prosopo    pass          "pass:score=0.1"  "$P"
cli prosopo    fail-open     "fail-open"       "$P"
cli prosopo    fail-open+reject "fail-open"    "$P" --on-fail-open reject
T="$URL/turnstile/v0/siteverify"
H="$URL/hcaptcha/siteverify"
R="$URL/recaptcha/api/siteverify"
E="$URL/v1/projects/siteverify-mock/assessments"
F="$URL/api/v2/captcha/siteverify"
Y="$URL/validate"
cli turnstile  pass          "pass"            "$T" --expected-hostname example.com --expected-action login
cli turnstile  duplicate     "expired"         "$T"
cli hcaptcha   pass          "pass:score=0.2"  "$H" --site-key mock-site-key --score-threshold 0.5
cli hcaptcha   test-token    "10000000-aaaa-bbbb-cccc-000000000001" "$H"
cli recaptcha  pass-v3       "pass:score=0.9"  "$R" --score-threshold 0.5
cli recaptcha  google-0.3    "pass:score=0.3"  "$R" --score-threshold 0.5
cli recaptcha-enterprise pass "pass"           "$E" --site-key mock-site-key --project-id siteverify-mock --expected-action login
cli recaptcha-enterprise dupe "invalid:reason=DUPE" "$E" --site-key mock-site-key --project-id siteverify-mock
cli friendly   pass          "pass"            "$F" --site-key mock-site-key --expected-hostname example.com
cli friendly   placeholder   ".UNSTARTED"      "$F"
cli yandex     pass          "pass"            "$Y"
cli yandex     empty-host    "fail-open"       "$Y"
# Nothing listens on port 9: the provider is down. Closed by default, open on request.
cli prosopo    provider-down "pass"            "http://127.0.0.1:9/siteverify" --timeout-ms 1500
cli prosopo    down+open-mode "pass"           "http://127.0.0.1:9/siteverify" --timeout-ms 1500 --fail-mode open

# C, through libsiteverify and the generated header.
mkdir -p target/c-tests
gcc -std=c11 -Wall -Wextra -Werror -Iinclude tests/c/demo.c -Ltarget/release -lsiteverify \
    -Wl,-rpath,"$PWD/target/release" -o target/c-tests/demo
row c gatekeeper pass "$(target/c-tests/demo "$G" "pass:score=0.2")"

status=0
for lang in "$@"; do
  log="${TMPDIR:-/tmp}/siteverify-demo-$lang.log"
  if make -C "bindings-$lang" deps >"$log" 2>&1 &&
     out=$(make -s -C "bindings-$lang" demo SITEVERIFY_DEMO_URL="$URL" 2>>"$log" | tail -n1) && [ -n "$out" ]; then
    row "$lang" gatekeeper pass "$out"
  else
    echo "$lang: demo failed, see $log" >&2
    status=1
  fi
done
exit $status
