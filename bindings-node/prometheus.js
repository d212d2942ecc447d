'use strict'

// `siteverify/prometheus`: siteverify's metrics in a prom-client registry,
// fed by the `siteverify:verification` diagnostics channel (one message per
// verification of every Client in the process). prom-client is an optional
// peer dependency: only this module needs it.
//
//   siteverify_verifications_total{provider,reason,accepted}
//   siteverify_verification_duration_seconds{provider,accepted}  histogram, the core's buckets
//   siteverify_fail_open_suspected_total{provider}
//   siteverify_provider_errors_total{provider,key}

const diagnosticsChannel = require('node:diagnostics_channel')
const native = require('./binding.js')

const CHANNEL = 'siteverify:verification'

function loadPromClient() {
  try {
    return require('prom-client')
  } catch (cause) {
    throw new Error('siteverify/prometheus needs prom-client: `npm install prom-client`', { cause })
  }
}

/** One SiteverifyMetrics per registry: registering the same names twice would throw. */
const byRegistry = new WeakMap()

/**
 * Registers siteverify's metrics in `register` (prom-client's default
 * registry unless given) and starts counting every verification. Idempotent
 * per registry: a second call returns the same object.
 *
 * @param {{ register?: import('prom-client').Registry }} [options]
 */
function collectSiteverifyMetrics(options = {}) {
  const promClient = loadPromClient()
  const registry = (options && options.register) || promClient.register
  const existing = byRegistry.get(registry)
  if (existing && existing.active) return existing
  const registers = [registry]
  const verifications = new promClient.Counter({
    name: 'siteverify_verifications_total',
    help: 'Verifications, by provider, reason code and whether the request was let through.',
    labelNames: ['provider', 'reason', 'accepted'],
    registers,
  })
  const duration = new promClient.Histogram({
    name: 'siteverify_verification_duration_seconds',
    help: 'Time from the call to the verdict (retries and the outage check included).',
    labelNames: ['provider', 'accepted'],
    buckets: native._latencyBuckets(),
    registers,
  })
  const failOpenSuspected = new promClient.Counter({
    name: 'siteverify_fail_open_suspected_total',
    help: "Answers that looked like the provider's own fail-open response.",
    labelNames: ['provider'],
    registers,
  })
  const providerErrors = new promClient.Counter({
    name: 'siteverify_provider_errors_total',
    help: "The provider's error keys and codes (Prosopo error.key, GateKeeper/Turnstile/... error codes).",
    labelNames: ['provider', 'key'],
    registers,
  })

  const onVerification = (event) => {
    const { provider } = event
    const accepted = event.accepted ? 'true' : 'false'
    verifications.inc({ provider, reason: event.reason, accepted })
    duration.observe({ provider, accepted }, event.latencyMs / 1000)
    if (event.failOpenSuspected) failOpenSuspected.inc({ provider })
    // Keys and codes are bounded in length and count by the core's parser.
    if (event.errorKey !== null) providerErrors.inc({ provider, key: event.errorKey })
    for (const key of event.errorCodes) providerErrors.inc({ provider, key })
  }
  diagnosticsChannel.subscribe(CHANNEL, onVerification)

  const metrics = {
    active: true,
    verifications,
    duration,
    failOpenSuspected,
    providerErrors,
    /** Stops counting and removes the four metrics from the registry. */
    close() {
      if (!metrics.active) return
      metrics.active = false
      diagnosticsChannel.unsubscribe(CHANNEL, onVerification)
      for (const name of [
        'siteverify_verifications_total',
        'siteverify_verification_duration_seconds',
        'siteverify_fail_open_suspected_total',
        'siteverify_provider_errors_total',
      ]) {
        registry.removeSingleMetric(name)
      }
      if (byRegistry.get(registry) === metrics) byRegistry.delete(registry)
    },
  }
  byRegistry.set(registry, metrics)
  return metrics
}

module.exports = { collectSiteverifyMetrics }
