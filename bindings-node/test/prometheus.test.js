'use strict'

// siteverify/prometheus: counted values, scraped from a prom-client registry
// after verifications against the in-process mock.

const assert = require('node:assert/strict')
const { after, before, test } = require('node:test')

const { Registry } = require('prom-client')
const { MockProvider } = require('siteverify/testing')
const { collectSiteverifyMetrics } = require('siteverify/prometheus')

let mock
before(async () => {
  mock = await MockProvider.start()
})
after(() => mock.close())

/** `{ 'name{labels}': value }` of the registry's exposition text. */
async function scrape(registry) {
  const text = await registry.metrics()
  const samples = {}
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue
    const at = line.lastIndexOf(' ')
    samples[line.slice(0, at)] = Number(line.slice(at + 1))
  }
  return { text, samples }
}

test('counts verifications, durations, fail-open answers and provider errors', async (t) => {
  const registry = new Registry()
  const metrics = collectSiteverifyMetrics({ register: registry })
  t.after(() => metrics.close())

  const gatekeeper = mock.client('gatekeeper', { maxRetries: 0 })
  const prosopo = mock.client('prosopo', { maxRetries: 0 })
  for (const token of ['pass', 'pass', 'fail', 'error:key=bad-request,invalid-input-response']) await gatekeeper.verify(token)
  gatekeeper.verifySync('pass')
  for (const token of ['pass', 'fail-open', 'status:code=503', 'error:key=API.SOME_KEY']) await prosopo.verify(token)

  const { text, samples } = await scrape(registry)
  const expected = {
    'siteverify_verifications_total{provider="gatekeeper",reason="verified",accepted="true"}': 3,
    'siteverify_verifications_total{provider="gatekeeper",reason="token-invalid",accepted="false"}': 2,
    'siteverify_verifications_total{provider="prosopo",reason="verified",accepted="true"}': 1,
    'siteverify_verifications_total{provider="prosopo",reason="provider-fail-open",accepted="false"}': 1,
    'siteverify_verifications_total{provider="prosopo",reason="provider-unavailable",accepted="false"}': 1,
    'siteverify_fail_open_suspected_total{provider="prosopo"}': 1,
    'siteverify_provider_errors_total{provider="gatekeeper",key="invalid-input-response"}': 2,
    'siteverify_provider_errors_total{provider="gatekeeper",key="bad-request"}': 1,
    'siteverify_provider_errors_total{provider="prosopo",key="API.SOME_KEY"}': 1,
    'siteverify_verification_duration_seconds_count{provider="gatekeeper",accepted="true"}': 3,
    'siteverify_verification_duration_seconds_count{provider="gatekeeper",accepted="false"}': 2,
    'siteverify_verification_duration_seconds_count{provider="prosopo",accepted="false"}': 3,
    'siteverify_verification_duration_seconds_bucket{le="+Inf",provider="prosopo",accepted="true"}': 1,
  }
  for (const [sample, value] of Object.entries(expected)) assert.equal(samples[sample], value, `${sample}\n${text}`)
  // Nine verifications, each counted once.
  const total = Object.entries(samples)
    .filter(([k]) => k.startsWith('siteverify_verifications_total{'))
    .reduce((n, [, v]) => n + v, 0)
  assert.equal(total, 9)
  // The core's latency buckets, 1 ms to 10 s.
  const les = [...text.matchAll(/siteverify_verification_duration_seconds_bucket\{le="([^"]+)",provider="gatekeeper",accepted="true"\}/g)].map((m) => m[1])
  assert.deepEqual(les, ['0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'])
  const sum = samples['siteverify_verification_duration_seconds_sum{provider="gatekeeper",accepted="true"}']
  assert.ok(sum > 0 && sum < 30, String(sum))
  assert.match(text, /# TYPE siteverify_verification_duration_seconds histogram/)
  assert.match(text, /# TYPE siteverify_verifications_total counter/)
})

test('one set of metrics per registry; close() stops counting and unregisters', async (t) => {
  const registry = new Registry()
  const metrics = collectSiteverifyMetrics({ register: registry })
  assert.equal(collectSiteverifyMetrics({ register: registry }), metrics)
  const client = mock.client('gatekeeper')
  await client.verify('pass')
  metrics.close()
  metrics.close()
  assert.equal(metrics.active, false)
  await client.verify('pass')
  assert.deepEqual(registry.getMetricsAsArray(), [])
  const again = collectSiteverifyMetrics({ register: registry })
  t.after(() => again.close())
  await client.verify('fail')
  const { samples } = await scrape(registry)
  assert.equal(samples['siteverify_verifications_total{provider="gatekeeper",reason="token-invalid",accepted="false"}'], 1)
  assert.equal(samples['siteverify_verifications_total{provider="gatekeeper",reason="verified",accepted="true"}'], undefined)
})

test('the default registry unless told otherwise', async (t) => {
  const { register } = require('prom-client')
  const metrics = collectSiteverifyMetrics()
  t.after(() => metrics.close())
  await mock.client('prosopo').verify('pass')
  assert.match(await register.metrics(), /siteverify_verifications_total\{provider="prosopo",reason="verified",accepted="true"\} 1/)
})
