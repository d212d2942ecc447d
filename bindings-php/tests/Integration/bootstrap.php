<?php

declare(strict_types=1);

// phpunit.integration.xml.dist: the integrations' tests (make test runs them in their own
// PHPUnit process, with the frameworks loaded; the package's own suite loads none).
require __DIR__ . '/autoload.php';
