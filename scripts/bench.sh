#!/usr/bin/env bash
# `make bench`: every client measured against a zero-logic nginx on loopback, in one run.
#
#   1. deps: nginx, wrk and php-curl from Debian (apt-get, only what is missing);
#   2. builds each client program under bench/ into target/bench/ (the bindings as the
#      repository builds them: target/release's libraries, bindings-node's siteverify.node,
#      bindings-java's jar, bindings-python's wheel through maturin, bindings-go by `replace`);
#      whatever cannot be built is recorded and printed as SKIPPED, the run goes on;
#   3. a CA and a server certificate from openssl in target/bench/tls (the HTTPS variant);
#   4. bench/run.py: nginx, then wrk and every client, pinned and unpinned, and the report;
#      with --profile (`make bench-profile`), bench/profiles.py instead: perf and callgrind
#      profiles of each binding's sequential path.
#
# Knobs: SV_BENCH_N (verifications per round, 2000), SV_BENCH_ROUNDS (5),
# SV_BENCH_WARMUP (500), SV_BENCH_PLACEMENTS ("pinned unpinned"), SV_BENCH_MEM_COUNT (10000),
# SV_BENCH_MEM_DELAY_MS (15000), SV_BENCH_CLIENTS (a subset: "wrk rust c go python node php
# java memory tls"); the profile's SV_PROFILE_* are in bench/profiles.py.
# No assertions on timing: FAIL marks are information, and the exit status is 0 unless the
# harness itself breaks.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/target/bench
LIB=$ROOT/target/release
mkdir -p "$OUT"
SKIPS=$OUT/skips.tsv
: >"$SKIPS"
BUILD_LOG=$OUT/build.log
: >"$BUILD_LOG"

log() { echo "bench: $*" >&2; }
# want <client>: SV_BENCH_CLIENTS (space-separated: wrk rust c go python node php java memory
# tls) limits the run, and so the builds, to those; unset, everything.
want() { [ -z "${SV_BENCH_CLIENTS:-}" ] || [[ " $SV_BENCH_CLIENTS " == *" $1 "* ]]; }
# skip <client> <reason>: the client's rows print SKIPPED with the reason.
skip() { printf 'SKIP\tbuild:%s\t%s\n' "$1" "$2" >>"$SKIPS"; log "SKIPPED $1: $2"; }
# quiet <what> <cmd...>: runs the command with its output in build.log; the last line on failure.
quiet() {
  local what=$1; shift
  echo "== $what: $*" >>"$BUILD_LOG"
  if "$@" >>"$BUILD_LOG" 2>&1; then return 0; fi
  LAST_ERR=$(grep -v '^\s*$' "$BUILD_LOG" | tail -n 1 | cut -c1-200)
  return 1
}

