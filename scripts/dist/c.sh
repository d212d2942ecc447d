#!/usr/bin/env bash
# The C library: include/, lib/libsiteverify.so.<ABI> + libsiteverify.so symlink,
# lib/libsiteverify.a, lib/pkgconfig/siteverify.pc (relocatable), LICENSE.
#   c.sh tarball          dist/c/siteverify-<version>-<arch>-linux-gnu.tar.gz per built target
#   c.sh install PREFIX   the same tree into PREFIX (x86_64, the glibc 2.17 build)
source "$(dirname "$0")/common.sh"
STAGE=$ROOT/target/dist-stage

tree() { # target, destination
  local t=$1 d=$2
  install -d "$d/include" "$d/lib/pkgconfig" "$d/share/doc/siteverify"
  install -m 0644 "$ROOT/include/siteverify.h" "$d/include/"
  install -m 0755 "$STAGE/$t/lib/libsiteverify.so" "$d/lib/libsiteverify.so.$ABI"
  ln -sfn "libsiteverify.so.$ABI" "$d/lib/libsiteverify.so"
  install -m 0644 "$STAGE/$t/lib/libsiteverify.a" "$d/lib/"
  sed "s/@VERSION@/$VERSION/" "$ROOT/ffi-c/siteverify.pc.in" > "$d/lib/pkgconfig/siteverify.pc"
  install -m 0644 "$ROOT/LICENSE" "$ROOT/include/README.md" "$ROOT/include/example.c" "$d/share/doc/siteverify/"
}

case ${1:-tarball} in
  tarball)
    rm -rf "$DIST/c" && mkdir -p "$DIST/c"
    for t in $GNU_X64 $GNU_ARM64; do
      [ -f "$STAGE/$t/lib/libsiteverify.so" ] || { log "c: $t not built, skipped"; continue; }
      name=siteverify-$VERSION-${t%%-*}-linux-gnu
      tmp=$ROOT/target/dist-c/$name
      rm -rf "$tmp" && tree "$t" "$tmp"
      cp "$ROOT/LICENSE" "$tmp/"
      tar -C "$(dirname "$tmp")" --owner=0 --group=0 -czf "$DIST/c/$name.tar.gz" "$name"
    done
    ;;
  install)
    prefix=${2:?usage: c.sh install PREFIX}
    [ -f "$STAGE/$GNU_X64/lib/libsiteverify.so" ] || "$ROOT/scripts/dist/native.sh" x64-gnu
    tree "$GNU_X64" "$prefix"
    echo "installed libsiteverify $VERSION into $prefix (pkg-config: PKG_CONFIG_PATH=$prefix/lib/pkgconfig)"
    ;;
  *) echo "usage: c.sh tarball | c.sh install PREFIX" >&2; exit 2 ;;
esac
