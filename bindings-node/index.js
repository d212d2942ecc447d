'use strict'

// The JavaScript layer of `siteverify`: error classes, AbortSignal support,
// redaction, and the per-verification event on `node:diagnostics_channel`.
// Everything else, verdicts included, happens in the Rust core.

const diagnosticsChannel = require('node:diagnostics_channel')
const { inspect } = require('node:util')
const native = require('./binding.js')

/**
 * One message per verification (an outcome, not an error), published where the
 * verification settles, on the event loop: the outcome's fields plus
 * `provider`, `latencyMs`, `tokenFingerprint` and `level` (the core's: `debug`,
 * `info` or `warn`). Never the token or the secret.
 * The native side attaches latency and fingerprint only when the channel had a
 * subscriber as the call started (`observe`), so an unobserved verification
 * costs nothing more than before.
 */
const verificationChannel = diagnosticsChannel.channel('siteverify:verification')

/** Publishes the event of an observed verification; returns its outcome. */
function published(provider, settled) {
  const { outcome, latencyMs, tokenFingerprint, level } = settled
  // Frozen copies: a subscriber can change neither the caller's outcome nor
  // what the next subscriber sees.
  const event = Object.freeze({
    ...outcome,
    errorCodes: Object.freeze([...outcome.errorCodes]),
    provider,
    latencyMs,
    tokenFingerprint,
    level,
  })
  // diagnostics_channel calls every subscriber even when one throws, and
  // reports the exception as uncaught on the next tick: never here.
  verificationChannel.publish(event)
  return outcome
}

/** Base class of every error siteverify throws or rejects with. */
class SiteverifyError extends Error {
  /**
   * @param {string} message
   * @param {{ code?: string, cause?: unknown }} [options]
   */
  constructor(message, options) {
    super(message, options && 'cause' in options ? { cause: options.cause } : undefined)
    Object.defineProperty(this, 'code', {
      value: new.target.code || (options && options.code) || 'internal',
      enumerable: true,
      configurable: true,
      writable: false,
    })
  }
}

/** The client configuration is invalid (bad or unknown option, option of the wrong type). */
class ConfigurationError extends SiteverifyError {}
ConfigurationError.code = 'configuration'

/** A per-call argument is invalid (token not a string, bad `remoteIp` or `email`). */
class InvalidArgumentError extends SiteverifyError {}
InvalidArgumentError.code = 'invalid-argument'

/** The verification was cancelled through its `AbortSignal`; `cause` is the signal's reason. */
class AbortError extends SiteverifyError {}
AbortError.code = 'cancelled'

for (const [cls, name] of [
  [SiteverifyError, 'SiteverifyError'],
  [ConfigurationError, 'ConfigurationError'],
  [InvalidArgumentError, 'InvalidArgumentError'],
  [AbortError, 'AbortError'],
]) {
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true })
}

const CLASS_BY_CODE = {
  configuration: ConfigurationError,
  'invalid-argument': InvalidArgumentError,
  cancelled: AbortError,
}

// The core's codes are kebab-case; napi's own (argument conversion) codes are
// PascalCase and mean a bug in this binding.
const CORE_CODE = /^[a-z]+(?:-[a-z]+)*$/

/** Turns whatever the addon threw into a SiteverifyError (always an Error). */
function fromNative(err) {
  if (err instanceof SiteverifyError) return err
  const message = err instanceof Error ? err.message : String(err)
  const code = err !== null && typeof err === 'object' && typeof err.code === 'string' ? err.code : ''
  const Class = CLASS_BY_CODE[code]
  let error
  if (Class) error = new Class(message)
  else if (CORE_CODE.test(code)) error = new SiteverifyError(message, { code })
  else error = new SiteverifyError(message, { code: 'internal', cause: err })
  Error.captureStackTrace(error, fromNative)
  return error
}

function isAbortSignal(signal) {
  return (
    signal !== null &&
    typeof signal === 'object' &&
    typeof signal.aborted === 'boolean' &&
    typeof signal.addEventListener === 'function' &&
    typeof signal.removeEventListener === 'function'
  )
}

function abortError(signal) {
  return new AbortError('verification aborted', { cause: signal.reason })
}

