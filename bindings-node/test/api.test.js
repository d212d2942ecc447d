'use strict'

// The Node API against the mock provider: the event loop stays free,
// concurrency, AbortSignal, errors, redaction, outcome shape, stats.

const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { inspect } = require('node:util')
const { after, before, describe, test } = require('node:test')

const siteverify = require('siteverify')
const { AbortError, Client, ConfigurationError, InvalidArgumentError, SiteverifyError } = siteverify
const native = require('../binding.js')
const { MOCK_SECRET, camel, coreOutcomeFields, startMock } = require('./helpers')

let mock
before(async () => {
  mock = await startMock()
})
after(() => mock.stop())

const DTS = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8')
let seq = 0
const uniq = (prefix) => `${prefix}-${process.pid}-${seq++}`

function gatekeeper(extra = {}) {
  return new Client({ provider: 'gatekeeper', secret: MOCK_SECRET, endpoint: mock.endpoint('gatekeeper'), ...extra })
}

function prosopo(extra = {}) {
  return new Client({ provider: 'prosopo', secret: MOCK_SECRET, endpoint: mock.endpoint('prosopo'), ...extra })
}

/** Asserts `fn` throws (or `promise` rejects with) an instance of `Class` with `code`. */
function isError(Class, code, check) {
  return (err) => {
    assert.ok(err instanceof Error, `not an Error: ${inspect(err)}`)
    assert.ok(err instanceof SiteverifyError, `not a SiteverifyError: ${inspect(err)}`)
    assert.ok(err instanceof Class, `want ${Class.name}, got ${err.name}: ${err.message}`)
    assert.equal(err.code, code)
    assert.equal(err.name, Class.name)
    if (check) check(err)
    return true
  }
}

describe('event loop', () => {
  test('a setInterval keeps ticking while a slow verification is pending', async () => {
    const client = gatekeeper()
    let ticks = 0
    const timer = setInterval(() => ticks++, 50)
    try {
      const outcome = await client.verify('slow:ms=1500')
      assert.equal(outcome.accepted, true)
      assert.equal(outcome.reason, 'verified')
    } finally {
      clearInterval(timer)
    }
    // ~30 ticks when the loop is free; none at all if verify blocked it.
    assert.ok(ticks >= 5, `only ${ticks} ticks while the verification was pending`)
  })

  test('verify returns a pending Promise at once', () => {
    const promise = gatekeeper().verify('slow:ms=200')
    assert.ok(promise instanceof Promise)
    return promise
  })
})

describe('concurrency', () => {
  test('1,000 concurrent verifications, each its own single-use token', async () => {
    const client = gatekeeper({ expectedHostnames: 'example.com' })
    const tokens = Array.from({ length: 1000 }, (_, i) => `pass:once:id=${uniq('c')}-${i}:hostname=example.com`)
    const outcomes = await Promise.all(tokens.map((t) => client.verify(t)))
    assert.equal(outcomes.length, 1000)
    for (const o of outcomes) {
      assert.equal(o.accepted, true)
      assert.equal(o.reason, 'verified')
      assert.equal(o.attempts, 1)
    }
    const stats = client.stats()
    assert.equal(stats.verifications, 1000)
    assert.equal(stats.accepted, 1000)
    assert.equal(stats.retries, 0)
    assert.deepEqual(stats.byReason, { verified: 1000 })
    // Each token was really sent, and only once: a second use is a duplicate.
    const again = await client.verify(tokens[999])
    assert.equal(again.reason, 'token-expired-or-duplicate')
  })

  test('one client shared by async and sync callers', async () => {
    const client = gatekeeper()
    const pending = client.verify('slow:ms=300')
    const now = client.verifySync('pass')
    assert.equal(now.accepted, true)
    assert.equal((await pending).accepted, true)
  })
})

