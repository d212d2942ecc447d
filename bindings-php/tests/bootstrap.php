<?php

declare(strict_types=1);

// vendor/autoload.php comes from `composer dump-autoload` (make test runs it): the
// package's own composer.json autoload and autoload-dev mappings, nothing downloaded.
require dirname(__DIR__) . '/vendor/autoload.php';
