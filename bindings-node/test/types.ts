// Type-level checks of index.d.ts (compiled by `tsc`, never run).
import {
  AbortError,
  Client,
  ConfigurationError,
  InvalidArgumentError,
  SiteverifyError,
  reasonCodes,
  type ClientOptions,
  type Outcome,
  type Provider,
  type Reason,
  type Stats,
} from 'siteverify'

const options: ClientOptions = {
  provider: 'gatekeeper',
  secret: 'from-the-environment',
  expectedHostnames: 'example.com',
  expectedActions: ['login', 'signup'],
  caPems: [Buffer.from(''), 'pem'],
  failMode: 'open',
  onFailOpen: 'reject',
}
const client = new Client(options)
const provider: Provider = client.provider
const pending: Promise<Outcome> = client.verify('token', { remoteIp: '203.0.113.7', signal: new AbortController().signal })
const outcome: Outcome = client.verifySync('token', null)
const score: number | null = outcome.score
const status: number | null = outcome.httpStatus
const codes: string[] = outcome.errorCodes
const reason: Reason = outcome.reason
const all: Reason[] = reasonCodes()
const stats: Stats = client.stats()
const verified: number | undefined = stats.byReason['verified']
const outage: number = stats.outageAccepted + stats.outageRefused + stats.outageProbes
const health: 'up' | 'down' | 'unknown' = stats.providerHealth

const enterprise = new Client({ provider: 'recaptcha-enterprise', secret: 's', siteKey: 'k', projectId: 'p' })
const names: Provider[] = ['prosopo', 'gatekeeper', 'turnstile', 'hcaptcha', 'recaptcha', 'recaptcha-enterprise', 'friendly', 'yandex']
// @ts-expect-error: not a provider (kebab-case)
new Client({ provider: 'recaptcha_enterprise', secret: 's' })
// @ts-expect-error: siteKey is text
new Client({ provider: 'hcaptcha', secret: 's', siteKey: 1 })
// @ts-expect-error: failMode is 'open' or 'closed'
new Client({ provider: 'prosopo', secret: 's', failMode: 'sometimes' })
// @ts-expect-error: the secret is required
new Client({ provider: 'prosopo' })
// @ts-expect-error: camelCase only
client.verify('token', { remote_ip: '203.0.113.7' })

function handle(err: unknown): string {
  if (err instanceof ConfigurationError) return err.code satisfies 'configuration'
  if (err instanceof InvalidArgumentError) return err.code satisfies 'invalid-argument'
  if (err instanceof AbortError) return err.name satisfies 'AbortError'
  if (err instanceof SiteverifyError) return err.code
  return 'not ours'
}

void [provider, enterprise, names, pending, score, status, codes, reason, all, verified, outage, health, handle]