/** The `signal` of a verify options object, checked; `undefined` when none. */
function signalOf(options) {
  if (options === null || typeof options !== 'object') return undefined
  const { signal } = options
  if (signal === undefined || signal === null) return undefined
  if (!isAbortSignal(signal)) throw new InvalidArgumentError('signal must be an AbortSignal')
  return signal
}

// One 'abort' listener per signal, however many verifications share it (a
// listener per call would trip Node's MaxListenersExceededWarning at 11).
const watched = new WeakMap()

/** Cancels `cancelToken` when `signal` aborts; returns the function that stops watching. */
function watch(signal, cancelToken) {
  let entry = watched.get(signal)
  if (!entry) {
    const tokens = new Set()
    const onAbort = () => {
      watched.delete(signal)
      for (const token of tokens) native.cancel(token)
    }
    entry = { tokens, onAbort }
    watched.set(signal, entry)
    signal.addEventListener('abort', onAbort, { once: true })
  }
  entry.tokens.add(cancelToken)
  return () => {
    entry.tokens.delete(cancelToken)
    if (entry.tokens.size === 0 && watched.get(signal) === entry) {
      watched.delete(signal)
      signal.removeEventListener('abort', entry.onAbort)
    }
  }
}

/**
 * A verifier for one provider, secret and policy. Build one at startup and
 * share it; it is safe and cheap to call concurrently.
 */
class Client {
  #native

  /** @param {import('./index').ClientOptions} options */
  constructor(options) {
    try {
      this.#native = new native.Client(options)
    } catch (err) {
      throw fromNative(err)
    }
  }

  /** The provider, by the core's name (`"prosopo"`, `"recaptcha-enterprise"`, ...). */
  get provider() {
    return this.#native.provider
  }

  /** The verify URL in use. */
  get endpoint() {
    return this.#native.endpoint
  }

  /**
   * Verifies `token` without blocking the event loop.
   * @returns {Promise<import('./index').Outcome>}
   */
  verify(token, options) {
    let signal
    let promise
    let cancelToken
    let observe
    try {
      signal = signalOf(options)
      if (signal && signal.aborted) throw abortError(signal)
      cancelToken = signal ? native.cancelToken() : undefined
      observe = verificationChannel.hasSubscribers
      promise = this.#native.verify(token, options, cancelToken, observe)
    } catch (err) {
      return Promise.reject(fromNative(err))
    }
    if (observe) {
      const provider = this.provider
      promise = promise.then((settled) => published(provider, settled))
    }
    if (!signal) return promise.then(undefined, (err) => Promise.reject(fromNative(err)))
    const unwatch = watch(signal, cancelToken)
    return promise.then(
      (outcome) => {
        unwatch()
        return outcome
      },
      (err) => {
        unwatch()
        const error = fromNative(err)
        return Promise.reject(error instanceof AbortError ? abortError(signal) : error)
      },
    )
  }

  /**
   * Blocking `verify`, for scripts: the thread waits for the provider. A
   * `signal` is only checked before the call starts.
   * @returns {import('./index').Outcome}
   */
  verifySync(token, options) {
    try {
      const signal = signalOf(options)
      if (signal && signal.aborted) throw abortError(signal)
      if (!verificationChannel.hasSubscribers) return this.#native.verifySync(token, options)
      const settled = this.#native.verifySync(token, options, true)
      return published(this.provider, settled)
    } catch (err) {
      throw fromNative(err)
    }
  }

  /** A point-in-time copy of this client's counters. */
  stats() {
    try {
      return this.#native.stats()
    } catch (err) {
      throw fromNative(err)
    }
  }

  /** What `JSON.stringify(client)` shows: never the secret. */
  toJSON() {
    return { provider: this.provider, endpoint: this.endpoint }
  }

  [inspect.custom](depth, options, inspectFn) {
    const shown = (inspectFn || inspect)(this.toJSON(), options)
    return `Client ${shown}`
  }
}

/** Every outcome reason code the core knows, in declaration order. */
function reasonCodes() {
  return native.reasonCodes()
}

/** The version of the Rust core compiled into the addon. */
function coreVersion() {
  return native.coreVersion()
}

module.exports = {
  Client,
  SiteverifyError,
  ConfigurationError,
  InvalidArgumentError,
  AbortError,
  reasonCodes,
  coreVersion,
}