describe('AbortSignal', () => {
  test('an already-aborted signal rejects at once, without a request', async () => {
    const client = gatekeeper()
    const token = `pass:once:id=${uniq('pre')}`
    const controller = new AbortController()
    controller.abort()
    await assert.rejects(
      client.verify(token, { signal: controller.signal }),
      isError(AbortError, 'cancelled', (err) => assert.equal(err.cause, controller.signal.reason)),
    )
    assert.equal(client.stats().verifications, 0)
    // The single-use token never reached the provider: it still passes.
    assert.equal((await client.verify(token)).reason, 'verified')
  })

  test('aborting cancels a pending verification', async () => {
    const client = gatekeeper({ timeoutMs: 60000, attemptTimeoutMs: 60000 })
    const controller = new AbortController()
    const started = Date.now()
    const pending = client.verify('hang', { signal: controller.signal })
    setTimeout(() => controller.abort(), 100)
    await assert.rejects(
      pending,
      isError(AbortError, 'cancelled', (err) => {
        assert.equal(err.cause, controller.signal.reason)
        assert.equal(err.cause.name, 'AbortError')
      }),
    )
    // Far below the 60 s deadline: the abort, not a timeout, ended it.
    assert.ok(Date.now() - started < 20000)
    // The Rust task was dropped before it produced an outcome.
    const stats = client.stats()
    assert.equal(stats.verifications, 0)
    assert.equal(stats.errors, 0)
  })

  test("the abort reason is the error's cause", async () => {
    const client = prosopo({ timeoutMs: 60000, attemptTimeoutMs: 60000 })
    const controller = new AbortController()
    const pending = client.verify('hang', { signal: controller.signal })
    setImmediate(() => controller.abort('user went away'))
    await assert.rejects(
      pending,
      isError(AbortError, 'cancelled', (err) => assert.equal(err.cause, 'user went away')),
    )
  })

  test('AbortSignal.timeout() works as a per-call deadline', async () => {
    const client = gatekeeper({ timeoutMs: 60000, attemptTimeoutMs: 60000 })
    await assert.rejects(
      client.verify('hang', { signal: AbortSignal.timeout(100) }),
      isError(AbortError, 'cancelled', (err) => assert.equal(err.cause.name, 'TimeoutError')),
    )
  })

  test('aborting after the outcome changes nothing', async () => {
    const client = gatekeeper()
    const controller = new AbortController()
    const outcome = await client.verify('pass', { signal: controller.signal })
    controller.abort()
    assert.equal(outcome.accepted, true)
    assert.equal(client.stats().verifications, 1)
  })

  test('one signal for many verifications', async () => {
    const client = gatekeeper({ timeoutMs: 60000, attemptTimeoutMs: 60000 })
    const controller = new AbortController()
    const pending = Array.from({ length: 20 }, () => client.verify('hang', { signal: controller.signal }))
    setTimeout(() => controller.abort(), 50)
    const results = await Promise.allSettled(pending)
    for (const r of results) {
      assert.equal(r.status, 'rejected')
      assert.ok(r.reason instanceof AbortError)
    }
  })

  test('verifySync honours an already-aborted signal', () => {
    const controller = new AbortController()
    controller.abort()
    assert.throws(() => gatekeeper().verifySync('pass', { signal: controller.signal }), isError(AbortError, 'cancelled'))
  })

  test('a signal that is not an AbortSignal is an invalid argument', async () => {
    await assert.rejects(gatekeeper().verify('pass', { signal: 'stop' }), isError(InvalidArgumentError, 'invalid-argument'))
    assert.throws(() => gatekeeper().verifySync('pass', { signal: {} }), isError(InvalidArgumentError, 'invalid-argument'))
  })
})

// The ClientOptions keys and their types, as index.d.ts declares them.
function declaredOptions() {
  const body = DTS.slice(DTS.indexOf('export interface ClientOptions {'))
  const block = body.slice(0, body.indexOf('\n}'))
  return [...block.matchAll(/^ {2}(\w+)\??: (.*)$/gm)].map((m) => [m[1], m[2]])
}

// The core's name of a Node option key: snake_case, without the unit.
function coreName(key) {
  return key.replace(/(?:Ms|Seconds)$/, '').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
}

