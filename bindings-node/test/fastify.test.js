'use strict'

// siteverify/fastify inside Fastify 5, over real HTTP, against the mock provider.

const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { after, before, describe, test } = require('node:test')

const Fastify = require('fastify')
const formbody = require('@fastify/formbody')
const multipart = require('@fastify/multipart')

const { ConfigurationError } = require('..')
const { MOCK_SECRET } = require('./helpers')
const fastifySiteverify = require('siteverify/fastify')
const { listen, mockClient, post, socketPath, startProvider } = require('./frameworks-helpers')

let provider
before(async () => {
  provider = await startProvider()
})
after(() => provider.stop())

/** The handler behind the hook: shows what it was given. */
async function show(request) {
  const { accepted, conclusive, reason, providerReason } = request.siteverify
  return { ok: true, outcome: { accepted, conclusive, reason, providerReason } }
}

/** A Fastify app built by `setup(app)` (async), listening on `where`; resolves `{ target, close, app }`. */
async function serve(setup, where, serverOptions = {}) {
  const app = Fastify(serverOptions)
  await setup(app)
  await app.ready()
  const server = await listen(app.server, where)
  return { ...server, app, close: () => app.close() }
}

/** A Prosopo `echo` token comes back as providerReason "ip=<what the provider got> email=...". */
const echo = { json: { 'procaptcha-response': 'echo' } }
function sentIp(res) {
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return /^ip=(\S*)/.exec(res.body.outcome.providerReason)[1]
}

describe('JSON, urlencoded (@fastify/formbody) and multipart (@fastify/multipart) bodies', () => {
  let server
  before(async () => {
    const client = mockClient('gatekeeper', provider.endpoint('gatekeeper'))
    server = await serve(async (app) => {
      await app.register(formbody)
      await app.register(fastifySiteverify, { client })
      app.post('/form', { preHandler: app.siteverify }, async (request) => ({ ...(await show(request)), name: request.body.name }))
      app.get('/open', async (request) => ({ siteverify: request.siteverify }))
      await app.register(async (scope) => {
        await scope.register(multipart, { attachFieldsToBody: true })
        scope.addHook('preHandler', scope.siteverify) // every route of this scope
        scope.post('/multipart', async (request) => ({ ...(await show(request)), name: request.body.name.value }))
      })
      await app.register(async (scope) => {
        await scope.register(multipart, { attachFieldsToBody: 'keyValues' })
        scope.post('/keyvalues', { preHandler: scope.siteverify }, async (request) => ({
          ...(await show(request)),
          file: request.body.file.toString(),
        }))
      })
      await app.register(async (scope) => {
        await scope.register(multipart) // parts left to the handler: the token is out of reach
        scope.post('/streamed', { preHandler: scope.siteverify }, show)
      })
    })
  })
  after(() => server.close())

  test('accepted: the handler runs with request.siteverify', async () => {
    for (const body of [{ json: { captchaToken: 'pass', name: 'Ada' } }, { form: { captchaToken: 'pass', name: 'Ada' } }]) {
      assert.deepEqual(await post(server.target, '/form', body), {
        status: 200,
        body: { ok: true, outcome: { accepted: true, conclusive: true, reason: 'verified', providerReason: null }, name: 'Ada' },
      })
    }
  })

  test('rejected: 403 with the reason; inconclusive under fail-closed: 503', async () => {
    assert.deepEqual(await post(server.target, '/form', { json: { captchaToken: 'fail' } }), { status: 403, body: { error: 'token-invalid' } })
    assert.deepEqual(await post(server.target, '/form', { form: { captchaToken: 'expired' } }), {
      status: 403,
      body: { error: 'token-expired-or-duplicate' },
    })
    assert.deepEqual(await post(server.target, '/form', { json: { captchaToken: 'status:code=503' } }), {
      status: 503,
      body: { error: 'provider-unavailable' },
    })
    assert.deepEqual(await post(server.target, '/form', { form: { captchaToken: 'wrong-shape' } }), { status: 503, body: { error: 'protocol-error' } })
  })

  test('no token, a repeated field, a token that is not a string: the core says token-invalid (403)', async () => {
    for (const body of [{ json: { name: 'x' } }, { form: [['captchaToken', 'pass'], ['captchaToken', 'pass']] }, { json: { captchaToken: ['pass'] } }, { json: 'pass' }]) {
      assert.deepEqual(await post(server.target, '/form', body), { status: 403, body: { error: 'token-invalid' } }, JSON.stringify(body))
    }
  })

  test('multipart with attachFieldsToBody: true, as a scope-wide hook', async () => {
    const ok = await post(server.target, '/multipart', { multipart: [['name', 'Ada'], ['captchaToken', 'pass']] })
    assert.equal(ok.status, 200, JSON.stringify(ok.body))
    assert.equal(ok.body.name, 'Ada')
    assert.deepEqual(await post(server.target, '/multipart', { multipart: [['name', 'Ada'], ['captchaToken', 'fail']] }), {
      status: 403,
      body: { error: 'token-invalid' },
    })
    assert.deepEqual(await post(server.target, '/multipart', { multipart: [['name', 'Ada'], ['captchaToken', 'status:code=500']] }), {
      status: 503,
      body: { error: 'provider-unavailable' },
    })
  })

  test("multipart with attachFieldsToBody: 'keyValues', a file before the token", async () => {
    const res = await post(server.target, '/keyvalues', {
      multipart: [['file', { filename: 'a.txt', content: 'hello' }], ['captchaToken', 'pass']],
    })
    assert.equal(res.status, 200, JSON.stringify(res.body))
    assert.equal(res.body.file, 'hello')
  })

  test('multipart whose parts nobody attached to the body: a setup error (500), never a verdict', async () => {
    const res = await post(server.target, '/streamed', { multipart: [['captchaToken', 'pass']] })
    assert.equal(res.status, 500)
    assert.match(res.body.message, /attachFieldsToBody/)
  })

  test('request.siteverify is null on routes without the hook', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/open' })
    assert.deepEqual(res.json(), { siteverify: null })
  })

  test('the plugin follows fastify-plugin conventions: named, not encapsulated', async () => {
    assert.equal(server.app.hasPlugin('siteverify'), true)
    assert.equal(typeof server.app.siteverify, 'function')
    assert.equal(server.app.hasRequestDecorator('siteverify'), true)
  })
})

