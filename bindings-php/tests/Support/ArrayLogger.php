<?php

declare(strict_types=1);

namespace Siteverify\Tests\Support;

use Psr\Log\AbstractLogger;

/**
 * A PSR-3 logger that keeps its records (psr/log from Debian's php-psr-log: load
 * Psr.php first). The signature fits psr/log 1, 2 and 3.
 */
final class ArrayLogger extends AbstractLogger
{
    /** @var list<array{level: mixed, message: string, context: array<mixed>}> */
    public array $records = [];

    /** @var (\Closure(): void)|null called before each record is kept, e.g. to throw */
    public ?\Closure $before = null;

    /** @param array<mixed> $context */
    public function log($level, $message, array $context = []): void
    {
        if ($this->before !== null) {
            ($this->before)();
        }
        $this->records[] = ['level' => $level, 'message' => (string) $message, 'context' => $context];
    }
}
