// Your application's test: the signup form of express-middleware.js, with
// siteverify's mock provider in place of Prosopo. Run with `node --test`.
const assert = require('node:assert/strict')
const { once } = require('node:events')
const { after, before, test } = require('node:test')
const { MockProvider } = require('siteverify/testing')

/** @type {MockProvider} */
let mock
/** @type {import('node:http').Server} */
let server
let base = ''

before(async () => {
  mock = await MockProvider.start()
  // The app reads its configuration from the environment: point it at the mock.
  process.env.PROSOPO_SECRET_KEY = mock.secret
  process.env.PROSOPO_VERIFY_URL = mock.endpoint('prosopo')
  const app = require('./express-middleware.js')
  server = app.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address())
  base = `http://127.0.0.1:${port}`
})

after(async () => {
  server.close()
  await mock.close()
})

/**
 * Submits the signup form the way the browser does; resolves [status, JSON body].
 * @param {Record<string, string>} fields
 */
async function signup(fields) {
  const res = await fetch(`${base}/signup`, { method: 'POST', body: new URLSearchParams(fields) })
  return [res.status, await res.json()]
}

test('a solved captcha signs up', async () => {
  const [status, body] = await signup({ name: 'Ada', 'procaptcha-response': 'pass' })
  assert.equal(status, 200)
  assert.deepEqual(body, { welcome: 'Ada', reason: 'verified' })
})

test('a failed or missing captcha is refused: 403', async () => {
  assert.deepEqual(await signup({ name: 'Bot', 'procaptcha-response': 'fail' }), [403, { error: 'token-invalid' }])
  assert.deepEqual(await signup({ name: 'Bot' }), [403, { error: 'token-invalid' }])
})

test('a reused captcha is refused: 403', async () => {
  // `:once`: the mock answers "already used" the second time, as the provider does.
  assert.equal((await signup({ name: 'Ada', 'procaptcha-response': 'pass:once' }))[0], 200)
  assert.deepEqual(await signup({ name: 'Eve', 'procaptcha-response': 'pass:once' }), [403, { error: 'token-expired-or-duplicate' }])
})

test('the provider is down: 503, and nobody signs up unverified', async () => {
  assert.deepEqual(await signup({ name: 'Ada', 'procaptcha-response': 'status:code=503' }), [503, { error: 'provider-unavailable' }])
})
