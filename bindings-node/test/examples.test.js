'use strict'

// The README's examples run, and say what the README says they do.

const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { after, before, describe, test } = require('node:test')

const { MOCK_SECRET, coreOutcomeFields, startMock } = require('./helpers')

const ROOT = path.join(__dirname, '..')
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')

let mock
before(async () => {
  mock = await startMock()
})
after(() => mock.stop())

test('README shows the example files verbatim', () => {
  for (const file of ['examples/express.js', 'examples/verify.ts', 'examples/signup.test.js']) {
    const code = fs.readFileSync(path.join(ROOT, file), 'utf8')
    assert.ok(README.includes(code), `README.md does not contain ${file} verbatim`)
  }
})

describe('the Express example', () => {
  let server
  let base

  before(async () => {
    process.env.GKCAPTCHA_SECRET_KEY = MOCK_SECRET
    process.env.GKCAPTCHA_VERIFY_URL = mock.endpoint('gatekeeper')
    const app = require('../examples/express.js')
    server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    base = `http://127.0.0.1:${server.address().port}`
  })
  after(() => server && server.close())

  async function submit(body, type = 'json') {
    const res = await fetch(`${base}/submit-form`, {
      method: 'POST',
      headers: { 'content-type': type === 'json' ? 'application/json' : 'application/x-www-form-urlencoded' },
      body: type === 'json' ? JSON.stringify(body) : new URLSearchParams(body).toString(),
    })
    return [res.status, await res.json()]
  }

  test('a human on the right site gets through', async () => {
    assert.deepEqual(await submit({ captchaToken: 'pass:hostname=example.com', name: 'Ada' }), [200, { success: true, fields: 1 }])
    assert.deepEqual(await submit({ captchaToken: 'pass:hostname=www.example.com' }, 'form'), [200, { success: true, fields: 0 }])
  })

  test('a token solved on another site is refused (hostname check)', async () => {
    assert.deepEqual(await submit({ captchaToken: 'pass:hostname=evil.example.net' }), [403, { error: 'hostname-mismatch' }])
  })

  test('a bad or missing token is refused', async () => {
    assert.deepEqual(await submit({ captchaToken: 'fail' }), [403, { error: 'token-invalid' }])
    assert.deepEqual(await submit({ name: 'no token' }), [403, { error: 'token-invalid' }])
    assert.deepEqual(await submit({ captchaToken: ['pass', 'pass'] }), [403, { error: 'token-invalid' }])
  })

  test('provider down: fail closed, 503', async () => {
    assert.deepEqual(await submit({ captchaToken: 'status:code=503' }), [503, { error: 'provider-unavailable' }])
  })
})

test('make demo prints one line of JSON with the core field names', () => {
  const out = execFileSync(process.execPath, [path.join(ROOT, 'examples', 'demo.js')], {
    env: { ...process.env, SITEVERIFY_DEMO_URL: mock.url },
    encoding: 'utf8',
  })
  const lines = out.split('\n').filter(Boolean)
  assert.equal(lines.length, 1, out)
  const outcome = JSON.parse(lines[0])
  assert.deepEqual(Object.keys(outcome), coreOutcomeFields())
  assert.equal(outcome.accepted, true)
  assert.equal(outcome.reason, 'verified')
  assert.equal(outcome.score, 0.2)
  assert.equal(outcome.hostname, 'example.com')
})
