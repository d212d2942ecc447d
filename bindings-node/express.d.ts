// Types of `siteverify/express` (hand-written; the module is express.js).
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { Client, Outcome } from 'siteverify'

declare global {
  namespace Express {
    interface Request {
      /** The Outcome of the siteverify() middleware; set once it has run. */
      siteverify?: Outcome
    }
  }
}

declare namespace siteverify {
  /** Options of `siteverify({ ... })`. */
  interface SiteverifyOptions {
    /** The client to verify with: one per process, built at startup. */
    client: Client
    /**
     * The body field holding the token. Default: the provider's widget field
     * (`procaptcha-response` for Prosopo, `captchaToken` for GateKeeper; see `TOKEN_FIELDS`).
     */
    field?: string
    /**
     * Where the client IP comes from. `false` (default): the TCP peer, headers ignored.
     * `true`: Express's `req.ip`, as `app.set('trust proxy', ...)` configures it.
     * A header name (`'x-forwarded-for'`, `'cf-connecting-ip'`, `'x-real-ip'`): the last entry of
     * that header, written by your proxy; absent or not an IP, no IP is sent.
     * Set it only when every request reaches the app through that proxy.
     */
    trustProxy?: boolean | string
    /**
     * Answers a request whose outcome is not accepted, instead of the default JSON
     * 403 (`conclusive`: the token is bad) or 503 (inconclusive: try again later).
     * The outcome is `req.siteverify`.
     */
    onReject?: (req: Request, res: Response, next: NextFunction) => void | Promise<void>
  }

  /** The form field each provider's widget posts its token in. */
  const TOKEN_FIELDS: Readonly<Record<string, string>>

  /** The middleware factory, also as a named and a default export. */
  const siteverify: (options: SiteverifyOptions) => RequestHandler

  export { siteverify, siteverify as default, SiteverifyOptions, TOKEN_FIELDS }
}

/**
 * The Express middleware: verifies the CAPTCHA token in the request body, sets
 * `req.siteverify` to the Outcome and calls `next()` when it is accepted;
 * otherwise answers 403 (rejected) or 503 (inconclusive) with `{ "error": reason }`.
 */
declare function siteverify(options: siteverify.SiteverifyOptions): RequestHandler

export = siteverify
