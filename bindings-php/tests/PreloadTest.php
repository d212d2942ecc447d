<?php

declare(strict_types=1);

namespace Siteverify\Tests;

use PHPUnit\Framework\TestCase;
use Siteverify\Tests\Support\Mock;
use Siteverify\Tests\Support\Php;

/**
 * The production path: opcache.preload=preload.php under the default
 * ffi.enable=preload, in php-cli subprocesses and in php's built-in server
 * (a non-CLI SAPI, where FFI::cdef is refused as in php-fpm), with forked
 * workers that use the library the master preloaded.
 *
 * PHP 8.2 started as root runs opcache.preload in a child process as
 * opcache.preload_user, where FFI::load() refuses to work; so the FFI::load
 * path runs as `nobody` when the tests run as root (from a staged copy of the
 * package and library that `nobody` can read), and the root path is tested
 * with ffi.preload, as README.md says for a php-fpm master started as root.
 */
final class PreloadTest extends TestCase
{
    private static string $stage = '';

    public static function setUpBeforeClass(): void
    {
        if (!extension_loaded('Zend OPcache')) {
            self::markTestSkipped('opcache is not installed (make deps installs php-opcache)');
        }
        $root = dirname(__DIR__);
        $stage = sys_get_temp_dir() . '/siteverify-php-preload-' . bin2hex(random_bytes(6));
        $library = (string) (getenv('SITEVERIFY_LIBRARY_PATH') ?: (getenv('SITEVERIFY_LIB_DIR') ?: dirname($root) . '/target/release') . '/libsiteverify.so');
        $header = (string) (getenv('SITEVERIFY_HEADER_PATH') ?: (getenv('SITEVERIFY_INCLUDE_DIR') ?: dirname($root) . '/include') . '/siteverify_php.h');
        self::copy($root . '/preload.php', "$stage/preload.php");
        self::copy($root . '/bin/siteverify-ffi-header', "$stage/bin/siteverify-ffi-header");
        foreach (new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($root . '/src', \FilesystemIterator::SKIP_DOTS)) as $file) {
            self::copy($file->getPathname(), $stage . '/src/' . substr($file->getPathname(), strlen($root . '/src/')));
        }
        self::copy($root . '/tests/fixtures/preload-check.php', "$stage/fixtures/preload-check.php");
        self::copy($root . '/tests/fixtures/server/index.php', "$stage/fixtures/server/index.php");
        self::copy($library, "$stage/lib/libsiteverify.so");
        self::copy($header, "$stage/include/siteverify_php.h");
        self::$stage = $stage;
    }

    public static function tearDownAfterClass(): void
    {
        if (self::$stage !== '' && is_dir(self::$stage)) {
            $items = new \RecursiveIteratorIterator(
                new \RecursiveDirectoryIterator(self::$stage, \FilesystemIterator::SKIP_DOTS),
                \RecursiveIteratorIterator::CHILD_FIRST
            );
            foreach ($items as $item) {
                $item->isDir() ? rmdir($item->getPathname()) : unlink($item->getPathname());
            }
            rmdir(self::$stage);
        }
    }

    private static function copy(string $from, string $to): void
    {
        $dir = dirname($to);
        $base = sys_get_temp_dir();
        if (!is_dir($dir)) {
            mkdir($dir, 0755, true);
        }
        // Every directory of the stage readable and traversable by `nobody`.
        for ($d = $dir; strlen($d) > strlen($base); $d = dirname($d)) {
            chmod($d, 0755);
        }
        if (!copy($from, $to)) {
            throw new \RuntimeException("cannot copy $from");
        }
        chmod($to, 0644);
    }

    /** @return array<string, string> */
    private static function env(): array
    {
        return [
            'SITEVERIFY_LIBRARY_PATH' => self::$stage . '/lib/libsiteverify.so',
            'SITEVERIFY_HEADER_PATH' => self::$stage . '/include/siteverify_php.h',
        ];
    }

    /** As root, the FFI::load path runs as `nobody` (see the class comment). */
    private static function unprivileged(): array
    {
        if (posix_geteuid() !== 0) {
            return [];
        }
        if (!is_executable('/usr/sbin/runuser') && !is_executable('/sbin/runuser')) {
            self::markTestSkipped('running as root without runuser');
        }
        return ['runuser', '-u', 'nobody', '--'];
    }

    /** @return array<string, string> */
    private static function preloadIni(): array
    {
        return [
            'opcache.enable' => '1',
            'opcache.enable_cli' => '1',
            'opcache.preload' => self::$stage . '/preload.php',
            'ffi.enable' => 'preload',
        ];
    }

    /**
     * @param array{code: int, stdout: string, stderr: string} $run
     * @return array<string, array<string, mixed>> by `who`
     */
    private static function lines(array $run): array
    {
        $lines = [];
        foreach (explode("\n", trim($run['stdout'])) as $line) {
            $fields = json_decode($line, true);
            if (is_array($fields)) {
                $lines[$fields['who']] = $fields;
            }
        }
        return $lines;
    }

    /** @param array{code: int, stdout: string, stderr: string} $run */
    private static function assertPreloadedAndForked(array $run): void
    {
        $context = "exit {$run['code']}\nstdout: {$run['stdout']}\nstderr: {$run['stderr']}";
        self::assertSame(0, $run['code'], $context);
        $lines = self::lines($run);
        self::assertSame('scope', $lines['parent']['source'] ?? null, $context);
        self::assertTrue($lines['parent']['class_preloaded'] ?? null, $context);
        self::assertSame('verified', $lines['parent']['reason'] ?? null, $context);
        // The forked child, after the parent verified, with the parent's client and a new one.
        self::assertSame('scope', $lines['child']['source'] ?? null, $context);
        self::assertSame('verified', $lines['child']['inherited'] ?? null, $context);
        self::assertSame('verified', $lines['child']['new'] ?? null, $context);
        self::assertNotSame($lines['parent']['pid'], $lines['child']['pid']);
        self::assertSame(0, $lines['parent-after-fork']['child_exit'] ?? null, $context);
        self::assertSame('verified', $lines['parent-after-fork']['reason'] ?? null, $context);
    }

    public function testOpcachePreloadWithFfiLoadThenFork(): void
    {
        if (!function_exists('pcntl_fork')) {
            self::markTestSkipped('pcntl is not available');
        }
        $run = Php::run(
            [self::$stage . '/fixtures/preload-check.php', Mock::url()],
            self::preloadIni(),
            self::env(),
            self::unprivileged()
        );
        self::assertPreloadedAndForked($run);
    }

    public function testAsRootFfiLoadFailsWithInstructions(): void
    {
        if (posix_geteuid() !== 0) {
            self::markTestSkipped('only as root: PHP then preloads in a child process as opcache.preload_user');
        }
        $run = Php::run(
            [self::$stage . '/fixtures/preload-check.php', Mock::url()],
            self::preloadIni() + ['opcache.preload_user' => 'root'],
            self::env()
        );
        self::assertNotSame(0, $run['code']);
        self::assertStringContainsString('siteverify-ffi-header', $run['stdout'] . $run['stderr']);
        self::assertStringContainsString('ffi.preload=', $run['stdout'] . $run['stderr']);
    }

    public function testFfiPreloadWithOpcachePreloadAsAnyUser(): void
    {
        if (!function_exists('pcntl_fork')) {
            self::markTestSkipped('pcntl is not available');
        }
        $header = self::$stage . '/siteverify-ffi.h';
        $write = Php::run([self::$stage . '/bin/siteverify-ffi-header', $header], [], self::env());
        self::assertSame(0, $write['code'], $write['stderr']);
        self::assertStringStartsWith(
            "#define FFI_SCOPE \"siteverify\"\n#define FFI_LIB \"" . self::$stage . "/lib/libsiteverify.so\"\n",
            (string) file_get_contents($header)
        );
        $user = posix_getpwuid(posix_geteuid())['name'] ?? 'root';
        $run = Php::run(
            [self::$stage . '/fixtures/preload-check.php', Mock::url()],
            self::preloadIni() + ['ffi.preload' => $header, 'opcache.preload_user' => $user],
            // The stage's library must come from the header: break the environment's paths.
            ['SITEVERIFY_LIBRARY_PATH' => '/nonexistent', 'SITEVERIFY_HEADER_PATH' => '/nonexistent']
        );
        self::assertPreloadedAndForked($run);
    }

    /**
     * php -S with PHP_CLI_SERVER_WORKERS=2: the master preloads, then forks
     * the workers, like php-fpm. In this SAPI ffi.enable=preload refuses
     * FFI::cdef. Each worker keeps its connection to the provider across the
     * requests it serves: the mock sees one connection per worker.
     */
    public function testBuiltInServerWorkersUseThePreloadedLibraryAndKeepConnections(): void
    {
        $port = self::freePort();
        $command = array_merge(self::unprivileged(), ['env', 'PHP_CLI_SERVER_WORKERS=2']);
        foreach (self::env() as $key => $value) {
            $command[] = "$key=$value";
        }
        $command[] = PHP_BINARY;
        foreach (self::preloadIni() as $key => $value) {
            array_push($command, '-d', "$key=$value");
        }
        array_push($command, '-S', "127.0.0.1:$port", '-t', self::$stage . '/fixtures/server');
        $log = self::$stage . '/server.log';
        $server = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $log, 'a'], 2 => ['file', $log, 'a']], $pipes);
        self::assertIsResource($server);
        $pids = [];
        try {
            self::waitForPort($port, $log);
            $before = Mock::stats()['connections'];
            $responses = [];
            for ($i = 0; $i < 8; $i++) {
                $url = sprintf('http://127.0.0.1:%d/?mock=%s&token=%s', $port, rawurlencode(Mock::url()), $i % 2 ? 'pass' : 'fail');
                $body = @file_get_contents($url, false, stream_context_create(['http' => ['timeout' => 20]]));
                self::assertIsString($body, "request $i failed; server log:\n" . @file_get_contents($log));
                $response = json_decode($body, true);
                self::assertIsArray($response, $body);
                $responses[] = $response;
                $pids[$response['pid']] = ($pids[$response['pid']] ?? 0) + 1;
                usleep(30000); // requests a little apart, as real ones (see ConnectionReuseTest)
            }
            $after = Mock::stats()['connections'];
            foreach ($responses as $i => $response) {
                $context = json_encode($response);
                self::assertSame('cli-server', $response['sapi']);
                self::assertStringContainsString('restricted', $response['cdef'], "FFI::cdef must be refused here: $context");
                self::assertSame('scope', $response['source'] ?? null, $context);
                self::assertSame($i % 2 ? 'verified' : 'token-invalid', $response['reason'] ?? null, $context);
            }
            self::assertGreaterThan(1, max($pids), 'a worker served several requests');
            // One connection per worker across all its requests (minus the first Mock::stats() call's
            // own), give or take one opened by a rare race on a busy machine (see ConnectionReuseTest):
            // in any case fewer connections than requests.
            $connections = $after - $before - 1;
            $context = sprintf('%d connections for %d requests served by %s', $connections, count($responses), json_encode($pids));
            self::assertGreaterThanOrEqual(count($pids), $connections, $context);
            self::assertLessThanOrEqual(count($pids) + 1, $connections, $context);
            self::assertLessThan(count($responses), $connections, $context);
            // And each worker's shared client counted its requests across them.
            $last = [];
            foreach ($responses as $response) {
                $last[$response['pid']] = $response['verifications'];
            }
            foreach ($last as $pid => $verifications) {
                self::assertGreaterThanOrEqual($pids[$pid], $verifications);
            }
        } finally {
            self::stopServer($server);
        }
    }

    private static function freePort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        self::assertIsResource($socket);
        $name = (string) stream_socket_get_name($socket, false);
        fclose($socket);
        return (int) substr($name, strrpos($name, ':') + 1);
    }

    private static function waitForPort(int $port, string $log): void
    {
        $deadline = microtime(true) + 15;
        while (microtime(true) < $deadline) {
            $socket = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $error, 0.2);
            if ($socket !== false) {
                fclose($socket);
                return;
            }
            usleep(50000);
        }
        self::fail("the built-in server did not start; log:\n" . @file_get_contents($log));
    }

    /**
     * Stops the server: every process descended from the one we started
     * (runuser, the server's master, its workers), by pid, then that one.
     *
     * @param resource $server
     */
    private static function stopServer($server): void
    {
        $root = proc_get_status($server)['pid'];
        $parents = [];
        foreach (glob('/proc/[0-9]*/stat') ?: [] as $file) {
            $stat = @file_get_contents($file);
            if ($stat !== false && preg_match('/^(\d+) \(.*\) \S (\d+)/s', $stat, $m) === 1) {
                $parents[(int) $m[1]] = (int) $m[2];
            }
        }
        $descendants = [];
        $queue = [$root];
        while ($queue !== []) {
            $pid = array_shift($queue);
            foreach ($parents as $child => $parent) {
                if ($parent === $pid) {
                    $descendants[] = $child;
                    $queue[] = $child;
                }
            }
        }
        foreach (array_reverse($descendants) as $pid) {
            @posix_kill($pid, SIGTERM);
        }
        proc_terminate($server);
        proc_close($server);
    }
}
