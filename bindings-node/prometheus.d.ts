// `siteverify/prometheus`: siteverify's metrics in a prom-client registry. Hand-written.
import type { Counter, Histogram, Registry } from 'prom-client'

export interface SiteverifyMetrics {
  /** `false` after `close()`. */
  readonly active: boolean
  /** `siteverify_verifications_total{provider,reason,accepted}` */
  readonly verifications: Counter<'provider' | 'reason' | 'accepted'>
  /** `siteverify_verification_duration_seconds{provider,accepted}`, the core's latency buckets. */
  readonly duration: Histogram<'provider' | 'accepted'>
  /** `siteverify_fail_open_suspected_total{provider}` */
  readonly failOpenSuspected: Counter<'provider'>
  /** `siteverify_provider_errors_total{provider,key}` */
  readonly providerErrors: Counter<'provider' | 'key'>
  /** Stops counting and removes the four metrics from the registry. */
  close(): void
}

/**
 * Registers siteverify's metrics in `register` (prom-client's default
 * registry unless given) and counts every verification of every `Client` in
 * the process, through the `siteverify:verification` diagnostics channel.
 * Idempotent per registry.
 */
export declare function collectSiteverifyMetrics(options?: { register?: Registry }): SiteverifyMetrics
