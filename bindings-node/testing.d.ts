// `siteverify/testing`: the mock provider, in process, for your tests. Hand-written.
import { Client, ClientOptions, Provider } from './index'

/** The secret the mock accepts unless told otherwise: `"mock-secret"`. */
export declare const MOCK_SECRET: 'mock-secret'
/** The site key the mock accepts (Friendly Captcha, reCAPTCHA Enterprise): `"mock-site-key"`. */
export declare const MOCK_SITE_KEY: 'mock-site-key'

export interface MockProviderOptions {
  /** The secret (or secrets) the mock accepts; default `"mock-secret"`. Any other gets the provider's invalid-secret answer. */
  secret?: string | string[]
  /** Serve HTTPS with a CA generated now (`caPem`). */
  tls?: boolean
  /** With `tls`: serve a certificate for another name, signed by the same CA (every verification is `tls-failure`). */
  wrongHostname?: boolean
}

/** The mock's counters. */
export interface MockStats {
  connections: number
  requests: number
  captured: number
  tlsHandshakes: number
  tlsResumed: number
  tlsFailed: number
  h2Connections: number
  h2Requests: number
}

/**
 * The siteverify mock provider, serving every provider's verify API on a
 * loopback port from `start()` until `close()`, answering by scenario token
 * (`pass`, `fail`, `expired`, `fail-open`, `status:code=503`, `hang` ...).
 */
export declare class MockProvider {
  private constructor()
  /** Starts a mock on a free loopback port. */
  static start(options?: MockProviderOptions): Promise<MockProvider>
  /** The base URL, `http://127.0.0.1:PORT` (`https://` with `tls`). */
  readonly url: string
  /** The (first) secret the mock accepts. */
  readonly secret: string
  /** With `tls`: the CA certificate (PEM) to trust (`caPems`); otherwise `null`. */
  readonly caPem: string | null
  /** `true` until `close()`. */
  readonly running: boolean
  /** HTTP requests served so far (verifications and retries). */
  readonly requests: number
  /** Every counter. */
  stats(): MockStats
  /** The verify URL of `provider`, for the `endpoint` option. */
  endpoint(provider: Provider): string
  /** A `Client` of `provider` (default `"prosopo"`) pointed at this mock; `options` adds or overrides client options. */
  client(provider?: Provider, options?: Partial<ClientOptions>): Client
  /** Stops serving (idempotent); `requests` keeps its last value. */
  close(): Promise<void>
  /** `await using mock = await MockProvider.start()` (Node >= 20.4 / TypeScript >= 5.2). */
  [Symbol.asyncDispose](): Promise<void>
}
