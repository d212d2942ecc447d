<?php

// A contact form protected by Prosopo Procaptcha: POST /, field procaptcha-response.
// php -S 127.0.0.1:8080 index.php   (with PROSOPO_SECRET set; see README.md)

declare(strict_types=1);

require __DIR__ . '/vendor/autoload.php';

use Siteverify\Client;
use Siteverify\Exception\SiteverifyException;

if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
    http_response_code(405);
    header('Allow: POST');
    exit;
}

// Build the client in every request: with the same options, a php-fpm worker
// reuses the native client of an earlier request, and its open connection.
$client = new Client([
    'provider' => 'prosopo',
    'secret' => getenv('PROSOPO_SECRET') ?: throw new RuntimeException('set PROSOPO_SECRET'),
    'endpoint' => getenv('PROSOPO_VERIFY_URL') ?: null, // unset: https://api.prosopo.io/siteverify
    'timeout_ms' => 5000,                               // the whole verification, retries included
    'fail_mode' => 'closed',                            // provider down: reject (the default)
]);

// A form field is hostile: a bot can post an array (procaptcha-response[]=x).
$token = $_POST['procaptcha-response'] ?? '';
try {
    $outcome = $client->verify(is_string($token) ? $token : '', $_SERVER['REMOTE_ADDR'] ?? null);
} catch (SiteverifyException $e) {
    // The call itself was wrong (e.g. an invalid remote address): not the visitor's fault.
    error_log("siteverify {$e->getErrorCode()}: {$e->getMessage()}");
    http_response_code(500);
    exit('Something went wrong.');
}

if (!$outcome->accepted) {
    error_log('captcha rejected: ' . json_encode($outcome->toArray()));
    if ($outcome->conclusive) {
        http_response_code(403);
        exit('The CAPTCHA was not solved. Please try again.');
    }
    http_response_code(503); // the provider could not answer
    exit('We could not check the CAPTCHA just now. Please try again in a moment.');
}

// Accepted. Handle the form here: $_POST['message'], ...
echo 'Thank you, your message was sent.';
