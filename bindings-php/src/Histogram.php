<?php

declare(strict_types=1);

namespace Siteverify;

/**
 * A latency histogram of `Stats` (`verificationSeconds`, `roundTripSeconds`):
 * cumulative buckets as Prometheus counts them, their bounds the core's
 * `siteverify::LATENCY_BUCKETS` (1 ms to 10 s) and a last bound of `INF`.
 */
final class Histogram
{
    /**
     * @param list<array{0: float, 1: int}> $buckets `[upper bound in seconds, observations at or
     *     below it]`, cumulative, bounds ascending; the last bound is `INF` and its count is `$count`
     */
    public function __construct(
        public readonly array $buckets = [],
        /** Observations. */
        public readonly int $count = 0,
        /** Their sum, in seconds. */
        public readonly float $sumSeconds = 0.0,
    ) {
    }

    /**
     * Observations at or below `$seconds`, a bucket bound (`INF` for all).
     *
     * @throws \InvalidArgumentException `$seconds` is not one of the bounds
     */
    public function countAtMost(float $seconds): int
    {
        foreach ($this->buckets as [$le, $count]) {
            if ($le === $seconds) {
                return $count;
            }
        }
        throw new \InvalidArgumentException(sprintf('%s is not a bucket bound', $seconds));
    }

    /**
     * From the core's JSON shape: `{"buckets": [[0.001, n], ..., [null, n]], "count": n,
     * "sum_seconds": s}` (`null` is the +Inf bound).
     *
     * @param array<mixed> $h
     * @internal
     */
    public static function fromArray(array $h): self
    {
        $buckets = [];
        $raw = $h['buckets'] ?? null;
        foreach (is_array($raw) ? $raw : [] as $bucket) {
            if (is_array($bucket) && count($bucket) === 2) {
                [$le, $count] = array_values($bucket);
                $buckets[] = [$le === null ? INF : (float) $le, (int) $count];
            }
        }
        return new self($buckets, (int) ($h['count'] ?? 0), (float) ($h['sum_seconds'] ?? 0.0));
    }
}
