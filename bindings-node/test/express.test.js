'use strict'

// siteverify/express inside Express 5, over real HTTP, against the mock provider.

const assert = require('node:assert/strict')
const fs = require('node:fs')
const http = require('node:http')
const path = require('node:path')
const { after, before, describe, test } = require('node:test')

const express = require('express')
const multer = require('multer')

const { ConfigurationError } = require('..')
const { MOCK_SECRET } = require('./helpers')
const siteverify = require('siteverify/express')
const { listen, mockClient, post, socketPath, startProvider } = require('./frameworks-helpers')

let provider
before(async () => {
  provider = await startProvider()
})
after(() => provider.stop())

/** The handler behind the middleware: shows what it was given. */
function show(req, res) {
  const { accepted, conclusive, reason, providerReason } = req.siteverify
  res.json({ ok: true, outcome: { accepted, conclusive, reason, providerReason }, body: { ...req.body } })
}

/** An app with `setup(app)` run first, listening on `where`; resolves `{ target, close }`. */
async function serve(setup, where) {
  const app = express()
  setup(app)
  app.use((err, req, res, _next) => res.status(err.status ?? 500).json({ handlerError: err.message }))
  return listen(http.createServer(app), where)
}

describe('with express.json() and express.urlencoded() before it (GateKeeper, captchaToken)', () => {
  let server
  before(async () => {
    const client = mockClient('gatekeeper', provider.endpoint('gatekeeper'))
    server = await serve((app) => {
      app.use(express.json(), express.urlencoded({ extended: false }))
      app.post('/form', siteverify({ client }), show)
    })
  })
  after(() => server.close())

  test('accepted: the handler runs with req.siteverify and the whole body', async () => {
    const res = await post(server.target, '/form', { json: { captchaToken: 'pass', name: 'Ada' } })
    assert.equal(res.status, 200)
    assert.deepEqual(res.body.outcome, { accepted: true, conclusive: true, reason: 'verified', providerReason: null })
    assert.deepEqual(res.body.body, { captchaToken: 'pass', name: 'Ada' })
    const form = await post(server.target, '/form', { form: { captchaToken: 'pass', name: 'Ada' } })
    assert.equal(form.status, 200)
    assert.equal(form.body.body.name, 'Ada')
  })

  test('rejected: 403 with the reason, the handler never runs', async () => {
    assert.deepEqual(await post(server.target, '/form', { json: { captchaToken: 'fail' } }), { status: 403, body: { error: 'token-invalid' } })
    assert.deepEqual(await post(server.target, '/form', { form: { captchaToken: 'expired' } }), {
      status: 403,
      body: { error: 'token-expired-or-duplicate' },
    })
  })

  test('no token, a repeated field, a token that is not a string: the core says token-invalid (403)', async () => {
    for (const body of [{ json: { name: 'x' } }, { form: [['captchaToken', 'pass'], ['captchaToken', 'pass']] }, { json: { captchaToken: 42 } }, { json: ['pass'] }, {}]) {
      assert.deepEqual(await post(server.target, '/form', body), { status: 403, body: { error: 'token-invalid' } }, JSON.stringify(body))
    }
  })

  test('provider down under fail-closed: 503, told apart from a rejection', async () => {
    assert.deepEqual(await post(server.target, '/form', { json: { captchaToken: 'status:code=503' } }), {
      status: 503,
      body: { error: 'provider-unavailable' },
    })
    assert.deepEqual(await post(server.target, '/form', { form: { captchaToken: 'malformed' } }), { status: 503, body: { error: 'protocol-error' } })
  })
})

