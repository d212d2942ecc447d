<?php

declare(strict_types=1);

// The frameworks, as Debian installs them (scripts/install-framework-deps.sh): each
// package's own autoloader under /usr/share/php. PSR-15's interfaces come from the psr
// extension the test run loads (php -d extension=.tools/psr.so).
require_once dirname(__DIR__, 2) . '/vendor/autoload.php';
foreach (
    [
        'Illuminate/autoload.php',
        'Symfony/Component/Validator/autoload.php',
        'Symfony/Component/HttpKernel/autoload.php',
        'Symfony/Component/HttpFoundation/autoload.php',
        'Symfony/Component/EventDispatcher/autoload.php',
        'Symfony/Component/ErrorHandler/autoload.php',
        'Nyholm/Psr7/autoload.php',
        'GuzzleHttp/Psr7/autoload.php',
    ] as $file
) {
    require_once '/usr/share/php/' . $file;
}
if (!interface_exists(\Psr\Http\Server\MiddlewareInterface::class)) {
    throw new \RuntimeException('no PSR-15 interfaces: run with php -d extension=.tools/psr.so (make deps)');
}