describe('errors', () => {
  test('classes: a hierarchy of Errors with stable codes', () => {
    for (const [Class, code] of [
      [ConfigurationError, 'configuration'],
      [InvalidArgumentError, 'invalid-argument'],
      [AbortError, 'cancelled'],
    ]) {
      const err = new Class('x')
      assert.ok(err instanceof SiteverifyError && err instanceof Error)
      assert.equal(err.code, code)
      assert.equal(Class.code, code)
      assert.equal(err.name, Class.name)
      assert.match(err.stack, new RegExp(`^${Class.name}: x`))
    }
    const base = new SiteverifyError('boom', { code: 'internal', cause: 1 })
    assert.equal(base.code, 'internal')
    assert.equal(base.cause, 1)
    assert.equal(base.name, 'SiteverifyError')
  })

  test('every core option has its key in ClientOptions, and no other key is there', () => {
    const declared = declaredOptions()
      .map(([key]) => key)
      .filter((key) => key !== 'provider')
    assert.deepEqual([...declared].sort(), [...native._testingOptionKeys()].sort())
  })

  test('every declared option reaches the core, which type-checks it and names it', () => {
    const options = declaredOptions().filter(([key]) => key !== 'provider')
    assert.ok(options.length >= 19, `ClientOptions keys: ${options}`)
    for (const [key, type] of options) {
      // A value of a JavaScript type the option does not take.
      const wrong = /string|'/.test(type) ? true : 'sk_live_not_a_number_nor_a_boolean'
      const core = coreName(key)
      assert.throws(
        () => new Client({ provider: 'gatekeeper', secret: MOCK_SECRET, [key]: wrong }),
        isError(ConfigurationError, 'configuration', (err) => {
          assert.match(err.message, new RegExp(`^option ${core} `), `${key}: ${err.message}`)
          assert.ok(!err.message.includes('sk_live'), 'a message echoed the value')
        }),
        key,
      )
    }
  })

  test('values go to the core as JavaScript typed them', () => {
    const ok = (extra) => assert.ok(gatekeeper(extra) instanceof Client, inspect(extra))
    ok({ maxRetries: 3, scoreThreshold: 1, timeoutMs: 2500.5, maxAgeSeconds: 0.5 })
    ok({ expectedHostnames: [], caPems: [] })
    ok({ allowHttp: false, failMode: 'open', onFailOpen: 'reject' })
    const bad = [
      { maxRetries: '3' }, // a string is not a count
      { scoreThreshold: '0.5' },
      { allowHttp: 'true' },
      { allowHttp: 1 },
      { timeoutMs: '2500' },
      { timeout: 2500 }, // the core's name, without the Node unit, is not a duration in ms
      { maxAgeMs: 60000 }, // not the unit Node spells this option in
      { timeoutSeconds: 2 },
      { maxRetries: 3n },
      { expectedHostnames: [['example.com']] },
      { failMode: ['open'] }, // no option but a list takes an array
      { secret: [MOCK_SECRET, MOCK_SECRET] },
      { secret: () => 'x' },
      { proxy: Symbol('x') },
      { expected_hostnames: 'example.com' },
    ]
    for (const extra of bad) {
      assert.throws(() => gatekeeper(extra), isError(ConfigurationError, 'configuration'), inspect(extra))
    }
    assert.throws(
      () => gatekeeper({ expectedHostname: 'example.com' }),
      isError(ConfigurationError, 'configuration', (err) => assert.match(err.message, /unknown option "expectedHostname"/)),
    )
  })

  test('bad client options are ConfigurationErrors', () => {
    const base = { provider: 'gatekeeper', secret: MOCK_SECRET }
    const bad = [
      undefined,
      null,
      'gatekeeper',
      [],
      {},
      { secret: MOCK_SECRET },
      { ...base, provider: 'recaptcha' },
      { provider: 'gatekeeper' },
      { ...base, secret: '' },
      { ...base, secret: 12345 },
      { ...base, expectedHostname: 'example.com' }, // a typo must not silently disable the check
      { ...base, timeoutMs: 'x' },
      { ...base, timeoutMs: -1 },
      { ...base, timeoutMs: Number.NaN },
      { ...base, timeoutMs: Infinity },
      { ...base, timeoutMs: 0 },
      { ...base, maxRetries: 1.5 },
      { ...base, maxRetries: 11 },
      { ...base, scoreThreshold: 2 },
      { ...base, failMode: 'sometimes' },
      { ...base, onFailOpen: true },
      { ...base, expectedHostnames: ['example.com', 7] },
      { ...base, expectedHostnames: { host: 'example.com' } },
      { ...base, endpoint: 'http://verify.example.com/x' },
      { ...base, endpoint: 'not a url' },
      { ...base, caPems: 'not a pem' },
      { ...base, caFiles: '/nonexistent/ca.pem' },
      { ...base, proxy: '::not a url::' },
      { provider: 'prosopo', secret: MOCK_SECRET, expectedHostnames: 'example.com' },
    ]
    for (const options of bad) {
      assert.throws(() => new Client(options), isError(ConfigurationError, 'configuration'), inspect(options))
    }
  })

  test('null and undefined options mean "default"', () => {
    const client = new Client({ provider: 'gatekeeper', secret: MOCK_SECRET, endpoint: undefined, region: null, timeoutMs: null })
    assert.equal(client.endpoint, 'https://gkcaptcha.gatekeeper.sa/api/v1/token/verify')
    assert.equal(client.provider, 'gatekeeper')
    assert.equal(new Client({ provider: 'Procaptcha', secret: 's', region: 'eu' }).endpoint, 'https://eu-api.prosopo.io/siteverify')
  })

  test('bad verify arguments are InvalidArgumentErrors (rejected, never thrown)', async () => {
    const client = prosopo()
    const bad = [
      [undefined],
      [null],
      [42],
      [{ token: 'pass' }],
      ['pass', 'remote-ip'],
      ['pass', { remoteIp: 'not an ip' }],
      ['pass', { remoteIp: 7 }],
      ['pass', { email: 'alice@' }],
      ['pass', { remote_ip: '203.0.113.7' }],
    ]
    for (const args of bad) {
      let promise
      assert.doesNotThrow(() => {
        promise = client.verify(...args)
      })
      await assert.rejects(promise, isError(InvalidArgumentError, 'invalid-argument'), inspect(args))
      assert.throws(() => client.verifySync(...args), isError(InvalidArgumentError, 'invalid-argument'), inspect(args))
    }
    // Core-side argument errors are counted; binding-side type errors never reach the core.
    assert.equal(client.stats().errors, 4)
  })

  test('a bad token is an outcome, not an error', async () => {
    const client = gatekeeper()
    for (const token of ['', ' pass', 'x'.repeat(200000), 'fail']) {
      const outcome = await client.verify(token)
      assert.equal(outcome.accepted, false)
      assert.equal(outcome.reason, 'token-invalid')
    }
  })

  test('provider refusal and outages are outcomes, decided by failMode', async () => {
    const wrongSecret = new Client({ provider: 'gatekeeper', secret: 'sk_live_wrong', endpoint: mock.endpoint('gatekeeper') })
    const refused = await wrongSecret.verify('pass')
    assert.equal(refused.reason, 'provider-rejected-request')
    assert.equal(refused.accepted, false)
    const closed = gatekeeper({ maxRetries: 0 })
    const down = await closed.verify('status:code=503')
    assert.deepEqual([down.reason, down.accepted, down.conclusive, down.retryable], ['provider-unavailable', false, false, true])
    // failMode: 'open' accepts only a confirmed outage: see safety.test.js.
  })
})

