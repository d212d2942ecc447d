#!/usr/bin/env bash
# Builds every native piece `make dist` packages, once per target, with zig (glibc 2.17 or
# musl), and stages them stripped of debug info under target/dist-stage/<target>/.
# `strip --strip-debug` keeps the symbol table (tests/c/valgrind.supp matches function names).
source "$(dirname "$0")/common.sh"
PATH=$("$ROOT/scripts/dist/tools.sh"):$PATH
export PATH
STAGE=$ROOT/target/dist-stage
cd "$ROOT"

zb() { cargo zigbuild --locked --profile dist "$@"; }
strip_debug() { # target, file...: GNU strip for x86-64, llvm-strip (same flags) for aarch64
  local s=strip f extra
  [[ $1 == aarch64* ]] && s=llvm-strip
  shift
  for f; do
    # An archive also sheds the LLVM bitcode Rust's standard library embeds (only cross-language
    # LTO reads it): a quarter of libsiteverify.a.
    extra=(); [[ $f == *.a ]] && extra=(--remove-section=.llvmbc --remove-section=.llvmcmd)
    "$s" --strip-debug "${extra[@]}" "$f"
  done
}
stage_lib() { # target, cargo output dir
  local t=$1 out=$2 d=$STAGE/$1
  mkdir -p "$d/lib"
  install -m 0755 "$out/libsiteverify.so" "$d/lib/libsiteverify.so"
  install -m 0644 "$out/libsiteverify.a" "$d/lib/libsiteverify.a"
  [ -f "$out/libsiteverify_jni.so" ] && install -m 0755 "$out/libsiteverify_jni.so" "$d/lib/libsiteverify_jni.so"
  strip_debug "$t" "$d"/lib/*
}
# libsiteverify keeps its symbol table (valgrind suppressions name tokio functions): the dist
# profile's strip=debuginfo reaches zig's linker as --strip-debug, which zig treats as a full
# strip, so libsiteverify alone is linked again with strip=none (only its own crate rebuilds),
# and `strip --strip-debug` then drops the debug info the standard library brings.
ffi_with_symbols() { # zig target, [target dir]
  cargo-zigbuild rustc --locked --profile dist --target "$1" -p siteverify-ffi ${2:+--target-dir "$2"} -- -C strip=none
}
stage_node() { # target, cargo output dir, napi platform name
  mkdir -p "$STAGE/$1/node"
  install -m 0755 "$2/libsiteverify_node.so" "$STAGE/$1/node/siteverify.$3.node"
  strip_debug "$1" "$STAGE/$1/node/siteverify.$3.node"
}

# Three independent chains (each its own cargo target dir, so they can run at once):
#   x64-gnu    libsiteverify, libsiteverify_jni, the Node addon, the manylinux wheel (+ sdist)
#   arm64-gnu  libsiteverify, the Node addon, the manylinux wheel (cross-compiled)
#   x64-musl   static siteverify + siteverify-mock; the Node addon and musllinux wheel
wheel() { # target-dir, maturin target, compatibility
  # maturin puts the LICENSE beside pyproject.toml into the wheel and the sdist: the root's.
  cmp -s "$ROOT/LICENSE" bindings-python/LICENSE || { echo "dist: bindings-python/LICENSE differs from LICENSE" >&2; exit 1; }
  mkdir -p "$DIST/python"
  CARGO_TARGET_DIR=$1 maturin build --locked --profile dist --zig -m bindings-python/Cargo.toml \
    --out "$DIST/python" --target "$2" --compatibility "$3" >&2
}

case ${1:-all} in
  all)
    pids=()
    for c in x64-gnu arm64-gnu x64-musl; do "$0" $c & pids+=($!); done
    rc=0; for p in "${pids[@]}"; do wait "$p" || rc=1; done; exit $rc
    ;;
  x64-gnu)
    log "x86_64 glibc $GLIBC: libsiteverify, libsiteverify_jni, the Node addon"
    zb --target $GNU_X64.$GLIBC -p siteverify-ffi -p siteverify-jni -p siteverify-node
    ffi_with_symbols $GNU_X64.$GLIBC
    stage_lib $GNU_X64 "$(out_dir $GNU_X64)"
    stage_node $GNU_X64 "$(out_dir $GNU_X64)" linux-x64-gnu
    rm -f "$DIST"/python/*manylinux*x86_64*.whl "$DIST"/python/*.tar.gz
    # maturin's cargo flags differ from cargo-zigbuild's: its own target dir, so that neither
    # rebuilds the other's dependencies on the next run.
    wheel "$ROOT/target/dist-py-x64" $GNU_X64 manylinux2014
    maturin sdist -m bindings-python/Cargo.toml --out "$DIST/python" >&2
    ;;
  arm64-gnu)
    td=$ROOT/target/dist-arm64
    log "aarch64 glibc $GLIBC: libsiteverify, the Node addon"
    zb --target $GNU_ARM64.$GLIBC -p siteverify-ffi -p siteverify-node --target-dir "$td"
    ffi_with_symbols $GNU_ARM64.$GLIBC "$td"
    stage_lib $GNU_ARM64 "$(out_dir $GNU_ARM64 "$td")"
    stage_node $GNU_ARM64 "$(out_dir $GNU_ARM64 "$td")" linux-arm64-gnu
    rm -f "$DIST"/python/*aarch64*.whl
    wheel "$ROOT/target/dist-py-arm64" $GNU_ARM64 manylinux2014
    ;;
  x64-musl)
    td=$ROOT/target/dist-musl
    log "x86_64 musl, static: siteverify, siteverify-mock"
    zb --target $MUSL_X64 -p siteverify-cli -p siteverify-mock --target-dir "$td"
    mkdir -p "$STAGE/$MUSL_X64/bin"
    for b in siteverify siteverify-mock; do
      install -m 0755 "$(out_dir $MUSL_X64 "$td")/$b" "$STAGE/$MUSL_X64/bin/$b"
    done
    strip_debug $MUSL_X64 "$STAGE/$MUSL_X64"/bin/*
    # A shared object on musl needs the dynamic C runtime: its own target dir, so that the
    # static build above is not rebuilt each time.
    td=$ROOT/target/dist-musl-dyn
    log "x86_64 musl, dynamic: the Node addon, the musllinux wheel"
    RUSTFLAGS="-C target-feature=-crt-static" zb --target $MUSL_X64 -p siteverify-node --target-dir "$td"
    stage_node $MUSL_X64 "$(out_dir $MUSL_X64 "$td")" linux-x64-musl
    rm -f "$DIST"/python/*musllinux*.whl
    wheel "$ROOT/target/dist-py-musl" $MUSL_X64 musllinux_1_2
    ;;
  ffi-symbols) # libsiteverify alone, both glibc targets (after a build without ffi_with_symbols)
    ffi_with_symbols $GNU_X64.$GLIBC
    stage_lib $GNU_X64 "$(out_dir $GNU_X64)"
    ffi_with_symbols $GNU_ARM64.$GLIBC "$ROOT/target/dist-arm64"
    stage_lib $GNU_ARM64 "$(out_dir $GNU_ARM64 "$ROOT/target/dist-arm64")"
    ;;
  *) echo "usage: native.sh [all|x64-gnu|arm64-gnu|x64-musl|ffi-symbols]" >&2; exit 2 ;;
esac
log "$1: staged in $STAGE"
