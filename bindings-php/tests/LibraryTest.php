<?php

declare(strict_types=1);

namespace Siteverify\Tests;

use PHPUnit\Framework\TestCase;
use Siteverify\Library;
use Siteverify\Tests\Support\Mock;
use Siteverify\Tests\Support\Php;

/** Development loading (FFI::cdef) and its failures, each in a fresh php-cli. */
final class LibraryTest extends TestCase
{
    private const LOAD_CHECK = __DIR__ . '/fixtures/load-check.php';

    /**
     * @param array<string, string> $env
     * @param array<string, mixed>  $options
     * @param array<string, string> $ini
     * @return array<string, mixed>
     */
    private static function load(array $env, array $options = [], array $ini = []): array
    {
        $run = Php::run([self::LOAD_CHECK, Mock::url(), json_encode((object) $options)], $ini, $env);
        $result = json_decode(trim($run['stdout']), true);
        self::assertIsArray($result, "exit {$run['code']}: {$run['stdout']} {$run['stderr']}");
        return $result;
    }

    /** @return array<string, string> the environment with every siteverify path variable empty */
    private static function noPaths(): array
    {
        return ['SITEVERIFY_LIBRARY_PATH' => '', 'SITEVERIFY_HEADER_PATH' => '', 'SITEVERIFY_LIB_DIR' => '', 'SITEVERIFY_INCLUDE_DIR' => ''];
    }

    private static function libraryPath(): string
    {
        $dir = getenv('SITEVERIFY_LIB_DIR') ?: dirname(__DIR__, 2) . '/target/release';
        return getenv('SITEVERIFY_LIBRARY_PATH') ?: $dir . '/libsiteverify.so';
    }

    private static function headerPath(): string
    {
        $dir = getenv('SITEVERIFY_INCLUDE_DIR') ?: dirname(__DIR__, 2) . '/include';
        return getenv('SITEVERIFY_HEADER_PATH') ?: $dir . '/siteverify_php.h';
    }

    public function testThisProcessUsesCdef(): void
    {
        Library::ffi();
        self::assertSame('cdef', Library::source());
    }

    public function testDefaultSearchFindsTheRepositoryBuild(): void
    {
        $result = self::load(self::noPaths());
        self::assertSame(['reason' => 'verified', 'source' => 'cdef'], $result);
    }

    public function testEnvironmentVariables(): void
    {
        $result = self::load(['SITEVERIFY_LIBRARY_PATH' => self::libraryPath(), 'SITEVERIFY_HEADER_PATH' => self::headerPath()] + self::noPaths());
        self::assertSame('verified', $result['reason'] ?? $result);
    }

    public function testExplicitOptionsComeFirst(): void
    {
        $result = self::load(
            ['SITEVERIFY_LIBRARY_PATH' => '/nonexistent/libsiteverify.so', 'SITEVERIFY_HEADER_PATH' => '/nonexistent/siteverify_php.h'],
            ['library_path' => self::libraryPath(), 'header_path' => self::headerPath()]
        );
        self::assertSame('verified', $result['reason'] ?? $result);
    }

    public function testMissingLibrary(): void
    {
        $result = self::load(['SITEVERIFY_LIBRARY_PATH' => '/nonexistent/libsiteverify.so']);
        self::assertSame('Siteverify\Exception\LibraryException', $result['error'] ?? $result);
        self::assertSame('library-unavailable', $result['code']);
        self::assertStringContainsString('/nonexistent/libsiteverify.so', $result['message']);
    }

    public function testMissingHeader(): void
    {
        $result = self::load(['SITEVERIFY_HEADER_PATH' => '/nonexistent/siteverify_php.h']);
        self::assertSame('library-unavailable', $result['code'] ?? $result);
        self::assertStringContainsString('/nonexistent/siteverify_php.h', $result['message']);
    }

    public function testNotALibrary(): void
    {
        $result = self::load(['SITEVERIFY_LIBRARY_PATH' => self::headerPath()]);
        self::assertSame('library-unavailable', $result['code'] ?? $result);
    }

    public function testFfiDisabled(): void
    {
        $result = self::load([], [], ['ffi.enable' => '0']);
        self::assertSame('library-unavailable', $result['code'] ?? $result);
        self::assertStringContainsString('ffi.enable', $result['message']);
    }
}
