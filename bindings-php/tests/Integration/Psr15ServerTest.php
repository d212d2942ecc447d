<?php

declare(strict_types=1);

namespace Siteverify\Tests\Integration;

use PHPUnit\Framework\TestCase;
use Siteverify\Tests\Integration\Support\Provider;

/**
 * The PSR-15 middleware over real HTTP: php's built-in server, a PSR-7 request from
 * the globals, form, multipart and JSON bodies as a browser or an API client sends them.
 */
final class Psr15ServerTest extends TestCase
{
    /** @var resource|null */
    private static $server = null;
    private static string $url = '';
    private static string $log = '';

    public static function setUpBeforeClass(): void
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $name = (string) stream_socket_get_name($socket, false);
        fclose($socket);
        $port = (int) substr($name, strrpos($name, ':') + 1);
        self::$url = "http://127.0.0.1:$port/contact";
        self::$log = (string) tempnam(sys_get_temp_dir(), 'siteverify-psr15-');

        $command = [PHP_BINARY, '-d', 'ffi.enable=1'];
        $ext = dirname(__DIR__, 2) . '/.tools/psr.so';
        if (is_file($ext)) {
            $command = [...$command, '-d', "extension=$ext"];
        }
        $env = getenv();
        $env['SITEVERIFY_TEST_OPTIONS'] = json_encode(Provider::options('gatekeeper'));
        $server = proc_open(
            [...$command, '-S', "127.0.0.1:$port", __DIR__ . '/fixtures/psr15-server.php'],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', self::$log, 'a'], 2 => ['file', self::$log, 'a']],
            $pipes,
            __DIR__,
            $env
        );
        self::assertIsResource($server);
        self::$server = $server;
        $deadline = microtime(true) + 15;
        while (($probe = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $error, 0.2)) === false) {
            if (microtime(true) > $deadline) {
                self::fail("the server did not start:\n" . file_get_contents(self::$log));
            }
            usleep(50000);
        }
        fclose($probe);
    }

    public static function tearDownAfterClass(): void
    {
        if (self::$server !== null) {
            proc_terminate(self::$server);
            proc_close(self::$server);
            self::$server = null;
        }
        @unlink(self::$log);
    }

    /** @return array{int, string} */
    private static function post(string $contentType, string $body): array
    {
        $context = stream_context_create(['http' => [
            'method' => 'POST', 'ignore_errors' => true, 'timeout' => 30,
            'header' => "Content-Type: $contentType\r\nConnection: close\r\n", 'content' => $body,
        ]]);
        $answer = @file_get_contents(self::$url, false, $context);
        self::assertIsString($answer, 'no answer; server log: ' . file_get_contents(self::$log));
        preg_match('#^HTTP/\S+ (\d+)#', $http_response_header[0] ?? '', $m);
        return [(int) ($m[1] ?? 0), $answer];
    }

    /** @param array<string, string> $fields */
    private static function multipart(array $fields): array
    {
        $boundary = 'siteverify' . bin2hex(random_bytes(8));
        $body = '';
        foreach ($fields as $name => $value) {
            $body .= "--$boundary\r\nContent-Disposition: form-data; name=\"$name\"\r\n\r\n$value\r\n";
        }
        $body .= "--$boundary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nattached\r\n--$boundary--\r\n";
        return ["multipart/form-data; boundary=$boundary", $body];
    }

    /** @return iterable<string, array{string, int}> */
    public static function tokens(): iterable
    {
        yield 'accepted' => ['pass', 200];
        yield 'rejected' => ['fail', 403];
        yield 'inconclusive' => ['status:code=503', 503];
    }

    /** @dataProvider tokens */
    public function testFormBody(string $token, int $status): void
    {
        [$got, $body] = self::post('application/x-www-form-urlencoded', http_build_query(['captchaToken' => $token, 'message' => 'hi']));
        self::assertSame($status, $got, $body);
        if ($status === 200) {
            self::assertSame('hi', json_decode($body, true)['message']);
        }
    }

    /** @dataProvider tokens */
    public function testMultipartBody(string $token, int $status): void
    {
        [$got, $body] = self::post(...self::multipart(['captchaToken' => $token, 'message' => 'hi']));
        self::assertSame($status, $got, $body);
        if ($status === 200) {
            self::assertSame('hi', json_decode($body, true)['message']);
        }
    }

    /** @dataProvider tokens */
    public function testJsonBody(string $token, int $status): void
    {
        $json = json_encode(['captchaToken' => $token, 'message' => 'hi']);
        [$got, $body] = self::post('application/json', $json);
        self::assertSame($status, $got, $body);
        if ($status === 200) {
            self::assertSame($json, json_decode($body, true)['body'], 'the handler reads the whole body');
        }
    }

    public function testTheConnectionAddressIsSent(): void
    {
        [$got, $body] = self::post('application/x-www-form-urlencoded', 'captchaToken=echo');
        self::assertSame(200, $got, $body);
        self::assertStringStartsWith('ip=127.0.0.1 ', json_decode($body, true)['action']);
    }
}
