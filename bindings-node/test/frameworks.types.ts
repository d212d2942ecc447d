// Type-level checks of express.d.ts and fastify.d.ts (compiled by `tsc --strict`, never run).
import express, { type NextFunction, type Request, type Response } from 'express'
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'
import { Client, type Outcome } from 'siteverify'
import siteverify, { TOKEN_FIELDS, type SiteverifyOptions } from 'siteverify/express'
import { siteverify as named } from 'siteverify/express'
import fastifySiteverify, { type FastifySiteverifyOptions } from 'siteverify/fastify'
import { fastifySiteverify as namedPlugin } from 'siteverify/fastify'

const client = new Client({ provider: 'gatekeeper', secret: 'from-the-environment' })

// Express
const app = express()
const options: SiteverifyOptions = { client, field: 'captchaToken', trustProxy: 'x-forwarded-for' }
app.post('/form', siteverify(options), (req: Request, res: Response) => {
  const outcome: Outcome | undefined = req.siteverify
  res.json({ accepted: outcome?.accepted, reason: outcome?.reason })
})
app.post(
  '/html',
  named({
    client,
    trustProxy: true,
    onReject: (req: Request, res: Response, _next: NextFunction) => {
      res.status(req.siteverify?.conclusive ? 422 : 503).send(req.siteverify?.reason)
    },
  }),
)
const field: string | undefined = TOKEN_FIELDS['prosopo']
// @ts-expect-error: the client is required
siteverify({ field: 'x' })
// @ts-expect-error: trustProxy is a boolean or a header name
siteverify({ client, trustProxy: 2 })
// @ts-expect-error: not a siteverify Client
siteverify({ client: { verify: () => 1 } })

// Fastify
async function main(): Promise<void> {
  const fastify = Fastify()
  const pluginOptions: FastifySiteverifyOptions = { client, field: 'procaptcha-response' }
  await fastify.register(fastifySiteverify, pluginOptions)
  fastify.post('/form', { preHandler: fastify.siteverify }, async (request: FastifyRequest) => {
    const outcome: Outcome | null = request.siteverify
    return { accepted: outcome?.accepted ?? false }
  })
  await fastify.register(async (scope) => {
    await scope.register(namedPlugin, {
      client,
      trustProxy: 'cf-connecting-ip',
      onReject: async (request: FastifyRequest, reply: FastifyReply) => {
        reply.code(request.siteverify?.conclusive ? 422 : 503).send(request.siteverify?.reason)
      },
    })
    scope.addHook('preHandler', scope.siteverify)
  })
  // @ts-expect-error: the client is required
  await fastify.register(fastifySiteverify, { field: 'x' })
  // @ts-expect-error: onReject takes (request, reply)
  await fastify.register(fastifySiteverify, { client, onReject: 'no' })
}

export { field, main }
