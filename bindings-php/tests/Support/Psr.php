<?php

declare(strict_types=1);

namespace Siteverify\Tests\Support;

use PHPUnit\Framework\TestCase;

/**
 * The PSR-3 interfaces for the tests of the `logger` option: Debian's php-psr-log
 * (make deps installs it). The package itself never loads psr/log.
 */
final class Psr
{
    public const LOG_AUTOLOAD = '/usr/share/php/Psr/Log/autoload.php';

    public static function requireLog(): void
    {
        if (interface_exists(\Psr\Log\LoggerInterface::class)) {
            return;
        }
        if (!is_file(self::LOG_AUTOLOAD)) {
            TestCase::fail('no psr/log at ' . self::LOG_AUTOLOAD . ': install Debian\'s php-psr-log (make deps)');
        }
        require_once self::LOG_AUTOLOAD;
    }
}
