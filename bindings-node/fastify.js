'use strict'

// siteverify/fastify: a Fastify plugin. It decorates the instance with
// `fastify.siteverify`, a preHandler hook that verifies the CAPTCHA token of
// the request body, and every request with `request.siteverify` (the Outcome,
// `null` until the hook ran). Fastify is a peer dependency; nothing of it is
// loaded here.

const { TOKEN_FIELDS, checkOptions, clientIp, statusOf, tokenFrom, verifyOptions } = require('./integration.js')

/**
 * @param {import('fastify').FastifyInstance} fastify
 * @param {import('./fastify').FastifySiteverifyOptions} options
 */
async function fastifySiteverify(fastify, options) {
  const { client, field, trustProxy, onReject } = checkOptions(options, 'siteverify/fastify')

  /** The preHandler: request.siteverify = the Outcome; 403 / 503 unless accepted. */
  async function siteverifyPreHandler(request, reply) {
    if (request.body === undefined && request.isMultipart && request.isMultipart()) {
      const error = new Error(
        'siteverify/fastify: a multipart/form-data body was not parsed: register @fastify/multipart with ' +
          '`attachFieldsToBody: true` (or "keyValues") so the token field is in request.body',
      )
      error.statusCode = 500
      throw error
    }
    const token = tokenFrom(request.body, field)
    const ip = clientIp(trustProxy, request.socket && request.socket.remoteAddress, request.ip, request.headers)
    const outcome = await client.verify(token, verifyOptions(ip))
    request.siteverify = outcome
    if (outcome.accepted) return
    if (onReject) {
      await onReject(request, reply)
      return reply
    }
    return reply.code(statusOf(outcome)).send({ error: outcome.reason })
  }

  fastify.decorate('siteverify', siteverifyPreHandler)
  fastify.decorateRequest('siteverify', null)
}

// What fastify-plugin's fp() sets, without the dependency: the decorators land
// in the scope that registers the plugin (no encapsulation), under a name that
// `fastify.hasPlugin('siteverify')` and other plugins' `dependencies` see.
fastifySiteverify[Symbol.for('skip-override')] = true
fastifySiteverify[Symbol.for('fastify.display-name')] = 'siteverify'
fastifySiteverify[Symbol.for('plugin-meta')] = { name: 'siteverify', fastify: '5.x' }

module.exports = fastifySiteverify
module.exports.fastifySiteverify = fastifySiteverify
module.exports.default = fastifySiteverify
module.exports.TOKEN_FIELDS = TOKEN_FIELDS
