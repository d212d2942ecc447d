'use strict'

// `siteverify/testing`: the mock provider, in process, for your tests.
//
// MockProvider serves every provider's verify API on a loopback port, on its
// own native threads (the `siteverify-mock` crate inside the addon), and
// answers according to the scenario token it receives (`pass`, `fail`,
// `expired`, `fail-open`, `status:code=503`, `hang` ...; the list is in the
// mock's README). No network, no provider account, no child process.

const { inspect } = require('node:util')
const native = require('./binding.js')
const { Client, InvalidArgumentError } = require('./index.js')

/** The secret the mock accepts unless told otherwise. */
const MOCK_SECRET = 'mock-secret'
/** The site key the mock accepts (Friendly Captcha, reCAPTCHA Enterprise). */
const MOCK_SITE_KEY = 'mock-site-key'

const constructing = Symbol('MockProvider.start')

class MockProvider {
  #mock
  #secret

  /** Use `await MockProvider.start()`. */
  constructor(key, mock, secret) {
    if (key !== constructing) throw new TypeError('use `await MockProvider.start()` to start a MockProvider')
    this.#mock = mock
    this.#secret = secret
  }

  /**
   * Starts a mock on a free loopback port.
   * @param {{ secret?: string | string[], tls?: boolean, wrongHostname?: boolean }} [options]
   * @returns {Promise<MockProvider>}
   */
  static async start(options = {}) {
    if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options must be an object')
    const { secret = MOCK_SECRET, tls = false, wrongHostname = false } = options
    const secrets = typeof secret === 'string' ? [secret] : secret
    if (!Array.isArray(secrets) || !secrets.every((s) => typeof s === 'string')) {
      throw new InvalidArgumentError('secret must be a string or an array of strings')
    }
    if (typeof tls !== 'boolean' || typeof wrongHostname !== 'boolean') {
      throw new InvalidArgumentError('tls and wrongHostname must be booleans')
    }
    let mock
    try {
      mock = native._testingMockStart(secrets, tls, wrongHostname)
    } catch (err) {
      if (err && err.code === 'invalid-argument') throw new InvalidArgumentError(err.message)
      throw err
    }
    return new MockProvider(constructing, mock, secrets[0])
  }

  /** The base URL, `http://127.0.0.1:PORT` (`https://` with `tls`). */
  get url() {
    return native._testingMockUrl(this.#mock)
  }

  /** The (first) secret the mock accepts. */
  get secret() {
    return this.#secret
  }

  /** With `tls`: the CA certificate (PEM) to trust (`caPems`); otherwise `null`. */
  get caPem() {
    return native._testingMockCaPem(this.#mock)
  }

  /** `true` until `close()`. */
  get running() {
    return native._testingMockRunning(this.#mock)
  }

  /** HTTP requests served so far (verifications and retries). */
  get requests() {
    return this.stats().requests
  }

  /** Every counter: `connections`, `requests`, `captured`, and the HTTPS ones. */
  stats() {
    return native._testingMockStats(this.#mock)
  }

  /** The verify URL of `provider` (the `provider` option's names), for `endpoint`. */
  endpoint(provider) {
    const url = typeof provider === 'string' ? native._testingMockEndpoint(this.#mock, provider) : null
    if (url === null) throw new InvalidArgumentError(`the mock serves no provider ${inspect(provider)}`)
    return url
  }

  /**
   * A `Client` of `provider` pointed at this mock: endpoint, secret and (with
   * `tls`) CA preset; `options` adds or overrides any client option.
   */
  client(provider = 'prosopo', options = {}) {
    const preset = { provider, secret: this.#secret, endpoint: this.endpoint(provider) }
    const caPem = this.caPem
    if (caPem !== null) preset.caPems = caPem
    return new Client({ ...preset, ...options })
  }

  /** Stops serving (idempotent); `requests` keeps its last value. */
  async close() {
    native._testingMockClose(this.#mock)
  }

  toJSON() {
    return { url: this.url, running: this.running }
  }

  [inspect.custom](depth, options, inspectFn) {
    return `MockProvider ${(inspectFn || inspect)(this.toJSON(), options)}`
  }
}

// `await using mock = await MockProvider.start()` where the runtime has it.
if (typeof Symbol.asyncDispose === 'symbol') {
  Object.defineProperty(MockProvider.prototype, Symbol.asyncDispose, {
    value: function asyncDispose() {
      return this.close()
    },
    writable: true,
    configurable: true,
  })
}

module.exports = { MockProvider, MOCK_SECRET, MOCK_SITE_KEY }
