#!/usr/bin/env bash
# The README's form handler (examples/form-handler/index.php, installed with Composer like an
# application installs the package) in a real php-fpm, with the production preload recipes of
# README.md ("php-fpm: preload"), driven over FastCGI with cgi-fcgi against the mock provider.
# Used by `make test` (target fpm).
#
# Each case generates a php-fpm.conf (pm = static, 4 workers, a unix socket in a temp directory)
# and a conf.d/90-siteverify.ini (appended to the system's with PHP_INI_SCAN_DIR=:DIR), starts
# `php-fpm -F -y` with an empty environment (plus SITEVERIFY_* for the FFI::load recipe), and checks:
# the master mapped the library before forking; form POSTs (one after the other, then 8 at once) get
# the form handler's answers from forked workers running as the pool user; a worker keeps its
# provider connection across requests (fewer connections than verifications). Then it stops php-fpm
# (SIGTERM, bounded waits, SIGKILL if needed: a failure) and leaves no process behind.
#
#   root master, pool user www-data   ffi.preload + opcache.preload   served
#   root master and pool (-R)         ffi.preload + opcache.preload   served
#   master run as www-data            opcache.preload (FFI::load)     served
#   master run as www-data            ffi.preload + opcache.preload   served
#   root master, pool user www-data   ffi.preload alone               500, the log says what is missing
#   root master                       opcache.preload alone           php-fpm refuses to start, says why
#
# Run as another user than root, only the two "master run as" cases run, as that user. The pool
# user is $SITEVERIFY_FPM_USER, else www-data, else nobody.
#
# Environment: SITEVERIFY_MOCK_BIN, SITEVERIFY_LIBRARY_PATH, SITEVERIFY_HEADER_PATH (the Makefile
# sets them), PHP_BIN, PHP_FPM_BIN, COMPOSER_BIN, CGI_FCGI_BIN. Results on stdout, the rest on stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd) # bindings-php
repo=$(dirname "$here")
php=${PHP_BIN:-php}
composer=${COMPOSER_BIN:-composer}
cgi_fcgi=${CGI_FCGI_BIN:-cgi-fcgi}
mock_bin=${SITEVERIFY_MOCK_BIN:-$repo/target/release/siteverify-mock}
library=${SITEVERIFY_LIBRARY_PATH:-$repo/target/release/libsiteverify.so}
header=${SITEVERIFY_HEADER_PATH:-$repo/include/siteverify_php.h}

say() { echo "fpm: $*"; }
err() { echo "fpm: $*" >&2; }
die() { err "$*"; say "0 passed, 1 failed"; exit 1; }