describe('without a body parser: the middleware parses urlencoded and JSON bodies itself', () => {
  let server
  before(async () => {
    const client = mockClient('prosopo', provider.endpoint('prosopo'))
    server = await serve((app) => {
      // A parser after the middleware finds the body parsed and leaves req.body alone.
      app.post('/form', siteverify({ client }), express.json(), express.urlencoded({ extended: false }), show)
      app.post('/raw', siteverify({ client }), (req, res) => res.json({ type: typeof req.body }))
      // What body-parser 1 (Express 4) leaves after a parser of another type: `{}`, the stream unread.
      const express4Skip = (req, res, next) => {
        req.body = req.body || {}
        next()
      }
      app.post('/after-skip', express4Skip, siteverify({ client }), show)
    })
  })
  after(() => server.close())

  test('Prosopo reads procaptcha-response; req.body is the parsed body for the handler', async () => {
    const json = await post(server.target, '/form', { json: { 'procaptcha-response': 'pass', name: 'Ada' } })
    assert.equal(json.status, 200, JSON.stringify(json.body))
    assert.deepEqual(json.body.body, { 'procaptcha-response': 'pass', name: 'Ada' })
    const form = await post(server.target, '/form', { form: { 'procaptcha-response': 'pass', name: 'Grace' } })
    assert.equal(form.status, 200, JSON.stringify(form.body))
    assert.deepEqual(form.body.body, { 'procaptcha-response': 'pass', name: 'Grace' })
    assert.deepEqual(await post(server.target, '/form', { form: { captchaToken: 'pass' } }), { status: 403, body: { error: 'token-invalid' } })
  })

  test('a parser of another type ran first (Express 4 leaves req.body = {}): the body is still parsed', async () => {
    const form = await post(server.target, '/after-skip', { form: { 'procaptcha-response': 'pass', name: 'Ada' } })
    assert.equal(form.status, 200, JSON.stringify(form.body))
    assert.deepEqual(form.body.body, { 'procaptcha-response': 'pass', name: 'Ada' })
    assert.equal((await post(server.target, '/after-skip', { json: { 'procaptcha-response': 'fail' } })).status, 403)
  })

  test("Express's parser errors go to the error handler (400 bad JSON, 413 too large)", async () => {
    assert.equal((await post(server.target, '/form', { raw: '{"procaptcha-response":', type: 'application/json' })).status, 400)
    const big = { 'procaptcha-response': 'pass', pad: 'x'.repeat(200_000) }
    assert.equal((await post(server.target, '/form', { json: big })).status, 413)
  })

  test('a body of another type carries no token: 403', async () => {
    assert.deepEqual(await post(server.target, '/raw', { raw: 'procaptcha-response=pass', type: 'text/plain' }), { status: 403, body: { error: 'token-invalid' } })
  })

  test('a multipart body nobody parsed is a setup error (500), never a verdict', async () => {
    const res = await post(server.target, '/form', { multipart: [['procaptcha-response', 'pass']] })
    assert.equal(res.status, 500)
    assert.match(res.body.handlerError, /multer/)
  })
})

describe('multipart bodies parsed by multer', () => {
  let server
  before(async () => {
    const client = mockClient('gatekeeper', provider.endpoint('gatekeeper'))
    const upload = multer({ storage: multer.memoryStorage() })
    server = await serve((app) => {
      app.post('/fields', upload.none(), siteverify({ client }), show)
      app.post('/upload', upload.single('file'), siteverify({ client }), (req, res) =>
        res.json({ reason: req.siteverify.reason, file: req.file.buffer.toString(), name: req.body.name }),
      )
    })
  })
  after(() => server.close())

  test('upload.none(): the token field of a multipart form', async () => {
    const ok = await post(server.target, '/fields', { multipart: [['name', 'Ada'], ['captchaToken', 'pass']] })
    assert.equal(ok.status, 200, JSON.stringify(ok.body))
    assert.deepEqual(ok.body.body, { name: 'Ada', captchaToken: 'pass' })
    assert.deepEqual(await post(server.target, '/fields', { multipart: [['captchaToken', 'fail']] }), { status: 403, body: { error: 'token-invalid' } })
    assert.deepEqual(await post(server.target, '/fields', { multipart: [['captchaToken', 'status:code=502']] }), {
      status: 503,
      body: { error: 'provider-unavailable' },
    })
  })

  test('upload.single(): a file and the token, the token after the file', async () => {
    const res = await post(server.target, '/upload', {
      multipart: [['name', 'Ada'], ['file', { filename: 'a.txt', content: 'hello' }], ['captchaToken', 'pass']],
    })
    assert.deepEqual(res, { status: 200, body: { reason: 'verified', file: 'hello', name: 'Ada' } })
  })
})

