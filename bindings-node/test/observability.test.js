'use strict'

// Issue 18: the latency histograms and byAttempts in Stats, and the
// `siteverify:verification` diagnostics channel.

const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const { createHash } = require('node:crypto')
const diagnosticsChannel = require('node:diagnostics_channel')
const path = require('node:path')
const { after, before, describe, test } = require('node:test')

const { Client } = require('siteverify')
const { MockProvider } = require('siteverify/testing')

const CHANNEL = 'siteverify:verification'
const SECRET = 'observability-secret-3f9a1c'
const fingerprint = (token) => createHash('sha256').update(token).digest('hex').slice(0, 8)

let mock
before(async () => {
  mock = await MockProvider.start({ secret: SECRET })
})
after(() => mock.close())

/** Subscribes until test `t` ends; returns the events seen. */
function listen(t) {
  const events = []
  const onMessage = (event) => events.push(event)
  diagnosticsChannel.subscribe(CHANNEL, onMessage)
  t.after(() => diagnosticsChannel.unsubscribe(CHANNEL, onMessage))
  return events
}

describe('stats', () => {
  test('histograms: cumulative buckets ending in Infinity, one observation per verification', async () => {
    const client = mock.client('gatekeeper', { retryBaseDelayMs: 1 })
    for (const token of ['pass', 'fail', 'flaky:fails=1']) await client.verify(token)
    await client.verify('') // rejected locally: no request
    const s = client.stats()
    assert.equal(s.verifications, 4)
    for (const h of [s.verificationSeconds, s.roundTripSeconds]) {
      assert.equal(h.buckets.length, 14)
      assert.equal(h.buckets.at(-1)[0], Infinity)
      assert.equal(h.buckets.at(-1)[1], h.count)
      for (let i = 1; i < h.buckets.length; i++) {
        assert.ok(h.buckets[i][0] > h.buckets[i - 1][0])
        assert.ok(h.buckets[i][1] >= h.buckets[i - 1][1])
      }
      assert.ok(h.sumSeconds >= 0 && h.sumSeconds < 10)
    }
    assert.deepEqual(
      s.verificationSeconds.buckets.slice(0, -1).map(([le]) => le),
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    )
    assert.equal(s.verificationSeconds.count, 4)
    // Every HTTP attempt that got an answer: pass, fail, the 503 and the retry.
    assert.equal(s.roundTripSeconds.count, 4)
    assert.deepEqual(s.byAttempts, { 0: 1, 1: 2, 2: 1 })
  })
})