fpm=${PHP_FPM_BIN:-}
if [ -z "$fpm" ]; then
  version=$("$php" -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION;')
  for candidate in "php-fpm$version" "/usr/sbin/php-fpm$version" php-fpm /usr/sbin/php-fpm; do
    if command -v "$candidate" >/dev/null; then
      fpm=$(command -v "$candidate")
      break
    fi
  done
fi
[ -n "$fpm" ] || die "no php-fpm found (make deps installs php-fpm)"
command -v "$cgi_fcgi" >/dev/null || die "no cgi-fcgi found (make deps installs libfcgi-bin)"
[ -x "$mock_bin" ] || die "missing $mock_bin: run 'make build' at the top level"
[ -f "$library" ] || die "missing $library: run 'make build' at the top level"

if [ "$(id -u)" = 0 ]; then
  pool_user=${SITEVERIFY_FPM_USER:-}
  if [ -z "$pool_user" ]; then
    pool_user=nobody
    id -u www-data >/dev/null 2>&1 && pool_user=www-data
  fi
  pool_group=$(id -gn "$pool_user")
else
  pool_user=$(id -un)
  pool_group=$(id -gn)
fi
pool_uid=$(id -u "$pool_user")

# Processes we started (the mock, php-fpm masters) and the workers seen; stopped on exit.
started=()
stage=''
cleanup() {
  local pid
  for pid in "${started[@]}"; do
    stop_tree "$pid" || true
  done
  if [ -n "$stage" ]; then
    rm -rf "$stage"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# alive PID: the process exists and is not a zombie.
alive() {
  local state
  [ -r "/proc/$1/stat" ] || return 1
  state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# wait_gone SECONDS PID...: true once none of them is alive.
wait_gone() {
  local deadline=$((SECONDS + $1)) pid any
  shift
  while :; do
    any=0
    for pid in "$@"; do
      if alive "$pid"; then any=1; fi
    done
    [ "$any" = 0 ] && return 0
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.05
  done
}

# stop_tree PID: SIGTERM to PID (php-fpm: fast shutdown, it stops its workers), bounded wait,
# then SIGKILL to it and its children. False when something had to be killed.
stop_tree() {
  local pid=$1 children ok=0
  children=$(pgrep -P "$pid" || true)
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
  fi
  # shellcheck disable=SC2086
  if ! wait_gone 10 "$pid" $children; then
    ok=1
    # shellcheck disable=SC2086
    kill -KILL "$pid" $children 2>/dev/null || true
    # shellcheck disable=SC2086
    wait_gone 5 "$pid" $children || true
  fi
  wait "$pid" 2>/dev/null || true
  return $ok
}

# --- the application, staged where the pool user can read it -------------------------------------
stage=$(mktemp -d "${TMPDIR:-/tmp}/siteverify-fpm.XXXXXX")
chmod 0755 "$stage"
app=$stage/siteverify/examples/form-handler
mkdir -p "$stage/lib" "$stage/include" "$stage/etc" "$app"
cp "$library" "$stage/lib/libsiteverify.so"
cp "$header" "$stage/include/siteverify_php.h"
cp -R "$here/composer.json" "$here/preload.php" "$here/src" "$here/bin" "$stage/siteverify/"
cp "$here/examples/form-handler/composer.json" "$here/examples/form-handler/index.php" "$app/"
(cd "$app" && COMPOSER_ALLOW_SUPERUSER=1 "$composer" install -q --no-interaction) >&2 ||
  die "composer install failed in $app"
preload=$app/vendor/siteverify/siteverify/preload.php
ffi_header=$stage/etc/siteverify-ffi.h
SITEVERIFY_LIBRARY_PATH=$stage/lib/libsiteverify.so SITEVERIFY_HEADER_PATH=$stage/include/siteverify_php.h \
  "$php" "$app/vendor/bin/siteverify-ffi-header" "$ffi_header" 2>/dev/null ||
  die "vendor/bin/siteverify-ffi-header failed"
chmod -R a+rX "$stage"

# --- the mock provider ------------------------------------------------------------------------------
"$mock_bin" --port 0 >"$stage/mock.out" 2>"$stage/mock.log" &
started+=($!)
mock=''
for _ in $(seq 100); do
  mock=$(head -n 1 "$stage/mock.out")
  [ -n "$mock" ] && break
  sleep 0.1
done
[ -n "$mock" ] || die "the mock did not start: $(cat "$stage/mock.log")"
mock_connections() {
  "$php" -r 'echo json_decode(file_get_contents($argv[1] . "/__mock/stats"), true)["connections"];' "$mock"
}

# --- requests ----------------------------------------------------------------------------------------
# request SOCKET METHOD BODY OUT: one request to index.php over FastCGI; OUT gets the CGI response,
# OUT.err what the script wrote to FastCGI's stderr (its error_log lines).
request() {
  local sock=$1 method=$2 body=$3 out=$4
  printf '%s' "$body" | env -i REQUEST_METHOD="$method" SCRIPT_FILENAME="$app/index.php" \
    SCRIPT_NAME=/index.php REQUEST_URI=/ DOCUMENT_ROOT="$app" SERVER_PROTOCOL=HTTP/1.1 \
    SERVER_NAME=localhost REMOTE_ADDR=127.0.0.1 GATEWAY_INTERFACE=CGI/1.1 \
    CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=${#body} \
    timeout 20 "$cgi_fcgi" -bind -connect "$sock" >"$out" 2>"$out.err" || true
}

# response_status OUT: the Status header, 200 when there are headers but none, 000 without headers.
response_status() {
  local status
  status=$(sed -n '/^\r\{0,1\}$/q; s/^Status: \([0-9][0-9][0-9]\).*/\1/p' "$1")
  if [ -n "$status" ]; then
    echo "$status"
  elif grep -qi '^content-type:' "$1"; then
    echo 200
  else
    echo 000
  fi
}
response_body() { sed '1,/^\r\{0,1\}$/d' "$1"; }

# expect OUT WHAT STATUS TEXT: false (with the reason in $failure) unless OUT answers STATUS and TEXT.
failure=''
expect() {
  local out=$1 what=$2 want_status=$3 want_text=$4 status body
  status=$(response_status "$out")
  body=$(response_body "$out")
  if [ "$status" != "$want_status" ] || [[ "$body" != *"$want_text"* ]]; then
    failure="$what: HTTP $status '$(tr -d '\r' <"$out" | tr '\n' ' ' | cut -c1-300)', want $want_status '$want_text'"
    return 1
  fi
}

# The form posts each serving case sends one after the other: what, body, status, text.
sequence=(
  'GET' '' 405 ''
  'a solved CAPTCHA' 'procaptcha-response=pass&message=hello' 200 'Thank you'
  'a failed CAPTCHA' 'procaptcha-response=fail' 403 'not solved'
  'no CAPTCHA field' 'message=spam' 403 'not solved'
  'the field as an array' 'procaptcha-response%5B%5D=pass' 403 'not solved'
  'an expired token' 'procaptcha-response=expired' 403 'not solved'
  'the provider down' 'procaptcha-response=status%3Acode%3D503' 503 'try again in a moment'
)

# serve DIR: the sequence, then 8 solved/failed CAPTCHAs one after the other (counting the mock's
# connections), then 8 at once; checks that workers forked by the master, running as the pool
# user, answered. Sets $failure and $detail.
detail=''
serve() {
  local dir=$1 sock=$1/fpm.sock i n=0 before after connections pids pid ppid uid
  for ((i = 0; i < ${#sequence[@]}; i += 4)); do
    n=$((n + 1))
    if [ "${sequence[i]}" = GET ]; then
      request "$sock" GET '' "$dir/r$n"
    else
      request "$sock" POST "${sequence[i + 1]}" "$dir/r$n"
    fi
    expect "$dir/r$n" "${sequence[i]}" "${sequence[i + 2]}" "${sequence[i + 3]}" || return 1
  done
  # Each worker keeps its provider connection across its requests: 8 verifications, 4 workers at
  # most, so fewer connections than verifications (the stats request itself is one more).
  before=$(mock_connections)
  for i in 1 2 3 4 5 6 7 8; do
    n=$((n + 1))
    if ((i % 2)); then
      request "$sock" POST 'procaptcha-response=pass' "$dir/r$n"
      expect "$dir/r$n" "solved CAPTCHA $i" 200 'Thank you' || return 1
    else
      request "$sock" POST 'procaptcha-response=fail' "$dir/r$n"
      expect "$dir/r$n" "failed CAPTCHA $i" 403 'not solved' || return 1
    fi
  done
  after=$(mock_connections)
  connections=$((after - before - 1))
  if ((connections >= 8)); then
    failure="8 verifications one after the other opened $connections provider connections: no reuse"
    return 1
  fi
  # 8 at once, so that several workers answer together.
  local first=$((n + 1)) jobs=()
  for i in 1 2 3 4 5 6 7 8; do
    n=$((n + 1))
    if ((i % 2)); then
      request "$sock" POST "procaptcha-response=pass&message=$i" "$dir/r$n" &
    else
      request "$sock" POST "procaptcha-response=fail&message=$i" "$dir/r$n" &
    fi
    jobs+=($!)
  done
  wait "${jobs[@]}" || true
  for ((i = first; i <= n; i++)); do
    if (((i - first) % 2 == 0)); then
      expect "$dir/r$i" "concurrent solved CAPTCHA" 200 'Thank you' || return 1
    else
      expect "$dir/r$i" "concurrent failed CAPTCHA" 403 'not solved' || return 1
    fi
  done
  # Who answered: the access log has one "pid status" line per request.
  if [ "$(wc -l <"$dir/access.log")" != "$n" ]; then
    failure="the access log has $(wc -l <"$dir/access.log") lines for $n requests"
    return 1
  fi
  pids=$(cut -d' ' -f1 "$dir/access.log" | sort -u)
  for pid in $pids; do
    ppid=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f2)
    uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
    if [ "$ppid" != "$master" ]; then
      failure="request served by pid $pid, not a worker of the master $master"
      return 1
    fi
    if [ "$uid" != "$want_uid" ]; then
      failure="worker $pid runs as uid $uid, want $want_uid"
      return 1
    fi
  done
  detail="the master loaded the library; $n requests answered by $(echo "$pids" | wc -w) forked workers (uid $want_uid); 8 verifications in a row on $connections provider connection(s)"
}

# --- cases -------------------------------------------------------------------------------------------
passed=0
failed=0
case_number=0
master=''
want_uid=''

# startup_log DIR: what php-fpm logged (a failed startup writes to stderr, before its error_log).
startup_log() { cat "$1/fpm.log" "$1/stdout.log" 2>/dev/null || true; }

# run_case NAME MASTER RECIPE EXPECT
#   MASTER  root-pool-user (root master, workers as the pool user), root (root master and workers,
#           -R), user (the whole php-fpm as the pool user)
#   RECIPE  ffi+opcache (ffi.preload + opcache.preload), opcache (opcache.preload alone: FFI::load),
#           ffi (ffi.preload alone)
#   EXPECT  serve, http-500 or no-start
run_case() {
  local name=$1 mode=$2 recipe=$3 want=$4 dir user_lines='' run_as=() flags=(-F) env_vars rc
  case_number=$((case_number + 1))
  dir=$stage/case$case_number
  mkdir -p "$dir/conf.d"
  failure=''
  detail=''
  env_vars=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "PHP_INI_SCAN_DIR=:$dir/conf.d")
  case $mode in
    root-pool-user)
      user_lines="user = $pool_user"$'\n'"group = $pool_group"
      want_uid=$pool_uid
      preload_user=$pool_user
      ;;
    root)
      user_lines=$'user = root\ngroup = root'
      flags+=(-R)
      want_uid=0
      preload_user=root
      ;;
    user)
      if [ "$(id -u)" = 0 ]; then
        run_as=(setpriv "--reuid=$pool_user" "--regid=$pool_group" --init-groups)
        chown -R "$pool_user:$pool_group" "$dir"
      fi
      want_uid=$pool_uid
      preload_user=''
      ;;
  esac
  {
    case $recipe in
      ffi+opcache)
        echo "ffi.preload = $ffi_header"
        echo "opcache.preload = $preload"
        ;;
      opcache)
        echo "opcache.preload = $preload"
        env_vars+=("SITEVERIFY_LIBRARY_PATH=$stage/lib/libsiteverify.so" "SITEVERIFY_HEADER_PATH=$stage/include/siteverify_php.h")
        ;;
      ffi)
        echo "ffi.preload = $ffi_header"
        ;;
    esac
    if [ -n "$preload_user" ] && [ "$recipe" != ffi ]; then
      echo "opcache.preload_user = $preload_user"
    fi
  } >"$dir/conf.d/90-siteverify.ini"
  cat >"$dir/php-fpm.conf" <<EOF
