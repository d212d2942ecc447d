'use strict'

// Security issue 11 in Node: tokens that are not valid UTF-16 never leave the
// machine, a panic in the core settles a verification exactly once, and the
// outage-aware open mode and its counters come through as the core decides.

const assert = require('node:assert/strict')
const { after, afterEach, before, describe, test } = require('node:test')
const { inspect } = require('node:util')

const { AbortError, Client, SiteverifyError } = require('siteverify')
// Testing-only hooks of the addon: not exported by the package.
const native = require('../binding.js')
const { MOCK_SECRET, startMock } = require('./helpers')

let mock
before(async () => {
  mock = await startMock()
})
after(() => mock.stop())

// Anything settled twice, or rejected with nobody listening, shows up here.
const stray = []
const onStray = (err) => stray.push(err)
before(() => {
  process.on('unhandledRejection', onStray)
  process.on('uncaughtException', onStray)
})
after(() => {
  process.off('unhandledRejection', onStray)
  process.off('uncaughtException', onStray)
})
afterEach(async () => {
  await new Promise((resolve) => setTimeout(resolve, 20))
  assert.deepEqual(stray, [], `stray settlements: ${inspect(stray)}`)
})

let seq = 0
const uniq = (prefix) => `${prefix}-${process.pid}-${seq++}`

function gatekeeper(extra = {}, server = mock) {
  return new Client({ provider: 'gatekeeper', secret: MOCK_SECRET, endpoint: server.endpoint('gatekeeper'), ...extra })
}

function prosopo(extra = {}, server = mock) {
  return new Client({ provider: 'prosopo', secret: MOCK_SECRET, endpoint: server.endpoint('prosopo'), ...extra })
}

/** Requests the mock has served so far, this stats request included. */
async function mockRequests(server = mock) {
  const res = await fetch(`${server.url}/__mock/stats`)
  return (await res.json()).requests
}

/** Requests the mock served since `mark` (a `mockRequests()`), the stats requests not counted. */
async function sentSince(mark, server = mock) {
  return (await mockRequests(server)) - mark - 1
}

describe('tokens that are not well-formed UTF-16', () => {
  const LONE = ['ab\udcffcd', '\ud800', 'pass\udbff', '\udc00\ud800', `pass:id=${'\ud83d'}`]

  function assertInvalid(outcome, token) {
    assert.deepEqual(
      [outcome.reason, outcome.accepted, outcome.verified, outcome.conclusive, outcome.attempts, outcome.httpStatus],
      ['token-invalid', false, false, true, 0, null],
      inspect(token),
    )
    assert.equal(typeof outcome.detail, 'string')
  }

  for (const [name, make] of [
    ['gatekeeper', gatekeeper],
    ['prosopo', prosopo],
  ]) {
    test(`${name}: an invalid-token outcome from verify and verifySync, nothing sent`, async () => {
      for (const failMode of ['closed', 'open']) {
        const client = make({ failMode })
        const before = await mockRequests()
        for (const token of LONE) {
          assertInvalid(await client.verify(token), token)
          assertInvalid(client.verifySync(token), token)
          assertInvalid(await client.verify(token, { signal: new AbortController().signal }), token)
        }
        assert.equal(await sentSince(before), 0, 'a request reached the provider')
        const stats = client.stats()
        assert.equal(stats.verifications, LONE.length * 3)
        assert.equal(stats.errors, 0)
        assert.deepEqual(stats.byReason, { 'token-invalid': LONE.length * 3 })
      }
    })
  }

  test('argument errors still win over the token', async () => {
    const client = prosopo()
    await assert.rejects(client.verify('\ud800', { remoteIp: 'nope' }), (err) => err.code === 'invalid-argument')
    assert.throws(() => client.verifySync('\ud800', { remoteIp: 'nope' }), (err) => err.code === 'invalid-argument')
  })

  test('well-formed surrogate pairs are sent as they are', async () => {
    const client = gatekeeper()
    const token = `pass:id=${uniq('😀')}-😀`
    const before = await mockRequests()
    const a = await client.verify(token)
    const s = client.verifySync(`${token}-sync`)
    for (const o of [a, s]) assert.deepEqual([o.reason, o.accepted, o.attempts], ['verified', true, 1])
    assert.equal(await sentSince(before), 2)
  })
})

