'use strict'

// Fixtures of the framework integration tests (express.test.js,
// fastify.test.js): the mock provider, clients pointed at it, and real HTTP
// requests over TCP loopback or a Unix socket.

const fs = require('node:fs')
const http = require('node:http')
const os = require('node:os')
const path = require('node:path')

const { Client } = require('..')
const { MOCK_SECRET, startMock } = require('./helpers')

/**
 * The mock provider, as `{ endpoint(provider), stop() }`. The one place to
 * change when the tests move to the binding's in-process mock.
 */
async function startProvider() {
  const mock = await startMock()
  return { endpoint: (provider) => mock.endpoint(provider), stop: () => mock.stop() }
}

/** A client of `provider` pointed at the mock; `options` adds client options. */
function mockClient(provider, endpoint, options = {}) {
  return new Client({ provider, secret: MOCK_SECRET, endpoint, timeoutMs: 5000, retryBaseDelayMs: 1, ...options })
}

/** A fresh Unix socket path (removed when the process exits). */
function socketPath(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sv-${name}-`))
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }))
  return path.join(dir, 'http.sock')
}

/**
 * Encodes a request body: `{ json }`, `{ form }` (urlencoded), `{ multipart }`
 * (`[name, value]` pairs, a value a string or `{ filename, content }` for a file), `{ raw, type }`.
 */
async function encode(body) {
  if (body.json !== undefined) return { type: 'application/json', bytes: Buffer.from(JSON.stringify(body.json)) }
  if (body.form !== undefined) {
    return { type: 'application/x-www-form-urlencoded', bytes: Buffer.from(new URLSearchParams(body.form).toString()) }
  }
  if (body.multipart !== undefined) {
    const data = new FormData()
    for (const [name, value] of body.multipart) {
      if (typeof value === 'string') data.append(name, value)
      else data.append(name, new Blob([value.content], { type: 'text/plain' }), value.filename)
    }
    const encoded = new Request('http://encoder.invalid/', { method: 'POST', body: data })
    return { type: encoded.headers.get('content-type'), bytes: Buffer.from(await encoded.arrayBuffer()) }
  }
  return { type: body.type, bytes: Buffer.from(body.raw ?? '') }
}

/**
 * POSTs to `target` (`{ port }` on 127.0.0.1, or `{ socketPath }`) and
 * resolves `{ status, body }`, the body parsed when it is JSON.
 */
async function post(target, urlPath, body = {}, headers = {}) {
  const { type, bytes } = await encode(body)
  const allHeaders = { 'content-length': String(bytes.length), ...headers }
  if (type) allHeaders['content-type'] = type
  return new Promise((resolve, reject) => {
    const req = http.request(
      { ...(target.socketPath ? { socketPath: target.socketPath } : { host: '127.0.0.1', port: target.port }), path: urlPath, method: 'POST', headers: allHeaders },
      (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          const json = /json/.test(res.headers['content-type'] ?? '')
          resolve({ status: res.statusCode, body: json ? JSON.parse(text) : text })
        })
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(bytes)
  })
}

/** Listens on `where` (0: a free TCP port on 127.0.0.1, or a socket path); resolves `{ target, close }`. */
function listen(server, where = 0) {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    const onListening = () => {
      server.removeListener('error', reject)
      const target = typeof where === 'string' ? { socketPath: where } : { port: server.address().port }
      resolve({ target, close: () => new Promise((done) => server.close(() => done())) })
    }
    if (typeof where === 'string') server.listen(where, onListening)
    else server.listen(where, '127.0.0.1', onListening)
  })
}

module.exports = { listen, mockClient, post, socketPath, startProvider }