[global]
pid = $dir/fpm.pid
error_log = $dir/fpm.log
log_limit = 8192
daemonize = no

[app]
$user_lines
listen = $dir/fpm.sock
pm = static
pm.max_children = 4
clear_env = yes
env[PROSOPO_SECRET] = mock-secret
env[PROSOPO_VERIFY_URL] = $mock/siteverify
catch_workers_output = yes
decorate_workers_output = no
access.log = $dir/access.log
access.format = "%p %s"
EOF
  chmod -R a+rX "$dir"

  "${run_as[@]}" env -i "${env_vars[@]}" "$fpm" "${flags[@]}" -y "$dir/php-fpm.conf" >"$dir/stdout.log" 2>&1 &
  master=$!
  started+=("$master")

  # Ready (the socket and the log line), or exited.
  local deadline=$((SECONDS + 15)) state=timeout
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ! alive "$master"; then
      state=exited
      break
    fi
    if [ -S "$dir/fpm.sock" ] && grep -q 'ready to handle connections' "$dir/fpm.log" 2>/dev/null; then
      state=ready
      break
    fi
    sleep 0.05
  done

  local ok=1 workers
  workers=$(pgrep -P "$master" || true)
  case $want in
    serve)
      if [ "$state" != ready ]; then
        failure="php-fpm did not start ($state)"
      elif serve "$dir"; then
        ok=0
      fi
      ;;
    http-500)
      if [ "$state" != ready ]; then
        failure="php-fpm did not start ($state)"
      else
        request "$dir/fpm.sock" POST 'procaptcha-response=pass' "$dir/r1"
        if ! expect "$dir/r1" 'a solved CAPTCHA' 500 ''; then
          :
        elif ! grep -q 'set opcache.preload to' "$dir/fpm.log"; then
          failure="the log does not say to set opcache.preload"
        else
          ok=0
          detail="HTTP 500, the log says: $(grep -o 'ffi.preload loaded[^)]*' "$dir/fpm.log" | head -n 1 || true)"
        fi
      fi
      ;;
    no-start)
      if [ "$state" != exited ]; then
        failure="php-fpm started ($state), want a refusal"
      else
        rc=0
        wait "$master" || rc=$?
        if [ "$rc" = 0 ]; then
          failure="php-fpm exited with 0"
        elif ! startup_log "$dir" | grep -q 'siteverify-ffi-header'; then
          failure="php-fpm exited ($rc) without naming siteverify-ffi-header"
        else
          ok=0
          detail="php-fpm exits with $rc: $(startup_log "$dir" | grep -o 'FFI::load() doesn.t work in conjunction with "[^"]*"' | head -n 1 || true)"
        fi
      fi
      ;;
  esac

  # Stop it; nothing of it may be left.
  # shellcheck disable=SC2086
  if ! stop_tree "$master" || ! wait_gone 5 $workers; then
    ok=1
    failure="${failure:+$failure; }php-fpm had to be killed"
    # shellcheck disable=SC2086
    kill -KILL $workers 2>/dev/null || true
  fi
  local left=() pid
  for pid in "${started[@]}"; do
    if [ "$pid" != "$master" ]; then left+=("$pid"); fi
  done
  started=("${left[@]}")

  if [ "$ok" = 0 ]; then
    passed=$((passed + 1))
    say "PASS $name: $detail"
  else
    failed=$((failed + 1))
    say "FAIL $name: $failure"
    {
      echo "--- $dir/conf.d/90-siteverify.ini"
      cat "$dir/conf.d/90-siteverify.ini"
      echo "--- $dir/fpm.log (last 40 lines)"
      tail -n 40 "$dir/fpm.log" 2>/dev/null || true
      tail -n 20 "$dir/stdout.log" 2>/dev/null || true
    } >&2
  fi
}

start=$SECONDS
if [ "$(id -u)" = 0 ]; then
  run_case "root master, pool user $pool_user, ffi.preload + opcache.preload" root-pool-user ffi+opcache serve
  run_case "root master, pool user root (-R), ffi.preload + opcache.preload" root ffi+opcache serve
fi
run_case "master run as $pool_user, opcache.preload alone (FFI::load)" user opcache serve
run_case "master run as $pool_user, ffi.preload + opcache.preload" user ffi+opcache serve
if [ "$(id -u)" = 0 ]; then
  run_case "root master, pool user $pool_user, ffi.preload alone: refused" root-pool-user ffi http-500
  run_case "root master, opcache.preload alone (FFI::load): refused" root-pool-user opcache no-start
else
  say "SKIP the root-master cases: not run as root"
fi
err "$fpm, $((SECONDS - start)) s"
say "$passed passed, $failed failed"
[ "$failed" = 0 ]