describe('a panic inside the verification', () => {
  const PANIC = native._testingPanicToken()
  afterEach(() => native._testingArmInjectedPanic(false))

  const isInternal = (err) => {
    assert.ok(err instanceof SiteverifyError, `not a SiteverifyError: ${inspect(err)}`)
    assert.equal(err.code, 'internal')
    assert.ok(!(err instanceof AbortError))
    assert.ok(!err.message.includes(MOCK_SECRET))
    return true
  }

  test('is not public API', () => {
    const siteverify = require('siteverify')
    for (const name of Object.keys(native).filter((n) => n.startsWith('_testing'))) {
      assert.ok(!(name in siteverify), name)
    }
    assert.equal(typeof native._testingArmInjectedPanic, 'function')
  })

  test('verify rejects exactly once with an internal error; the client still verifies', async () => {
    const client = gatekeeper()
    native._testingArmInjectedPanic(true)
    let settled = 0
    const pending = client.verify(PANIC)
    pending.then(
      () => settled++,
      () => settled++,
    )
    await assert.rejects(pending, isInternal)
    assert.equal(client.stats().errors, 1)
    // Many at once, with and without a signal: each settles once, none hangs.
    const controller = new AbortController()
    const many = Array.from({ length: 50 }, (_, i) => client.verify(PANIC, i % 2 ? { signal: controller.signal } : undefined))
    const results = await Promise.allSettled(many)
    for (const r of results) {
      assert.equal(r.status, 'rejected')
      isInternal(r.reason)
    }
    controller.abort() // after every settlement: changes nothing
    assert.equal(settled, 1)
    assert.equal(client.stats().errors, 51)
    assert.equal(client.stats().verifications, 0)

    native._testingArmInjectedPanic(false)
    assert.equal((await client.verify('pass')).reason, 'verified')
    // Disarmed, the panic token is an ordinary (unknown) token.
    assert.equal((await client.verify(PANIC)).reason, 'token-invalid')
    assert.equal(settled, 1)
  })

  test('verifySync throws the internal error; the client still verifies', () => {
    const client = prosopo()
    native._testingArmInjectedPanic(true)
    assert.throws(() => client.verifySync(PANIC), isInternal)
    assert.throws(() => client.verifySync(PANIC), isInternal)
    assert.equal(client.stats().errors, 2)
    native._testingArmInjectedPanic(false)
    assert.equal(client.verifySync('pass').reason, 'verified')
  })

  test('only the panic token panics while armed', async () => {
    const client = gatekeeper()
    native._testingArmInjectedPanic(true)
    const [bad, good] = await Promise.allSettled([client.verify(PANIC), client.verify('pass')])
    assert.equal(bad.status, 'rejected')
    isInternal(bad.reason)
    assert.equal(good.status, 'fulfilled')
    assert.equal(good.value.reason, 'verified')
  })
})

describe('AbortSignal after the outcome', () => {
  test('aborting after completion settles nothing a second time', async () => {
    const client = gatekeeper()
    const controller = new AbortController()
    const settlements = []
    const pending = client.verify('pass', { signal: controller.signal })
    pending.then(
      (o) => settlements.push(['resolved', o.reason]),
      (e) => settlements.push(['rejected', e.code]),
    )
    const outcome = await pending
    controller.abort()
    controller.signal.dispatchEvent(new Event('abort')) // a second 'abort' event, for good measure
    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.equal(outcome.reason, 'verified')
    assert.deepEqual(settlements, [['resolved', 'verified']])
    assert.deepEqual([client.stats().verifications, client.stats().errors], [1, 0])
  })

  test('an abort racing the completion settles exactly once, either way', async () => {
    const client = gatekeeper()
    for (let i = 0; i < 50; i++) {
      const controller = new AbortController()
      let settled = 0
      const pending = client.verify('pass', { signal: controller.signal })
      const done = pending.then(
        (o) => {
          settled++
          assert.equal(o.reason, 'verified')
        },
        (e) => {
          settled++
          assert.ok(e instanceof AbortError, inspect(e))
        },
      )
      setImmediate(() => controller.abort())
      await done
      await new Promise((resolve) => setTimeout(resolve, 2))
      assert.equal(settled, 1)
    }
  })
})

