# Sourced by scripts/dist/*.sh: paths, the pinned tools, the version.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIST=${DIST:-$ROOT/dist}
TOOLS=$ROOT/target/dist-tools
VENV=$TOOLS/venv
# One version for everything: the Cargo workspace's.
VERSION=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml")
ABI=$(sed -n 's/^#define SV_ABI_VERSION //p' "$ROOT/include/siteverify.h")
[ -n "$VERSION" ] && [ -n "$ABI" ] || { echo "dist: no version in Cargo.toml or no ABI in the header" >&2; exit 1; }
# The targets: glibc 2.17 (manylinux2014) through zig; musl for the static CLI and musl addons.
GNU_X64=x86_64-unknown-linux-gnu
GNU_ARM64=aarch64-unknown-linux-gnu
MUSL_X64=x86_64-unknown-linux-musl
GLIBC=2.17
log() { echo "dist: $*" >&2; }
# The directory of a target's dist-profile output.
out_dir() { echo "${2:-$ROOT/target}/$1/dist"; }
