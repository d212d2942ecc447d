// Types of `siteverify/fastify` (hand-written; the module is fastify.js).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import type { Client, Outcome } from 'siteverify'

declare module 'fastify' {
  interface FastifyInstance {
    /** The preHandler hook that verifies the CAPTCHA token: `{ preHandler: fastify.siteverify }`. */
    siteverify: preHandlerAsyncHookHandler
  }
  interface FastifyRequest {
    /** The Outcome of `fastify.siteverify`; `null` on routes it did not run on. */
    siteverify: Outcome | null
  }
}

type FastifySiteverify = FastifyPluginAsync<fastifySiteverify.FastifySiteverifyOptions>

declare namespace fastifySiteverify {
  /** Options of `fastify.register(fastifySiteverify, { ... })`. */
  interface FastifySiteverifyOptions {
    /** The client to verify with: one per process, built at startup. */
    client: Client
    /**
     * The body field holding the token. Default: the provider's widget field
     * (`procaptcha-response` for Prosopo, `captchaToken` for GateKeeper; see `TOKEN_FIELDS`).
     */
    field?: string
    /**
     * Where the client IP comes from. `false` (default): the TCP peer, headers ignored.
     * `true`: Fastify's `request.ip`, as the server's own `trustProxy` option configures it.
     * A header name (`'x-forwarded-for'`, `'cf-connecting-ip'`, `'x-real-ip'`): the last entry of
     * that header, written by your proxy; absent or not an IP, no IP is sent.
     * Set it only when every request reaches the app through that proxy.
     */
    trustProxy?: boolean | string
    /**
     * Answers a request whose outcome is not accepted, instead of the default JSON
     * 403 (`conclusive`: the token is bad) or 503 (inconclusive: try again later).
     * The outcome is `request.siteverify`.
     */
    onReject?: (request: FastifyRequest, reply: FastifyReply) => void | Promise<void>
  }

  /** The form field each provider's widget posts its token in. */
  const TOKEN_FIELDS: Readonly<Record<string, string>>

  const fastifySiteverify: FastifySiteverify
  export { fastifySiteverify, fastifySiteverify as default, FastifySiteverifyOptions, TOKEN_FIELDS }
}

/**
 * The Fastify plugin (non-encapsulated, like fastify-plugin's): decorates the
 * instance with `siteverify` (a preHandler) and requests with `siteverify`.
 */
declare function fastifySiteverify(...params: Parameters<FastifySiteverify>): ReturnType<FastifySiteverify>

export = fastifySiteverify
