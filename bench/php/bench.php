<?php

// make bench's PHP client: curl with one reused handle (the best native client) beside
// siteverify's Client::verify (ext-ffi over libsiteverify), sequential (siteverify PHP has no
// concurrent API), against the zero-logic nginx. Usage: php bench.php <base-url>; the library
// and header come from $SITEVERIFY_LIBRARY_PATH / $SITEVERIFY_HEADER_PATH as in bindings-php's
// tests. SV_BENCH_N, SV_BENCH_ROUNDS, SV_BENCH_WARMUP, SV_BENCH_ONLY (one row alone). Prints
// `ROW\t<label>\t<ops>\t<wall s>\t<cpu s>` per round (cpu: getrusage). No timing assertions.

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    $prefix = 'Siteverify\\';
    if (strncmp($class, $prefix, strlen($prefix)) === 0) {
        $file = getenv('SV_BENCH_PHP_SRC') . '/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});

const TOKEN = 'bench-token';

function env(string $name, int $default): int
{
    $v = getenv($name);
    return $v === false || $v === '' ? $default : (int) $v;
}

function cpu(): float
{
    $ru = getrusage();
    return $ru['ru_utime.tv_sec'] + $ru['ru_utime.tv_usec'] / 1e6 + $ru['ru_stime.tv_sec'] + $ru['ru_stime.tv_usec'] / 1e6;
}

// make bench-profile: SV_BENCH_PERF_CTL/SV_BENCH_PERF_ACK are perf's --control fifos;
// "enable"/"disable" bracket the measured rounds, each waiting for perf's ack.
function perfControl(string $command): void
{
    $ctl = getenv('SV_BENCH_PERF_CTL');
    $ack = getenv('SV_BENCH_PERF_ACK');
    if ($ctl === false || $ack === false) {
        return;
    }
    file_put_contents($ctl, "$command\n");
    $f = fopen($ack, 'r');
    if ($f !== false) {
        fgets($f);
        fclose($f);
    }
}

function measure(string $label, callable $op): void
{
    // SV_BENCH_ONLY=<label>: every other row is left out.
    $only = getenv('SV_BENCH_ONLY');
    if ($only !== false && $only !== '' && $only !== $label) {
        return;
    }
    $n = env('SV_BENCH_N', 2000);
    $rounds = env('SV_BENCH_ROUNDS', 5);
    $run = static function (int $k) use ($op, $label): void {
        for ($i = 0; $i < $k; $i++) {
            if (!$op()) {
                fwrite(STDERR, "bench (php): $label: a verification was not accepted\n");
                exit(1);
            }
        }
    };
    $run(env('SV_BENCH_WARMUP', 500));
    perfControl('enable');
    for ($r = 0; $r < $rounds; $r++) {
        $c0 = cpu();
        $t0 = hrtime(true);
        $run($n);
        $wall = (hrtime(true) - $t0) / 1e9;
        printf("ROW\t%s\t%d\t%.6f\t%.6f\n", $label, $n, $wall, cpu() - $c0);
    }
    perfControl('disable');
}

$url = $argv[1] . '/siteverify';
$body = json_encode(['secret' => 'bench-secret', 'token' => TOKEN]);

if (function_exists('curl_init')) {
    $ch = curl_init($url);
    curl_setopt_array($ch, [
        CURLOPT_POST => true,
        CURLOPT_POSTFIELDS => $body,
        CURLOPT_HTTPHEADER => ['Content-Type: application/json'],
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_TIMEOUT => 10,
    ]);
    measure('php curl reused handle, sequential', static function () use ($ch): bool {
        $out = curl_exec($ch);
        if (!is_string($out) || curl_getinfo($ch, CURLINFO_RESPONSE_CODE) !== 200) {
            return false;
        }
        $v = json_decode($out, true);
        return is_array($v) && ($v['verified'] ?? false) === true;
    });
} else {
    echo "SKIP\tphp curl reused handle, sequential\tphp's curl extension is not installed (apt-get install php-curl)\n";
}

$client = new Siteverify\Client(['provider' => 'prosopo', 'secret' => 'bench-secret', 'endpoint' => $url]);
measure('php siteverify verify, sequential', static fn (): bool => $client->verify(TOKEN)->accepted);
