#!/usr/bin/env bash
# Installs what the Rust and C parts of `make test` need, when missing.
# Each binding installs its own needs in `make -C bindings-X deps`.
set -euo pipefail

need_apt=()
command -v cc >/dev/null || need_apt+=(gcc)
command -v valgrind >/dev/null || need_apt+=(valgrind)
command -v python3 >/dev/null || need_apt+=(python3)
[ -f /usr/include/cjson/cJSON.h ] || need_apt+=(libcjson-dev)
# Debian's system python3 ships venv separately (bindings-python makes a venv).
# (`import venv` works without it; `ensurepip`, which venv needs, does not.)
python3 -c 'import ensurepip' >/dev/null 2>&1 || need_apt+=(python3-venv)
if ((${#need_apt[@]})); then
  if [ "$(id -u)" = 0 ]; then SUDO=(); else SUDO=(sudo); fi
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq "${need_apt[@]}"
fi

command -v cargo >/dev/null || { echo "install-deps: cargo not found; install Rust from rustup.rs" >&2; exit 1; }
if command -v rustup >/dev/null; then
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
fi
echo "install-deps: ok"