describe('fail modes (the core decides; the binding passes through)', () => {
  test('open: a 503 while the provider answers other tokens is not accepted', async () => {
    const client = gatekeeper({ failMode: 'open', maxRetries: 0 })
    const o = await client.verify('status:code=503')
    assert.deepEqual([o.reason, o.accepted, o.conclusive, o.retryable], ['provider-unavailable', false, false, true])
    assert.match(o.detail, /not accepted by fail_mode=open/)
    const s = client.stats()
    assert.deepEqual(
      [s.outageAccepted, s.outageRefused, s.outageProbes, s.providerHealth],
      [0, 1, 1, 'up'],
    )
  })

  test('open: a provider-wide outage is accepted, flagged inconclusive', async () => {
    const own = await startMock() // the outage scenario hits every request: never on the shared mock
    try {
      const client = gatekeeper({ failMode: 'open', maxRetries: 0 }, own)
      assert.equal(client.stats().providerHealth, 'unknown')
      const o = await client.verify('outage:ms=5000')
      assert.deepEqual([o.reason, o.accepted, o.conclusive], ['provider-unavailable', true, false])
      assert.match(o.detail, /accepted by fail_mode=open/)
      const s = client.stats()
      assert.deepEqual(
        [s.outageAccepted, s.outageRefused, s.outageProbes, s.providerHealth],
        [1, 0, 1, 'down'],
      )
      const closed = gatekeeper({ maxRetries: 0 }, own)
      const c = await closed.verify('pass')
      assert.deepEqual([c.reason, c.accepted, c.conclusive], ['provider-unavailable', false, false])
    } finally {
      own.stop()
    }
  })

  test('open: an unreachable provider is accepted without a probe', async () => {
    const gone = await startMock()
    const endpoint = gone.endpoint('prosopo')
    gone.stop()
    await new Promise((resolve) => setTimeout(resolve, 100))
    const client = new Client({ provider: 'prosopo', secret: MOCK_SECRET, endpoint, failMode: 'open', maxRetries: 0 })
    const o = await client.verify('pass')
    assert.deepEqual([o.reason, o.accepted, o.conclusive, o.attempts], ['provider-unavailable', true, false, 1])
    const s = client.stats()
    assert.deepEqual([s.outageAccepted, s.outageRefused, s.outageProbes], [1, 0, 0])
  })

  test('onFailOpen follows failMode unless set', async () => {
    const cases = [
      [{}, false],
      [{ failMode: 'closed' }, false],
      [{ failMode: 'open' }, true],
      [{ failMode: 'closed', onFailOpen: 'accept' }, true],
      [{ failMode: 'open', onFailOpen: 'reject' }, false],
      [{ onFailOpen: null }, false],
    ]
    for (const [options, accepted] of cases) {
      const o = await prosopo(options).verify('fail-open')
      assert.deepEqual([o.reason, o.accepted, o.failOpenSuspected], ['provider-fail-open', accepted, true], inspect(options))
    }
  })

  test('stats: every field, typed', () => {
    const s = gatekeeper().stats()
    assert.deepEqual(Object.keys(s).sort(), [
      'accepted',
      'byErrorKey',
      'byReason',
      'errors',
      'failOpenSuspected',
      'inconclusive',
      'notAccepted',
      'outageAccepted',
      'outageProbes',
      'outageRefused',
      'providerHealth',
      'rejected',
      'retries',
      'verifications',
    ])
    assert.equal(s.providerHealth, 'unknown')
    assert.deepEqual([s.outageAccepted, s.outageRefused, s.outageProbes], [0, 0, 0])
  })
})
