'use strict'

// What the framework integrations (siteverify/express, siteverify/fastify)
// share: the token's form field, the client's IP, the options check. No
// verdict is decided here: the core's Outcome (`accepted`, `conclusive`,
// `reason`) is all the integrations read. Internal: not a public entry point.

const net = require('node:net')
const { ConfigurationError } = require('./index.js')

/**
 * The form field each provider's widget posts its token in. A configured
 * `field` overrides it.
 */
const TOKEN_FIELDS = Object.freeze({
  prosopo: 'procaptcha-response',
  gatekeeper: 'captchaToken',
  turnstile: 'cf-turnstile-response',
  hcaptcha: 'h-captcha-response',
  recaptcha: 'g-recaptcha-response',
  'recaptcha-enterprise': 'g-recaptcha-response',
  friendly: 'frc-captcha-response',
  yandex: 'smart-token',
})

/** Checks the options every integration takes; returns `{ client, field, trustProxy, onReject }`. */
function checkOptions(options, where) {
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError(`${where}: options must be an object ({ client, field?, trustProxy? })`)
  }
  const { client, field, trustProxy = false, onReject } = options
  if (client === null || typeof client !== 'object' || typeof client.verify !== 'function') {
    throw new ConfigurationError(`${where}: \`client\` must be a siteverify Client`)
  }
  let name = field
  if (name === undefined || name === null) {
    name = Object.prototype.hasOwnProperty.call(TOKEN_FIELDS, client.provider) ? TOKEN_FIELDS[client.provider] : undefined
    if (name === undefined) {
      throw new ConfigurationError(`${where}: no known form field for provider ${JSON.stringify(client.provider)}: set \`field\``)
    }
  } else if (typeof name !== 'string' || name === '') {
    throw new ConfigurationError(`${where}: \`field\` must be a non-empty string`)
  }
  if (typeof trustProxy !== 'boolean' && !(typeof trustProxy === 'string' && /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(trustProxy))) {
    throw new ConfigurationError(`${where}: \`trustProxy\` must be a boolean or a header name`)
  }
  if (onReject !== undefined && onReject !== null && typeof onReject !== 'function') {
    throw new ConfigurationError(`${where}: \`onReject\` must be a function`)
  }
  return {
    client,
    field: name,
    trustProxy: typeof trustProxy === 'string' ? trustProxy.toLowerCase() : trustProxy,
    onReject: onReject ?? undefined,
  }
}

/**
 * An address as the provider should see it, or `undefined` when it is not an
 * IP address (a Unix socket, a test client's placeholder): then no IP is sent.
 */
function normalizeIp(address) {
  if (typeof address !== 'string') return undefined
  let ip = address.trim()
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1)
  const zone = ip.indexOf('%')
  if (zone !== -1) ip = ip.slice(0, zone) // fe80::1%eth0: the zone means nothing to the provider
  if (/^::ffff:\d{1,3}(\.\d{1,3}){3}$/i.test(ip)) ip = ip.slice(7) // an IPv4 client of a dual-stack socket
  return net.isIP(ip) ? ip : undefined
}

/**
 * The client IP of a request.
 * - `trustProxy: false` (default): the TCP peer, whatever the headers say.
 * - `trustProxy: true`: `frameworkIp`, the framework's own proxy-aware address
 *   (Express's `req.ip` under `app.set('trust proxy', ...)`, Fastify's
 *   `request.ip` under its `trustProxy` server option).
 * - a header name: the last entry of that header (the one the proxy in front
 *   of the app wrote); absent or not an IP, no IP is sent.
 */
function clientIp(trustProxy, peer, frameworkIp, headers) {
  if (trustProxy === false) return normalizeIp(peer)
  if (trustProxy === true) return normalizeIp(frameworkIp)
  let value = headers[trustProxy]
  if (Array.isArray(value)) value = value[value.length - 1]
  if (typeof value !== 'string') return undefined
  const entries = value.split(',')
  return normalizeIp(entries[entries.length - 1])
}

/**
 * The token in a parsed body: a string field of that name, or `''` (no body,
 * no such field, a repeated field, a file): the core then answers
 * `token-invalid`. Fields of @fastify/multipart's `attachFieldsToBody: true`
 * are `{ value }` objects.
 */
function tokenFrom(body, field) {
  if (body === null || typeof body !== 'object' || !Object.prototype.hasOwnProperty.call(body, field)) return ''
  let value = body[field]
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && value.type === 'field') value = value.value
  return typeof value === 'string' ? value : ''
}

/** The per-call options of `client.verify` for this IP. */
function verifyOptions(ip) {
  return ip === undefined ? undefined : { remoteIp: ip }
}

/** The HTTP status of an outcome that was not accepted: 403 rejected, 503 inconclusive. */
function statusOf(outcome) {
  return outcome.conclusive ? 403 : 503
}

module.exports = { TOKEN_FIELDS, checkOptions, clientIp, normalizeIp, statusOf, tokenFrom, verifyOptions }