describe('the client IP', () => {
  const servers = []
  let tcp
  let unix
  let proxied
  before(async () => {
    const client = mockClient('prosopo', provider.endpoint('prosopo'))
    const setup = async (app) => {
      // One registration per encapsulated scope (a second one in the same scope would redecorate).
      await app.register(async (scope) => {
        await scope.register(fastifySiteverify, { client })
        scope.post('/peer', { preHandler: scope.siteverify }, show)
      })
      await app.register(async (scope) => {
        await scope.register(fastifySiteverify, { client, trustProxy: 'x-forwarded-for' })
        scope.post('/header', { preHandler: scope.siteverify }, show)
      })
      await app.register(async (scope) => {
        await scope.register(fastifySiteverify, { client, trustProxy: true })
        scope.post('/app-trust', { preHandler: scope.siteverify }, show)
      })
    }
    tcp = await serve(setup)
    unix = await serve(setup, socketPath('fastify'))
    proxied = await serve(setup, 0, { trustProxy: '127.0.0.1' })
    servers.push(tcp, unix, proxied)
  })
  after(() => Promise.all(servers.map((s) => s.close())))

  test('by default the TCP peer, whatever X-Forwarded-For says', async () => {
    assert.equal(sentIp(await post(tcp.target, '/peer', echo, { 'x-forwarded-for': '198.51.100.1' })), '127.0.0.1')
    assert.equal(sentIp(await post(proxied.target, '/peer', echo, { 'x-forwarded-for': '198.51.100.1' })), '127.0.0.1')
  })

  test("trustProxy: true uses request.ip, i.e. Fastify's own trustProxy server option", async () => {
    assert.equal(sentIp(await post(proxied.target, '/app-trust', echo, { 'x-forwarded-for': '203.0.113.9, 198.51.100.1' })), '198.51.100.1')
    assert.equal(sentIp(await post(tcp.target, '/app-trust', echo, { 'x-forwarded-for': '198.51.100.1' })), '127.0.0.1')
  })

  test('trustProxy: a header name uses its last entry; absent: no IP is sent', async () => {
    assert.equal(sentIp(await post(tcp.target, '/header', echo, { 'x-forwarded-for': '203.0.113.9, ::ffff:198.51.100.2' })), '198.51.100.2')
    assert.notEqual(sentIp(await post(tcp.target, '/header', echo)), '127.0.0.1')
  })

  test('a Unix socket peer is no IP: nothing is sent, never a 500', async () => {
    const none = sentIp(await post(tcp.target, '/header', echo))
    assert.equal(sentIp(await post(unix.target, '/peer', echo)), none)
    assert.equal((await post(unix.target, '/peer', { json: { 'procaptcha-response': 'pass' } })).status, 200)
    assert.deepEqual(await post(unix.target, '/peer', { json: { 'procaptcha-response': 'fail' } }), { status: 403, body: { error: 'token-invalid' } })
  })
})