describe('the client IP', () => {
  const servers = []
  let tcp
  let unix
  before(async () => {
    const client = mockClient('prosopo', provider.endpoint('prosopo'))
    const setup = (app) => {
      app.set('trust proxy', 'loopback')
      app.use(express.json())
      app.post('/peer', siteverify({ client }), show)
      app.post('/app-trust', siteverify({ client, trustProxy: true }), show)
      app.post('/header', siteverify({ client, trustProxy: 'X-Forwarded-For' }), show)
      app.post('/cf', siteverify({ client, trustProxy: 'cf-connecting-ip' }), show)
    }
    tcp = await serve(setup)
    unix = await serve(setup, socketPath('express'))
    servers.push(tcp, unix)
  })
  after(() => Promise.all(servers.map((s) => s.close())))

  // A Prosopo `echo` token comes back as providerReason "ip=<what the provider got> email=...".
  const echo = { json: { 'procaptcha-response': 'echo' } }
  const sentIp = (res) => {
    assert.equal(res.status, 200, JSON.stringify(res.body))
    return /^ip=(\S*)/.exec(res.body.outcome.providerReason)[1]
  }

  test('by default the TCP peer, whatever X-Forwarded-For says', async () => {
    assert.equal(sentIp(await post(tcp.target, '/peer', echo, { 'x-forwarded-for': '198.51.100.1' })), '127.0.0.1')
  })

  test("trustProxy: true uses req.ip, i.e. Express's own 'trust proxy' setting", async () => {
    assert.equal(sentIp(await post(tcp.target, '/app-trust', echo, { 'x-forwarded-for': '203.0.113.9, 198.51.100.1' })), '198.51.100.1')
    assert.equal(sentIp(await post(tcp.target, '/app-trust', echo)), '127.0.0.1')
  })

  test('trustProxy: a header name uses its last entry; absent or not an IP: no IP is sent', async () => {
    assert.equal(sentIp(await post(tcp.target, '/header', echo, { 'x-forwarded-for': '203.0.113.9, 198.51.100.1' })), '198.51.100.1')
    assert.equal(sentIp(await post(tcp.target, '/cf', echo, { 'cf-connecting-ip': '2001:db8::7' })), '2001:db8::7')
    const none = sentIp(await post(tcp.target, '/cf', echo))
    const bogus = sentIp(await post(tcp.target, '/cf', echo, { 'cf-connecting-ip': 'not-an-ip' }))
    assert.equal(bogus, none)
    assert.notEqual(none, '127.0.0.1')
  })

  test('a Unix socket peer is no IP: nothing is sent, never a 500', async () => {
    const res = await post(unix.target, '/peer', echo)
    const none = sentIp(await post(tcp.target, '/cf', echo))
    assert.equal(sentIp(res), none)
    assert.deepEqual((await post(unix.target, '/peer', { json: { 'procaptcha-response': 'pass' } })).body.outcome.reason, 'verified')
    assert.deepEqual(await post(unix.target, '/peer', { json: { 'procaptcha-response': 'fail' } }), { status: 403, body: { error: 'token-invalid' } })
  })
})

