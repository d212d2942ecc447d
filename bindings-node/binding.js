'use strict'

// Loads the native addon, the first of:
//  1. $SITEVERIFY_NODE_ADDON (or napi-rs' $NAPI_RS_NATIVE_LIBRARY_PATH): a path to a .node file;
//  2. ./siteverify.node: built from source by `scripts/build.js`, or in a tarball from `npm pack`;
//  3. the platform package npm installed from optionalDependencies (`make dist`):
//     siteverify-linux-x64-gnu, siteverify-linux-x64-musl, siteverify-linux-arm64-gnu, ...
const path = require('node:path')

function libc() {
  if (process.platform !== 'linux') return ''
  try {
    const header = process.report.getReport().header
    return header.glibcVersionRuntime ? '-gnu' : '-musl'
  } catch {
    return '-gnu'
  }
}

function load() {
  const override = process.env.SITEVERIFY_NODE_ADDON || process.env.NAPI_RS_NATIVE_LIBRARY_PATH
  if (override) return { binding: require(path.resolve(override)), tried: [] }
  const tried = []
  const candidates = ['./siteverify.node', `siteverify-${process.platform}-${process.arch}${libc()}`]
  for (const candidate of candidates) {
    try {
      return { binding: require(candidate), tried }
    } catch (cause) {
      if (cause && cause.code === 'MODULE_NOT_FOUND' && String(cause.message).includes(candidate)) {
        tried.push(candidate)
        continue
      }
      throw new Error(`siteverify: the native addon ${candidate} could not be loaded: ${cause && cause.message}`, {
        cause,
      })
    }
  }
  throw new Error(
    `siteverify: no native addon for ${process.platform}-${process.arch}${libc()} (tried ${tried.join(', ')}). ` +
      'Install the platform package npm skipped (e.g. `npm install --include=optional`), ' +
      'set $SITEVERIFY_NODE_ADDON to a .node file, or build from source with `npm rebuild siteverify` ' +
      '(needs Rust and cargo).',
  )
}

module.exports = load().binding
