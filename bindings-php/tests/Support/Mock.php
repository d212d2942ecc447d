<?php

declare(strict_types=1);

namespace Siteverify\Tests\Support;

/**
 * The mock provider (target/release/siteverify-mock, or $SITEVERIFY_MOCK_BIN),
 * one process for the whole test run, stopped at exit.
 */
final class Mock
{
    private static ?self $instance = null;

    /** @var resource */
    private $process;
    /** @var array<int, resource> */
    private array $pipes;
    public readonly string $url;

    private function __construct()
    {
        $bin = getenv('SITEVERIFY_MOCK_BIN') ?: dirname(__DIR__, 3) . '/target/release/siteverify-mock';
        if (!is_executable($bin)) {
            throw new \RuntimeException("mock provider not found: $bin (run `make build` at the top level)");
        }
        $process = proc_open([$bin, '--port', '0'], [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => STDERR], $pipes);
        if (!is_resource($process)) {
            throw new \RuntimeException("cannot start $bin");
        }
        $this->process = $process;
        $this->pipes = $pipes;
        $line = fgets($pipes[1]);
        if ($line === false || !str_starts_with($line, 'http')) {
            throw new \RuntimeException('the mock did not print its URL');
        }
        $this->url = rtrim($line);
    }

    public static function get(): self
    {
        if (self::$instance === null) {
            self::$instance = new self();
            register_shutdown_function(static function (): void {
                self::$instance?->stop();
                self::$instance = null;
            });
        }
        return self::$instance;
    }

    public static function url(): string
    {
        return self::get()->url;
    }

    public static function endpoint(string $provider): string
    {
        return self::url() . ($provider === 'prosopo' ? '/siteverify' : '/api/v1/token/verify');
    }

    /**
     * TCP connections the mock accepted, requests it answered.
     *
     * @return array{connections: int, requests: int}
     */
    public static function stats(): array
    {
        // A raw one-shot connection (counted by the mock too: callers compare deltas of their own calls).
        $body = file_get_contents(self::url() . '/__mock/stats', false, stream_context_create([
            'http' => ['header' => "Connection: close\r\n", 'timeout' => 5],
        ]));
        if ($body === false) {
            throw new \RuntimeException('cannot read the mock stats');
        }
        $stats = json_decode($body, true, 4, JSON_THROW_ON_ERROR);
        return ['connections' => (int) $stats['connections'], 'requests' => (int) $stats['requests']];
    }

    public function stop(): void
    {
        foreach ($this->pipes as $pipe) {
            if (is_resource($pipe)) {
                fclose($pipe);
            }
        }
        if (is_resource($this->process)) {
            proc_terminate($this->process);
            proc_close($this->process);
        }
    }
}
