// Type-level checks of testing.d.ts, prometheus.d.ts and the issue 18 types in
// index.d.ts (compiled by `tsc --strict`, never run).
import { subscribe } from 'node:diagnostics_channel'
import { Registry } from 'prom-client'
import { Client, type EventLevel, type Histogram, type Stats, type VerificationEvent } from 'siteverify'
import { collectSiteverifyMetrics, type SiteverifyMetrics } from 'siteverify/prometheus'
import { MOCK_SECRET, MOCK_SITE_KEY, MockProvider, type MockStats } from 'siteverify/testing'

async function main(): Promise<void> {
  const mock: MockProvider = await MockProvider.start({ secret: [MOCK_SECRET, 'other'], tls: true })
  const url: string = mock.url
  const ca: string | null = mock.caPem
  const endpoint: string = mock.endpoint('gatekeeper')
  const client: Client = mock.client('prosopo', { maxRetries: 0 })
  const plain = new Client({ provider: 'gatekeeper', secret: mock.secret, endpoint, caPems: ca ?? [] })
  await plain.verify('pass')
  const requests: number = mock.requests
  const counters: MockStats = mock.stats()
  const running: boolean = mock.running
  await mock.close()
  const site: 'mock-site-key' = MOCK_SITE_KEY
  void [url, client, requests, counters.tlsHandshakes, running, site]

  const stats: Stats = client.stats()
  const h: Histogram = stats.verificationSeconds
  const [le, count]: [number, number] = h.buckets[0]
  const attempts: Record<string, number> = stats.byAttempts
  void [le, count, h.sumSeconds, stats.roundTripSeconds.count, attempts]

  subscribe('siteverify:verification', (message) => {
    const event = message as VerificationEvent
    const fields: [boolean, string, number, string] = [event.accepted, event.reason, event.latencyMs, event.tokenFingerprint]
    const level: EventLevel = event.level
    const named: 'debug' | 'info' | 'warn' = level
    void [fields, named]
  })

  const metrics: SiteverifyMetrics = collectSiteverifyMetrics({ register: new Registry() })
  metrics.verifications.inc({ provider: 'prosopo', reason: 'verified', accepted: 'true' })
  metrics.close()
  collectSiteverifyMetrics()
}
void main
