'use strict'

// Loads the native addon (built from source by `scripts/build.js` when the
// package is installed, or shipped prebuilt in a tarball made by `npm pack`).
let binding
try {
  binding = require('./siteverify.node')
} catch (cause) {
  throw new Error(
    'siteverify: the native addon (siteverify.node) could not be loaded. ' +
      'Build it from source with `npm rebuild siteverify` (needs Rust and cargo), ' +
      'or install a tarball packed on the same platform. Cause: ' +
      (cause && cause.message ? cause.message : String(cause)),
    { cause },
  )
}
module.exports = binding
