<?php

declare(strict_types=1);

namespace Siteverify\Tests;

use PHPUnit\Framework\TestCase;
use Siteverify\Library;
use Siteverify\Abi;

/** Abi's constants are the header's `#define`s, which FFI cannot read. */
final class ConstantsTest extends TestCase
{
    /** @return array<string, int|string> SV_NAME without the prefix => value, from include/siteverify.h */
    private static function defines(): array
    {
        $dir = getenv('SITEVERIFY_INCLUDE_DIR') ?: dirname(__DIR__, 2) . '/include';
        $header = file_get_contents($dir . '/siteverify.h');
        self::assertIsString($header);
        preg_match_all('/^#define SV_([A-Z0-9_]+) (-?\d+|"[^"]*")\s*$/m', $header, $m, PREG_SET_ORDER);
        $defines = [];
        foreach ($m as [, $name, $value]) {
            $defines[$name] = $value[0] === '"' ? substr($value, 1, -1) : (int) $value;
        }
        return $defines;
    }

    public function testEveryDefineHasTheSameValueInAbi(): void
    {
        $defines = self::defines();
        self::assertGreaterThan(30, count($defines));
        $constants = (new \ReflectionClass(Abi::class))->getConstants();
        foreach ($defines as $name => $value) {
            self::assertArrayHasKey($name, $constants, "Abi::$name missing (SV_$name in siteverify.h)");
            self::assertSame($value, $constants[$name], "Abi::$name differs from SV_$name");
        }
        foreach ($constants as $name => $_) {
            self::assertArrayHasKey($name, $defines, "Abi::$name has no SV_$name in siteverify.h");
        }
    }

    public function testTheLoadedLibraryMatches(): void
    {
        $ffi = Library::ffi();
        self::assertSame(Abi::ABI_VERSION, $ffi->sv_abi_version());
        self::assertSame(Abi::VERSION, Library::version());
        self::assertSame(
            sprintf('%d.%d.%d', Abi::VERSION_MAJOR, Abi::VERSION_MINOR, Abi::VERSION_PATCH),
            $ffi->sv_version()
        );
    }

    public function testReasonAndStatusNumbersMatchTheirNames(): void
    {
        $ffi = Library::ffi();
        foreach ((new \ReflectionClass(Abi::class))->getConstants() as $name => $value) {
            if (str_starts_with($name, 'REASON_')) {
                self::assertSame(strtolower(str_replace('_', '-', substr($name, 7))), $ffi->sv_reason_str($value));
            }
        }
        $statuses = ['OK', 'NULL_ARGUMENT', 'INVALID_ARGUMENT', 'CONFIGURATION', 'BLOCKING_IN_ASYNC_CONTEXT', 'CANCELLED', 'PANIC', 'INTERNAL'];
        foreach ($statuses as $name) {
            self::assertSame(
                strtolower(str_replace('_', '-', $name)),
                $ffi->sv_status_str(constant(Abi::class . '::' . $name))
            );
        }
    }

    /** @group deprecated */
    public function testNativeIsTheOldNameOfAbi(): void
    {
        self::assertTrue(class_exists('Siteverify\\Native'));
        self::assertSame(Abi::class, (new \ReflectionClass('Siteverify\\Native'))->getName());
        self::assertSame(Abi::CONFIGURATION, constant('Siteverify\\Native::CONFIGURATION'));
    }
}
