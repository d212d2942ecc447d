<?php

// make demo: verifies `pass:score=0.2` with GateKeeper against $SITEVERIFY_DEMO_URL
// (the mock) and prints the outcome as one line of JSON, the core's field names.

declare(strict_types=1);

require dirname(__DIR__) . '/vendor/autoload.php';

use Siteverify\Client;
use Siteverify\Exception\SiteverifyException;

$base = getenv('SITEVERIFY_DEMO_URL');
if ($base === false || $base === '') {
    fwrite(STDERR, "set SITEVERIFY_DEMO_URL to the mock's base URL\n");
    exit(2);
}
try {
    $client = new Client([
        'provider' => 'gatekeeper',
        'endpoint' => rtrim($base, '/') . '/api/v1/token/verify',
        'secret' => 'mock-secret',
        'expected_hostnames' => ['example.com'],
    ]);
    $outcome = $client->verify('pass:score=0.2');
} catch (SiteverifyException $e) {
    fwrite(STDERR, "siteverify {$e->getErrorCode()}: {$e->getMessage()}\n");
    exit(1);
}
echo json_encode($outcome->toArray(), JSON_UNESCAPED_SLASHES), "\n";
