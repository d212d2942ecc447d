const Fastify = require('fastify')
const { Client } = require('siteverify')
const fastifySiteverify = require('siteverify/fastify')

const captcha = new Client({
  provider: 'gatekeeper',
  secret: process.env.GKCAPTCHA_SECRET_KEY ?? '', // from the environment, never in code
  endpoint: process.env.GKCAPTCHA_VERIFY_URL, // unset: the provider's own URL
  expectedHostnames: ['example.com'],
})

const app = Fastify()
app.register(require('@fastify/formbody')) // HTML forms; JSON bodies need nothing
app.register(fastifySiteverify, { client: captcha })

// Routes in a plugin registered after it see `app.siteverify`, the preHandler.
// The token is read from `captchaToken`. Rejected: 403 {"error": reason}; provider down: 503.
app.register(async (app) => {
  app.post('/signup', { preHandler: app.siteverify }, async (request) => {
    return { reason: request.siteverify?.reason }
  })
})

module.exports = app