describe('diagnostics_channel', () => {
  test('one event per verification: the outcome, provider, latency and fingerprint', async (t) => {
    const events = listen(t)
    const client = mock.client('gatekeeper')
    const token = 'pass:score=0.3'
    const outcome = await client.verify(token)
    assert.equal(events.length, 1)
    const [event] = events
    assert.deepEqual(Object.keys(event), [...Object.keys(outcome), 'provider', 'latencyMs', 'tokenFingerprint', 'level'])
    for (const [k, v] of Object.entries(outcome)) assert.deepEqual(event[k], v, k)
    assert.equal(event.provider, 'gatekeeper')
    assert.equal(typeof event.latencyMs, 'number')
    assert.ok(event.latencyMs > 0 && event.latencyMs < 10_000)
    assert.equal(event.tokenFingerprint, fingerprint(token))
    assert.match(event.tokenFingerprint, /^[0-9a-f]{8}$/)
    assert.equal(event.level, 'debug')
  })

  test("each event's level is the core's, not the verdict alone", async (t) => {
    const events = listen(t)
    const client = mock.client('prosopo', { failMode: 'open', maxRetries: 0 })
    assert.equal((await client.verify('fail')).accepted, false)
    assert.equal((await client.verify('fail-open')).accepted, true)
    assert.deepEqual(
      events.map((e) => [e.reason, e.accepted, e.level]),
      [
        ['token-invalid', false, 'info'],
        ['provider-fail-open', true, 'warn'],
      ],
    )
  })

  test('never the token or the secret', async (t) => {
    const events = listen(t)
    const client = mock.client('prosopo')
    const tokens = ['pass', 'fail', 'expired', 'error:key=API.SOME_KEY', 'status:code=503']
    for (const token of tokens) await client.verify(token, { remoteIp: '192.0.2.1' })
    client.verifySync('pass')
    await mock.client('prosopo', { secret: 'wrong-secret-77e1' }).verify('pass')
    assert.equal(events.length, tokens.length + 2)
    const text = JSON.stringify(events)
    for (const token of tokens.filter((t) => t.includes(':'))) assert.ok(!text.includes(token), token)
    assert.ok(!text.includes(SECRET))
    assert.ok(!text.includes('wrong-secret-77e1'))
    assert.deepEqual(
      events.map((e) => e.tokenFingerprint),
      [...tokens, 'pass', 'pass'].map(fingerprint),
    )
  })

  test('verifySync and a verification with an AbortSignal publish too', async (t) => {
    const events = listen(t)
    const client = mock.client('gatekeeper')
    const sync = client.verifySync('fail')
    const withSignal = await client.verify('pass', { signal: new AbortController().signal })
    assert.deepEqual(
      events.map((e) => [e.reason, e.accepted]),
      [
        [sync.reason, false],
        [withSignal.reason, true],
      ],
    )
  })

  test('the event is frozen: a subscriber cannot change the outcome', async (t) => {
    const events = listen(t)
    const outcome = await mock.client('gatekeeper').verify('fail')
    const [event] = events
    assert.ok(Object.isFrozen(event) && Object.isFrozen(event.errorCodes))
    assert.notEqual(event.errorCodes, outcome.errorCodes)
    assert.deepEqual(outcome.errorCodes, ['invalid-input-response'])
  })

  test('errors publish nothing; nor does a call that started before the subscription', async (t) => {
    const client = mock.client('gatekeeper')
    const early = client.verify('slow:ms=50')
    const events = listen(t)
    await early
    await assert.rejects(client.verify(42))
    assert.throws(() => client.verifySync('pass', { remoteIp: 'not an ip' }))
    assert.equal(events.length, 0)
  })

  test('without subscribers the verification settles with the bare outcome', async () => {
    assert.equal(diagnosticsChannel.channel(CHANNEL).hasSubscribers, false)
    const outcome = await mock.client('gatekeeper').verify('pass')
    assert.ok(!('tokenFingerprint' in outcome) && !('outcome' in outcome))
    assert.equal(outcome.reason, 'verified')
  })

  test('a slow subscriber delays, never changes, the verdict', async (t) => {
    const slow = () => {
      const until = Date.now() + 50
      while (Date.now() < until);
    }
    diagnosticsChannel.subscribe(CHANNEL, slow)
    try {
      const events = listen(t)
      const outcomes = await Promise.all(['pass', 'fail', 'pass'].map((t) => mock.client('gatekeeper').verify(t)))
      assert.deepEqual(
        outcomes.map((o) => o.accepted),
        [true, false, true],
      )
      assert.equal(events.length, 3)
    } finally {
      diagnosticsChannel.unsubscribe(CHANNEL, slow)
    }
  })

  test('a throwing subscriber: the verdict stands, the others still get it, the error is reported as uncaught', () => {
    // In a child process: node:test would count the uncaught exception as this test's failure.
    const script = `
      const diagnosticsChannel = require('node:diagnostics_channel')
      const { MockProvider } = require('siteverify/testing')
      const seen = []
      const uncaught = []
      process.on('uncaughtException', (err) => uncaught.push(err.message))
      diagnosticsChannel.subscribe('${CHANNEL}', () => { throw new Error('subscriber bug') })
      diagnosticsChannel.subscribe('${CHANNEL}', (event) => seen.push(event.reason))
      ;(async () => {
        const mock = await MockProvider.start()
        const client = mock.client('gatekeeper')
        const a = await client.verify('pass')
        const b = client.verifySync('fail')
        await new Promise((resolve) => setImmediate(resolve))
        await mock.close()
        console.log(JSON.stringify({ a: a.reason, b: b.reason, seen, uncaught }))
      })()
    `
    const child = spawnSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..'), encoding: 'utf8' })
    assert.equal(child.status, 0, child.stderr)
    assert.deepEqual(JSON.parse(child.stdout), {
      a: 'verified',
      b: 'token-invalid',
      seen: ['verified', 'token-invalid'],
      uncaught: ['subscriber bug', 'subscriber bug'],
    })
  })
})

test('Client is still the one class: new Client({...}) publishes with its provider', async (t) => {
  const events = listen(t)
  const client = new Client({ provider: 'prosopo', secret: SECRET, endpoint: mock.endpoint('prosopo') })
  await client.verify('pass')
  assert.deepEqual(
    events.map((e) => e.provider),
    ['prosopo'],
  )
})