# ---- 1. deps
missing=()
command -v nginx >/dev/null || missing+=(nginx-light)
command -v wrk >/dev/null || missing+=(wrk)
if command -v php >/dev/null && ! php -r 'exit(function_exists("curl_init") ? 0 : 1);'; then missing+=(php-curl); fi
if ((${#missing[@]})); then
  log "installing ${missing[*]} from Debian"
  quiet apt apt-get install -y -qq "${missing[@]}" ||
    { quiet apt apt-get update -qq && quiet apt apt-get install -y -qq "${missing[@]}"; } ||
    log "could not install ${missing[*]}: $LAST_ERR"
fi
command -v nginx >/dev/null || { echo "bench: nginx is required (apt-get install nginx-light)" >&2; exit 1; }
# 10,000 connections in flight (memory row) and nginx's worker_rlimit_nofile.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# ---- 2. clients
[ -f "$LIB/libsiteverify.so" ] && [ -f "$LIB/libsiteverify.a" ] ||
  { echo "bench: $LIB/libsiteverify.{so,a} missing: run 'make build'" >&2; exit 1; }

if want rust || want tls || want memory; then
  log "building the Rust client (bench/rust, --release, path dependency on core/)"
  [ -f "$ROOT/bench/rust/Cargo.lock" ] || cp "$ROOT/Cargo.lock" "$ROOT/bench/rust/Cargo.lock"
  # The workspace's target/ (not a member, but the same dependencies): no second compile of them.
  export CARGO_TARGET_DIR=$ROOT/target
  quiet rust cargo build --release --offline --manifest-path "$ROOT/bench/rust/Cargo.toml" ||
    quiet rust cargo build --release --manifest-path "$ROOT/bench/rust/Cargo.toml" || skip rust "$LAST_ERR"
  unset CARGO_TARGET_DIR
fi

if want c; then
  log "building the C client (bench/c against target/release/libsiteverify.so)"
  quiet c gcc -O2 -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -I"$ROOT/include" "$ROOT/bench/c/bench.c" \
    -L"$LIB" -lsiteverify -Wl,-rpath,"$LIB" -lpthread -o "$OUT/c-bench" || skip c "$LAST_ERR"
fi

if ! want go; then
  :
elif command -v go >/dev/null; then
  log "building the Go client (bench/go, bindings-go by replace, static libsiteverify.a)"
  (cd "$ROOT/bench/go" && CGO_ENABLED=1 quiet go go build -o "$OUT/go-bench" .) || skip go "${LAST_ERR:-go build failed (see target/bench/build.log)}"
else
  skip go "no Go toolchain"
fi

if ! want python; then
  :
elif command -v python3 >/dev/null; then
  log "building the Python client (venv in target/bench/venv-py: httpx, and bindings-python's wheel by maturin)"
  py_ok=1
  [ -x "$OUT/venv-py/bin/python" ] || quiet python python3 -m venv "$OUT/venv-py" || { py_ok=0; skip python "python3 -m venv failed: $LAST_ERR"; }
  maturin=$(grep -i '^maturin==' "$ROOT/bindings-python/requirements-dev.txt" || echo maturin)
  if ((py_ok)); then
    quiet python "$OUT/venv-py/bin/pip" install --disable-pip-version-check -q httpx "$maturin" ||
      { py_ok=0; skip python "pip install httpx $maturin: $LAST_ERR"; }
  fi
  if ((py_ok)); then
    # The same command as bindings-python's `make wheel`, with the wheel put under target/bench.
    rm -rf "$OUT/wheels"
    (cd "$ROOT/bindings-python" && PATH=$OUT/venv-py/bin:$PATH quiet python maturin build --release --out "$OUT/wheels") &&
      quiet python "$OUT/venv-py/bin/pip" install --disable-pip-version-check -q --force-reinstall --no-deps "$OUT"/wheels/siteverify-*.whl ||
      skip python "${LAST_ERR:-the wheel did not build}"
  fi
else
  skip python "no python3"
fi

if ! want node; then
  :
elif command -v node >/dev/null && command -v npm >/dev/null; then
  log "building the Node client (bindings-node's siteverify.node; undici in target/bench/node)"
  quiet node make -C "$ROOT/bindings-node" build || skip node "bindings-node build: $LAST_ERR"
  [ -d "$OUT/node/node_modules/undici" ] ||
    { mkdir -p "$OUT/node" && quiet node npm install --prefix "$OUT/node" --no-save --no-audit --no-fund undici@6; } ||
    skip node "npm install undici: $LAST_ERR"
else
  skip node "no node/npm"
fi

command -v php >/dev/null || skip php "no php"
php -r 'exit(extension_loaded("ffi") ? 0 : 1);' 2>/dev/null || skip php "php has no FFI extension"

if ! want java; then
  :
elif command -v mvn >/dev/null && [ -x "$ROOT/bindings-java/scripts/find-jdk.sh" ]; then
  log "building the Java client (bindings-java's jar; bench/java compiled with --release 17)"
  if read -r jdk_new jdk_major < <(cd "$ROOT/bindings-java" && scripts/find-jdk.sh --version 2>/dev/null); then
    export SV_JDK_NEW=$jdk_new
    export SV_JDK_17=$(cd "$ROOT/bindings-java" && scripts/find-jdk.sh --release 17 2>/dev/null || true)
    log "JDKs: $jdk_new (Java $jdk_major, FFM), ${SV_JDK_17:-no JDK 17} (JNI)"
    if quiet java make -C "$ROOT/bindings-java" build; then
      export SV_JAVA_JAR=$(ls "$ROOT"/bindings-java/target/siteverify-*.jar | grep -v -e sources -e javadoc | head -n 1)
      mkdir -p "$OUT/java"
      quiet java "$jdk_new/bin/javac" --release 17 -cp "$SV_JAVA_JAR" -d "$OUT/java" "$ROOT/bench/java/Bench.java" ||
        skip java "javac: $LAST_ERR"
    else
      skip java "bindings-java build: $LAST_ERR"
    fi
  else
    skip java "no JDK >= 22 for the build (bindings-java/scripts/find-jdk.sh)"
  fi
else
  skip java "no Maven or JDK"
fi

# ---- 3. the HTTPS variant's CA and certificate (kept between runs)
TLS=$OUT/tls
if command -v openssl >/dev/null && [ ! -f "$TLS/server.pem" ]; then
  log "generating a CA and a localhost certificate with openssl into target/bench/tls"
  mkdir -p "$TLS"
  {
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=siteverify bench CA" \
      -keyout "$TLS/ca.key" -out "$TLS/ca.pem" &&
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$TLS/server.key" -out "$TLS/server.csr" &&
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$TLS/ext.cnf" &&
    openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" -CAcreateserial \
      -days 3650 -extfile "$TLS/ext.cnf" -out "$TLS/server.pem"
  } >>"$BUILD_LOG" 2>&1 || { log "openssl failed: the HTTPS variant is skipped"; rm -rf "$TLS"; }
fi

# ---- 4. measure and report
export SV_ROOT=$ROOT SV_OUT=$OUT
exec python3 "$ROOT/bench/run.py" "$@"
