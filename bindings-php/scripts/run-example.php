<?php

// Runs the README's form handler (examples/form-handler/index.php, installed with
// Composer from this package) in php's built-in server against the mock provider,
// and checks its answers. Used by `make test`.

declare(strict_types=1);

$root = dirname(__DIR__);
$mockBin = getenv('SITEVERIFY_MOCK_BIN') ?: dirname($root) . '/target/release/siteverify-mock';
$processes = [];

$fail = static function (string $message): never {
    fwrite(STDERR, "form-handler example: FAILED: $message\n");
    exit(1);
};

$post = static function (string $url, ?array $fields) use ($fail): array {
    $http = ['method' => $fields === null ? 'GET' : 'POST', 'ignore_errors' => true, 'timeout' => 30];
    if ($fields !== null) {
        $http['header'] = "Content-Type: application/x-www-form-urlencoded\r\n";
        $http['content'] = http_build_query($fields);
    }
    $body = @file_get_contents($url, false, stream_context_create(['http' => $http]));
    if ($body === false) {
        $fail("no answer from $url");
    }
    preg_match('#^HTTP/\S+ (\d+)#', $http_response_header[0] ?? '', $m);
    return [(int) ($m[1] ?? 0), $body];
};

$mockConnections = static function (string $mock): int {
    return (int) json_decode((string) file_get_contents("$mock/__mock/stats"), true)['connections'];
};

$mockProcess = proc_open([$mockBin, '--port', '0'], [1 => ['pipe', 'w'], 2 => STDERR], $mockPipes);
if (!is_resource($mockProcess)) {
    $fail("cannot start $mockBin");
}
$mock = rtrim((string) fgets($mockPipes[1]));
$processes[] = $mockProcess;

$socket = stream_socket_server('tcp://127.0.0.1:0');
$name = (string) stream_socket_get_name($socket, false);
fclose($socket);
$port = (int) substr($name, strrpos($name, ':') + 1);

$env = getenv() + [];
$env['PROSOPO_SECRET'] = 'mock-secret';
$env['PROSOPO_VERIFY_URL'] = "$mock/siteverify";
$log = tempnam(sys_get_temp_dir(), 'siteverify-example-');
// Development: FFI::cdef outside the CLI needs ffi.enable=1 (production preloads instead; see README.md).
$server = proc_open(
    [PHP_BINARY, '-d', 'ffi.enable=1', '-S', "127.0.0.1:$port", "$root/examples/form-handler/index.php"],
    [0 => ['file', '/dev/null', 'r'], 1 => ['file', $log, 'a'], 2 => ['file', $log, 'a']],
    $serverPipes,
    "$root/examples/form-handler",
    $env
);
$processes[] = $server;
register_shutdown_function(static function () use (&$processes, $log): void {
    foreach (array_reverse($processes) as $process) {
        proc_terminate($process);
        proc_close($process);
    }
    @unlink($log);
});

$url = "http://127.0.0.1:$port/";
$deadline = microtime(true) + 15;
while (($probe = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $error, 0.2)) === false) {
    if (microtime(true) > $deadline) {
        $fail("the server did not start:\n" . file_get_contents($log));
    }
    usleep(50000);
}
fclose($probe);

$checks = [
    ['GET', null, 405, ''],
    ['a solved CAPTCHA', ['procaptcha-response' => 'pass', 'message' => 'hello'], 200, 'Thank you'],
    ['a failed CAPTCHA', ['procaptcha-response' => 'fail'], 403, 'not solved'],
    ['no CAPTCHA field', ['message' => 'spam'], 403, 'not solved'],
    ['the field posted as an array', ['procaptcha-response' => ['pass']], 403, 'not solved'],
    ['a token that is not UTF-8', ['procaptcha-response' => "pass\xff"], 403, 'not solved'],
    ['an expired token', ['procaptcha-response' => 'expired'], 403, 'not solved'],
    ['the provider down', ['procaptcha-response' => 'status:code=503'], 503, 'try again in a moment'],
    ['a second solved CAPTCHA', ['procaptcha-response' => 'pass'], 200, 'Thank you'],
];
$before = $mockConnections($mock);
foreach ($checks as [$what, $fields, $wantStatus, $wantText]) {
    usleep(20000); // a little apart, as real requests (see tests/ConnectionReuseTest.php)
    [$status, $body] = $post($url, $fields);
    if ($status !== $wantStatus || !str_contains($body, $wantText)) {
        $fail("$what: HTTP $status '$body', want $wantStatus '$wantText'\n" . file_get_contents($log));
    }
}
// One server process, one connection to the provider for every request.
$connections = $mockConnections($mock) - $before - 1;
if ($connections !== 1) {
    $fail("the requests opened $connections connections to the provider, want 1");
}
printf("form-handler example: %d requests answered as expected, 1 provider connection for all\n", count($checks));
