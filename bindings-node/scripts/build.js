#!/usr/bin/env node
'use strict'

// Builds the native addon from source and puts it where `binding.js` loads it.
//
// This is the package's `install` script, so it runs on `npm install
// ./bindings-node` and needs nothing but Node and a Rust toolchain (no
// devDependencies: those are not installed for a consumer). In a source
// checkout it always runs `cargo build --release -p siteverify-node` (a no-op
// when nothing changed). In a tarball made by `npm pack` there are no Rust
// sources: the prebuilt `siteverify.node` inside it is used as it is, after a
// check that it loads on this machine.
//
// Usage: node scripts/build.js [--quiet] [--strip]
//   --strip  strips debug info from the copied addon (npm pack: ~6 MB instead of ~38 MB)
// Env: SITEVERIFY_SKIP_BUILD=1 skips the build; CARGO selects the cargo binary.

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.resolve(__dirname, '..')
const addon = path.join(root, 'siteverify.node')
const quiet = process.argv.includes('--quiet')
const strip = process.argv.includes('--strip')

function log(message) {
  if (!quiet) process.stderr.write(`siteverify: ${message}\n`)
}

function fail(message) {
  process.stderr.write(`siteverify: ${message}\n`)
  process.exit(1)
}

/** Loads the addon in a child process, so a crash cannot take this one down. */
function addonLoads() {
  if (!fs.existsSync(addon)) return false
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(addon)}).coreVersion()`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  return r.status === 0
}

function hasRustSources() {
  return (
    fs.existsSync(path.join(root, 'Cargo.toml')) &&
    fs.existsSync(path.join(root, 'src', 'lib.rs')) &&
    fs.existsSync(path.join(root, '..', 'Cargo.toml')) &&
    fs.existsSync(path.join(root, '..', 'core', 'Cargo.toml'))
  )
}

function build() {
  const cargo = process.env.CARGO || 'cargo'
  log('building the native addon with cargo (release profile)...')
  const r = spawnSync(
    cargo,
    ['build', '--release', '-p', 'siteverify-node', '--message-format=json-render-diagnostics'],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
  )
  if (r.error && r.error.code === 'ENOENT') {
    fail('building the native addon needs Rust: `cargo` was not found on PATH (install it with rustup, then run `npm rebuild siteverify`)')
  }
  if (r.status !== 0) fail(`cargo build failed (exit ${r.status})`)
  // Cargo reports the cdylib it produced; this stays right whatever the target dir or platform.
  let library
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue
    const msg = JSON.parse(line)
    if (msg.reason !== 'compiler-artifact' || msg.target.name !== 'siteverify_node') continue
    library = msg.filenames.find((f) => /\.(so|dylib|dll)$/.test(f)) || library
  }
  if (!library) fail('cargo did not report the siteverify_node library')
  // Copy, then rename over the old file: a process that has the old addon
  // loaded keeps its mapping intact.
  const tmp = `${addon}.${process.pid}.tmp`
  fs.copyFileSync(library, tmp)
  if (strip && process.platform !== 'win32') {
    const args = process.platform === 'darwin' ? ['-S', tmp] : ['--strip-debug', tmp]
    const s = spawnSync('strip', args, { stdio: ['ignore', 'ignore', 'inherit'] })
    if (s.status !== 0) log('`strip` is not available; packing the addon with its debug info')
  }
  fs.renameSync(tmp, addon)
  log(`built ${path.relative(process.cwd(), addon) || addon}`)
}

if (process.env.SITEVERIFY_SKIP_BUILD) {
  log('SITEVERIFY_SKIP_BUILD is set; not building')
} else if (hasRustSources()) {
  build()
  if (!addonLoads()) fail('the freshly built addon does not load')
} else if (addonLoads()) {
  log('using the prebuilt native addon shipped in this package')
} else {
  fail(
    'this package has no native addon for this platform and no Rust sources to build one. ' +
      'Install from a source checkout (`npm install path/to/siteverify/bindings-node`) or from a tarball packed on this platform.',
  )
}
