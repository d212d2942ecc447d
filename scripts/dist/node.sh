#!/usr/bin/env bash
# The npm packages: `siteverify` (JavaScript only, no install script) and one package per
# platform holding the prebuilt addon (bindings-node/npm/<platform>/package.json), listed as
# the main package's optionalDependencies: npm installs only the one whose os/cpu/libc match.
source "$(dirname "$0")/common.sh"
STAGE=$ROOT/target/dist-stage
work=$ROOT/target/dist-node
rm -rf "$work" "$DIST/node"
mkdir -p "$work" "$DIST/node"
platforms=()
declare -A triple=([linux-x64-gnu]=$GNU_X64 [linux-x64-musl]=$MUSL_X64 [linux-arm64-gnu]=$GNU_ARM64)
for dir in "$ROOT"/bindings-node/npm/*/; do
  p=$(basename "$dir")
  addon=$STAGE/${triple[$p]}/node/siteverify.$p.node
  [ -f "$addon" ] || { log "node: $addon not built, skipping $p"; continue; }
  mkdir -p "$work/$p"
  cp "$dir/package.json" "$addon" "$ROOT/LICENSE" "$work/$p/"
  node -e '
    const fs = require("fs"), f = process.argv[1] + "/package.json", p = JSON.parse(fs.readFileSync(f))
    p.version = process.argv[2]
    fs.writeFileSync(f, JSON.stringify(p, null, 2) + "\n")' "$work/$p" "$VERSION"
  (cd "$work/$p" && npm pack --silent --pack-destination "$DIST/node" >/dev/null)
  platforms+=("siteverify-$p")
done
main=$work/siteverify
mkdir -p "$main"
cd "$ROOT/bindings-node"
cp index.js index.mjs index.d.ts binding.js README.md "$ROOT/LICENSE" "$main/"
node -e '
  const fs = require("fs"), [src, dst, version, ...platforms] = process.argv.slice(1)
  const p = JSON.parse(fs.readFileSync(src))
  p.version = version
  // Prebuilt: nothing to build on install, no toolchain, no install script.
  delete p.scripts
  delete p.devDependencies
  p.files = ["index.js", "index.mjs", "index.d.ts", "binding.js", "README.md", "LICENSE"]
  p.optionalDependencies = Object.fromEntries(platforms.map((n) => [n, version]))
  fs.writeFileSync(dst, JSON.stringify(p, null, 2) + "\n")' package.json "$main/package.json" "$VERSION" "${platforms[@]}"
(cd "$main" && npm pack --silent --pack-destination "$DIST/node" >/dev/null)
ls -l "$DIST/node" >&2