describe('options', () => {
  let server
  before(async () => {
    const gatekeeper = mockClient('gatekeeper', provider.endpoint('gatekeeper'))
    const prosopo = mockClient('prosopo', provider.endpoint('prosopo'), { onFailOpen: 'accept' })
    server = await serve(async (app) => {
      await app.register(async (scope) => {
        await scope.register(fastifySiteverify, { client: gatekeeper, field: 'h-captcha-response' })
        scope.post('/custom', { preHandler: scope.siteverify }, show)
      })
      await app.register(async (scope) => {
        await scope.register(fastifySiteverify, {
          client: gatekeeper,
          onReject: async (request, reply) => {
            reply.code(request.siteverify.conclusive ? 422 : 503).type('text/html').send(`<p>${request.siteverify.reason}</p>`)
          },
        })
        scope.post('/html', { preHandler: scope.siteverify }, show)
      })
      await app.register(async (scope) => {
        await scope.register(fastifySiteverify, { client: prosopo })
        scope.post('/failopen', { preHandler: scope.siteverify }, show)
      })
    })
  })
  after(() => server.close())

  test('field: a configured field name', async () => {
    assert.equal((await post(server.target, '/custom', { json: { 'h-captcha-response': 'pass' } })).status, 200)
    assert.equal((await post(server.target, '/custom', { json: { captchaToken: 'pass' } })).status, 403)
  })

  test('onReject answers instead of the JSON 403/503', async () => {
    assert.deepEqual(await post(server.target, '/html', { json: { captchaToken: 'fail' } }), { status: 422, body: '<p>token-invalid</p>' })
    assert.deepEqual(await post(server.target, '/html', { json: { captchaToken: 'status:code=503' } }), { status: 503, body: '<p>provider-unavailable</p>' })
  })

  test('only accepted decides: an inconclusive outcome the policy accepts reaches the handler', async () => {
    const res = await post(server.target, '/failopen', { json: { 'procaptcha-response': 'fail-open' } })
    assert.deepEqual(res, { status: 200, body: { ok: true, outcome: { accepted: true, conclusive: false, reason: 'provider-fail-open', providerReason: null } } })
  })

  test('bad options fail at registration', async () => {
    for (const options of [{}, { client: {} }, { client: mockClient('prosopo', provider.endpoint('prosopo')), trustProxy: 1 }]) {
      const app = Fastify()
      app.register(fastifySiteverify, options)
      await assert.rejects(app.ready(), ConfigurationError)
      await app.close()
    }
  })

  test('the entry point: require and import, named and default', async () => {
    assert.equal(fastifySiteverify.fastifySiteverify, fastifySiteverify)
    assert.equal(fastifySiteverify.default, fastifySiteverify)
    const esm = await import('siteverify/fastify')
    assert.equal(esm.default, fastifySiteverify)
    assert.equal(esm.fastifySiteverify, fastifySiteverify)
    assert.equal(esm.TOKEN_FIELDS.recaptcha, 'g-recaptcha-response')
  })
})

describe('the README example (examples/fastify-plugin.js)', () => {
  let server
  before(async () => {
    process.env.GKCAPTCHA_SECRET_KEY = MOCK_SECRET
    process.env.GKCAPTCHA_VERIFY_URL = provider.endpoint('gatekeeper')
    const app = require('../examples/fastify-plugin.js')
    await app.ready()
    server = { ...(await listen(app.server)), close: () => app.close() }
  })
  after(() => server.close())

  test('README shows it verbatim', () => {
    const code = fs.readFileSync(path.join(__dirname, '..', 'examples', 'fastify-plugin.js'), 'utf8')
    assert.ok(fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8').includes(code.trimEnd()))
  })

  test('it does what the README says', async () => {
    assert.deepEqual(await post(server.target, '/signup', { form: { captchaToken: 'pass:hostname=example.com' } }), {
      status: 200,
      body: { reason: 'verified' },
    })
    assert.deepEqual(await post(server.target, '/signup', { json: { captchaToken: 'pass:hostname=evil.example' } }), {
      status: 403,
      body: { error: 'hostname-mismatch' },
    })
    assert.deepEqual(await post(server.target, '/signup', { form: { captchaToken: 'status:code=503' } }), {
      status: 503,
      body: { error: 'provider-unavailable' },
    })
  })
})