describe('the secret stays secret', () => {
  const SECRET = 'sk_live_TOPSECRET_0123456789'

  test('not in inspect, JSON or the keys of a client', () => {
    const client = new Client({ provider: 'gatekeeper', secret: SECRET, endpoint: mock.endpoint('gatekeeper') })
    for (const shown of [
      inspect(client),
      inspect(client, { showHidden: true, depth: Infinity }),
      JSON.stringify(client),
      String(client),
      `${Object.getOwnPropertyNames(client)}`,
      `${Reflect.ownKeys(client).map(String)}`,
    ]) {
      assert.ok(!shown.includes('TOPSECRET'), shown)
    }
    assert.match(inspect(client), /^Client \{[\s\S]*provider: 'gatekeeper'/)
  })

  test('not in an outcome or an error', async () => {
    const client = new Client({ provider: 'prosopo', secret: SECRET, endpoint: mock.endpoint('prosopo') })
    const outcome = await client.verify('pass')
    // Prosopo's answer to a wrong secret (API.INVALID_SITE_KEY) is one a foreign token can cause too.
    assert.equal(outcome.reason, 'token-invalid')
    assert.equal(outcome.errorKey, 'API.INVALID_SITE_KEY')
    assert.ok(!JSON.stringify(outcome).includes('TOPSECRET'))
    const errors = []
    for (const options of [
      { provider: 'prosopo', secret: `${SECRET}\n` },
      { provider: 'prosopo', secret: SECRET, region: 'mars' },
      { provider: 'prosopo', secret: SECRET, endpoint: `https://${SECRET}@example.com/x` },
      { provider: 'prosopo', secret: SECRET, endpoint: 'ftp://example.com/x' },
      { provider: 'prosopo', secret: SECRET, timeoutMs: SECRET },
      { provider: 'prosopo', secret: SECRET, caPems: SECRET },
    ]) {
      try {
        new Client(options)
      } catch (err) {
        errors.push(err)
      }
    }
    assert.equal(errors.length, 6)
    for (const err of errors) {
      assert.ok(err instanceof ConfigurationError)
      assert.ok(!`${err.message}\n${err.stack}`.toLowerCase().includes('topsecret'), err.message)
    }
  })
})

describe('outcome', () => {
  test('every core field, camelCased, always present', async () => {
    const fields = coreOutcomeFields()
    assert.equal(fields.length, 17)
    const outcome = await gatekeeper().verify('pass:score=0.25:hostname=example.com:action=signup')
    assert.deepEqual(Object.keys(outcome), fields.map(camel))
    assert.deepEqual(
      { ...outcome, challengeTs: typeof outcome.challengeTs, timestamp: typeof outcome.timestamp },
      {
        accepted: true,
        verified: true,
        conclusive: true,
        reason: 'verified',
        score: 0.25,
        hostname: 'example.com',
        action: 'signup',
        challengeTs: 'string',
        timestamp: 'string',
        errorKey: null,
        errorCodes: [],
        providerReason: null,
        httpStatus: 200,
        retryable: false,
        attempts: 1,
        failOpenSuspected: false,
        detail: null,
      },
    )
    // The declared interface has the same fields.
    const block = DTS.slice(DTS.indexOf('export interface Outcome {'))
    const declared = [...block.slice(0, block.indexOf('\n}')).matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1])
    assert.deepEqual(declared, fields.map(camel))
  })

  test('a locally rejected token: no request, null provider fields', () => {
    const outcome = gatekeeper().verifySync('')
    assert.deepEqual(
      [outcome.reason, outcome.attempts, outcome.httpStatus, outcome.score, outcome.conclusive],
      ['token-invalid', 0, null, null, true],
    )
    assert.equal(typeof outcome.detail, 'string')
  })

  test('reasonCodes() is the core list, and index.d.ts declares exactly it', () => {
    const codes = siteverify.reasonCodes()
    assert.equal(codes.length, 14)
    assert.ok(codes.includes('tls-failure'))
    const union = DTS.match(/export type Reason = ([^\n]+)/)[1]
    assert.deepEqual(
      [...union.matchAll(/'([a-z-]+)'/g)].map((m) => m[1]),
      codes,
    )
  })

  test('async and sync give the same verdict', async () => {
    const client = gatekeeper({ scoreThreshold: 0.5 })
    for (const token of ['pass:score=0.9', 'pass:score=0.1', 'fail', 'expired', 'fail-open']) {
      const a = await client.verify(token)
      const s = client.verifySync(token)
      assert.deepEqual([a.reason, a.accepted, a.verified, a.conclusive], [s.reason, s.accepted, s.verified, s.conclusive], token)
    }
  })
})

