<?php

declare(strict_types=1);

namespace Siteverify\Tests\Support;

/** Runs a php-cli subprocess with extra ini settings and environment. */
final class Php
{
    public const ROOT = __DIR__ . '/../..';

    /**
     * @param list<string>          $args   arguments after the ini settings (a script and its arguments)
     * @param array<string, string> $ini
     * @param array<string, string> $env    added to this process's environment
     * @param list<string>          $prefix e.g. ['runuser', '-u', 'nobody', '--']
     * @return array{code: int, stdout: string, stderr: string}
     */
    public static function run(array $args, array $ini = [], array $env = [], array $prefix = [], int $timeout = 60): array
    {
        $command = $prefix;
        $command[] = PHP_BINARY;
        foreach ($ini as $key => $value) {
            $command[] = '-d';
            $command[] = "$key=$value";
        }
        array_push($command, ...$args);
        if ($prefix !== []) {
            // runuser and the like start with a clean environment: hand it over explicitly.
            $command = array_merge(
                array_slice($prefix, 0, -1),
                ['--', 'env'],
                array_map(static fn ($k, $v) => "$k=$v", array_keys($env), array_values($env)),
                array_slice($command, count($prefix))
            );
        }
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env + getenv());
        if (!is_resource($process)) {
            throw new \RuntimeException('cannot start ' . implode(' ', $command));
        }
        $stdout = '';
        $stderr = '';
        stream_set_blocking($pipes[1], false);
        stream_set_blocking($pipes[2], false);
        $deadline = microtime(true) + $timeout;
        while (true) {
            $read = array_filter([$pipes[1], $pipes[2]], static fn ($p) => !feof($p));
            if ($read === []) {
                break;
            }
            if (microtime(true) > $deadline) {
                proc_terminate($process, 9);
                throw new \RuntimeException('timeout: ' . implode(' ', $command) . "\n$stdout\n$stderr");
            }
            $write = $except = null;
            if (stream_select($read, $write, $except, 1) > 0) {
                foreach ($read as $pipe) {
                    $chunk = (string) fread($pipe, 65536);
                    if ($pipe === $pipes[1]) {
                        $stdout .= $chunk;
                    } else {
                        $stderr .= $chunk;
                    }
                }
            }
        }
        fclose($pipes[1]);
        fclose($pipes[2]);
        return ['code' => proc_close($process), 'stdout' => $stdout, 'stderr' => $stderr];
    }
}
