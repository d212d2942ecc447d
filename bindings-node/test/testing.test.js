'use strict'

// siteverify/testing: the in-process mock provider.

const assert = require('node:assert/strict')
const { after, before, describe, test } = require('node:test')
const { inspect } = require('node:util')

const { Client, InvalidArgumentError } = require('siteverify')
const { MockProvider, MOCK_SECRET, MOCK_SITE_KEY } = require('siteverify/testing')

describe('MockProvider', () => {
  let mock
  before(async () => {
    mock = await MockProvider.start()
  })
  after(() => mock.close())

  test('serves plain HTTP on loopback with the default secret', () => {
    assert.match(mock.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.equal(mock.secret, MOCK_SECRET)
    assert.equal(MOCK_SITE_KEY, 'mock-site-key')
    assert.equal(mock.caPem, null)
    assert.equal(mock.running, true)
    assert.equal(inspect(mock), `MockProvider { url: '${mock.url}', running: true }`)
  })

  test('endpoint() gives each provider its path; an unknown name throws', () => {
    assert.equal(mock.endpoint('prosopo'), `${mock.url}/siteverify`)
    assert.equal(mock.endpoint('gatekeeper'), `${mock.url}/api/v1/token/verify`)
    assert.throws(() => mock.endpoint('nope'), InvalidArgumentError)
    assert.throws(() => mock.endpoint(42), InvalidArgumentError)
  })

  test('answers by scenario token, and counts the requests', async () => {
    const before = mock.requests
    const client = new Client({ provider: 'gatekeeper', secret: MOCK_SECRET, endpoint: mock.endpoint('gatekeeper') })
    assert.equal((await client.verify('pass')).reason, 'verified')
    assert.equal((await client.verify('expired')).reason, 'token-expired-or-duplicate')
    const down = await mock.client('prosopo', { maxRetries: 0 }).verify('status:code=503')
    assert.deepEqual([down.accepted, down.conclusive, down.reason], [false, false, 'provider-unavailable'])
    assert.equal(mock.requests - before, 3)
    assert.equal(mock.stats().requests, mock.requests)
  })

  test('client() presets endpoint and secret; options override', async () => {
    const client = mock.client('gatekeeper')
    assert.equal(client.endpoint, mock.endpoint('gatekeeper'))
    assert.equal((await client.verify('pass')).accepted, true)
    const wrong = mock.client('gatekeeper', { secret: 'not-the-secret' })
    assert.equal((await wrong.verify('pass')).reason, 'provider-rejected-request')
  })

  test('cannot be constructed directly', () => {
    assert.throws(() => new MockProvider(), /MockProvider\.start/)
  })

  test('checks its options', async () => {
    await assert.rejects(MockProvider.start({ secret: 42 }), InvalidArgumentError)
    await assert.rejects(MockProvider.start({ secret: [] }), InvalidArgumentError)
    await assert.rejects(MockProvider.start({ wrongHostname: true }), InvalidArgumentError)
    await assert.rejects(MockProvider.start({ tls: 'yes' }), InvalidArgumentError)
  })
})

test('secret: only the given secrets are accepted', async () => {
  const mock = await MockProvider.start({ secret: ['s1', 's2'] })
  try {
    assert.equal(mock.secret, 's1')
    assert.equal((await mock.client('prosopo', { secret: 's2' }).verify('pass')).accepted, true)
    assert.equal((await mock.client('gatekeeper', { secret: MOCK_SECRET }).verify('pass')).reason, 'provider-rejected-request')
  } finally {
    await mock.close()
  }
})

test('tls: HTTPS with a generated CA the preset client trusts; a client without it refuses', async () => {
  const mock = await MockProvider.start({ tls: true })
  try {
    assert.match(mock.url, /^https:\/\/127\.0\.0\.1:\d+$/)
    assert.match(mock.caPem, /^-----BEGIN CERTIFICATE-----/)
    assert.equal((await mock.client('gatekeeper').verify('pass')).reason, 'verified')
    const untrusting = new Client({ provider: 'gatekeeper', secret: MOCK_SECRET, endpoint: mock.endpoint('gatekeeper') })
    assert.equal((await untrusting.verify('pass')).reason, 'tls-failure')
    assert.ok(mock.stats().tlsHandshakes >= 1)
  } finally {
    await mock.close()
  }
})

test('wrongHostname: the CA is trusted, the name is not', async () => {
  const mock = await MockProvider.start({ tls: true, wrongHostname: true })
  try {
    assert.equal((await mock.client('prosopo').verify('pass')).reason, 'tls-failure')
  } finally {
    await mock.close()
  }
})

test('close() stops serving, is idempotent, and keeps the last counters', async () => {
  const mock = await MockProvider.start()
  const client = mock.client('prosopo', { maxRetries: 0, timeoutMs: 2000 })
  await client.verify('pass')
  await mock.close()
  await mock.close()
  assert.equal(mock.running, false)
  assert.equal(mock.requests, 1)
  const o = await client.verify('pass')
  assert.deepEqual([o.accepted, o.conclusive, o.reason], [false, false, 'provider-unavailable'])
})

test('Symbol.asyncDispose closes it', { skip: typeof Symbol.asyncDispose !== 'symbol' }, async () => {
  const mock = await MockProvider.start()
  await mock[Symbol.asyncDispose]()
  assert.equal(mock.running, false)
})