describe('stats', () => {
  test('counts verifications, reasons and provider error keys', async () => {
    const client = prosopo({ scoreThreshold: 0.5 })
    await client.verify('pass:score=0.1')
    await client.verify('pass:score=0.9')
    await client.verify('expired')
    await client.verify('pass', { remoteIp: 'bad' }).catch(() => {})
    const stats = client.stats()
    assert.equal(stats.verifications, 3)
    assert.equal(stats.accepted, 1)
    assert.equal(stats.notAccepted, 2)
    assert.equal(stats.rejected, stats.notAccepted, 'the deprecated alias')
    assert.equal(stats.errors, 1)
    assert.deepEqual(stats.byReason, { verified: 1, 'score-above-threshold': 1, 'token-expired-or-duplicate': 1 })
    assert.deepEqual(stats.byErrorKey, { 'API.USER_NOT_VERIFIED_TIME_EXPIRED': 1 })
  })
})

describe('module', () => {
  test('exports', () => {
    assert.deepEqual(Object.keys(siteverify).sort(), [
      'AbortError',
      'Client',
      'ConfigurationError',
      'InvalidArgumentError',
      'SiteverifyError',
      'coreVersion',
      'reasonCodes',
    ])
    assert.match(siteverify.coreVersion(), /^\d+\.\d+\.\d+/)
  })

  test('the JS Client wraps every method the addon declares', () => {
    const body = DTS.slice(DTS.indexOf('export declare class Client {'))
    const declared = [...body.slice(0, body.indexOf('\n}')).matchAll(/^ {2}(?:get )?(\w+)\(/gm)].map((m) => m[1])
    for (const name of declared.filter((n) => n !== 'constructor')) {
      assert.ok(name in Client.prototype, `Client.${name} is not wrapped`)
    }
  })
})