describe('options', () => {
  let server
  before(async () => {
    const gatekeeper = mockClient('gatekeeper', provider.endpoint('gatekeeper'))
    const prosopo = mockClient('prosopo', provider.endpoint('prosopo'), { onFailOpen: 'accept' })
    server = await serve((app) => {
      app.use(express.json())
      app.post('/custom', siteverify({ client: gatekeeper, field: 'cf-turnstile-response' }), show)
      app.post(
        '/html',
        siteverify({
          client: gatekeeper,
          onReject: (req, res) => {
            res.status(req.siteverify.conclusive ? 422 : 503).type('html').send(`<p>${req.siteverify.reason}</p>`)
          },
        }),
        show,
      )
      app.post('/failopen', siteverify({ client: prosopo }), show)
      app.post('/throws', siteverify({ client: gatekeeper, onReject: async () => { throw new Error('boom') } }), show)
    })
  })
  after(() => server.close())

  test('field: a configured field name', async () => {
    assert.equal((await post(server.target, '/custom', { json: { 'cf-turnstile-response': 'pass' } })).status, 200)
    assert.equal((await post(server.target, '/custom', { json: { captchaToken: 'pass' } })).status, 403)
  })

  test('onReject answers instead of the JSON 403/503; a rejected promise goes to the error handler', async () => {
    assert.deepEqual(await post(server.target, '/html', { json: { captchaToken: 'fail' } }), { status: 422, body: '<p>token-invalid</p>' })
    assert.deepEqual(await post(server.target, '/html', { json: { captchaToken: 'status:code=503' } }).then((r) => r.status), 503)
    assert.deepEqual(await post(server.target, '/throws', { json: { captchaToken: 'fail' } }), { status: 500, body: { handlerError: 'boom' } })
  })

  test('only accepted decides: an inconclusive outcome the policy accepts reaches the handler', async () => {
    const res = await post(server.target, '/failopen', { json: { 'procaptcha-response': 'fail-open' } })
    assert.equal(res.status, 200)
    assert.deepEqual(res.body.outcome, { accepted: true, conclusive: false, reason: 'provider-fail-open', providerReason: null })
  })

  test('bad options fail when the middleware is built', () => {
    const client = mockClient('gatekeeper', provider.endpoint('gatekeeper'))
    assert.throws(() => siteverify(), ConfigurationError)
    assert.throws(() => siteverify({}), ConfigurationError)
    assert.throws(() => siteverify({ client: {} }), ConfigurationError)
    assert.throws(() => siteverify({ client, field: '' }), ConfigurationError)
    assert.throws(() => siteverify({ client, trustProxy: 'bad header' }), ConfigurationError)
    assert.throws(() => siteverify({ client, onReject: 'no' }), ConfigurationError)
    assert.throws(() => siteverify({ client: { provider: 'other', verify() {} } }), /set `field`/)
    assert.equal(typeof siteverify({ client: { provider: 'other', verify() {} }, field: 'token' }), 'function')
  })

  test('the entry point: require and import, named and default', async () => {
    assert.equal(siteverify.siteverify, siteverify)
    assert.equal(siteverify.TOKEN_FIELDS.turnstile, 'cf-turnstile-response')
    const esm = await import('siteverify/express')
    assert.equal(esm.default, siteverify)
    assert.equal(esm.siteverify, siteverify)
  })
})

describe('the README example (examples/express-middleware.js)', () => {
  let server
  before(async () => {
    process.env.PROSOPO_SECRET_KEY = MOCK_SECRET
    process.env.PROSOPO_VERIFY_URL = provider.endpoint('prosopo')
    server = await listen(http.createServer(require('../examples/express-middleware.js')))
  })
  after(() => server.close())

  test('README shows it verbatim', () => {
    const code = fs.readFileSync(path.join(__dirname, '..', 'examples', 'express-middleware.js'), 'utf8')
    assert.ok(fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8').includes(code.trimEnd()))
  })

  test('it does what the README says', async () => {
    assert.deepEqual(await post(server.target, '/signup', { form: { name: 'Ada', 'procaptcha-response': 'pass' } }), {
      status: 200,
      body: { welcome: 'Ada', reason: 'verified' },
    })
    assert.deepEqual(await post(server.target, '/signup', { json: { name: 'Ada', 'procaptcha-response': 'fail' } }), {
      status: 403,
      body: { error: 'token-invalid' },
    })
    assert.deepEqual(await post(server.target, '/signup', { form: { 'procaptcha-response': 'status:code=503' } }), {
      status: 503,
      body: { error: 'provider-unavailable' },
    })
  })
})
