<?php

declare(strict_types=1);

namespace Siteverify;

use FFI;
use Siteverify\Exception\LibraryException;

/**
 * Loads libsiteverify through ext-ffi, once per request (an `FFI` object
 * cannot outlive a request; the library itself stays loaded in the process).
 *
 * Production: `preload.php` (set as `opcache.preload`) preloads these classes
 * and calls `Library::preload()`, which registers the FFI scope `siteverify`
 * in the master process (or finds it registered by `ffi.preload`); every
 * request and every forked worker then gets it with `FFI::scope()`, which the
 * default `ffi.enable=preload` allows outside the CLI only to preloaded code.
 *
 * Development: without a preloaded scope, `FFI::cdef()` reads the header and
 * opens the library (this needs `ffi.enable=1`, or the CLI). The library is the
 * first of: the `library_path` client option, `$SITEVERIFY_LIBRARY_PATH`,
 * `$SITEVERIFY_LIB_DIR/libsiteverify.so`, the package's own
 * `lib/<os>-<arch>/libsiteverify.so` (`make dist`), the repository's
 * `target/release/libsiteverify.so`, then `libsiteverify.so.1` through the
 * system loader (LD_LIBRARY_PATH, ldconfig). The header is the first of: the
 * `header_path` option, `$SITEVERIFY_HEADER_PATH`,
 * `$SITEVERIFY_INCLUDE_DIR/siteverify_php.h`, the package's own
 * `include/siteverify_php.h`, the repository's `include/siteverify_php.h`, `/usr/local/include/siteverify_php.h`,
 * `/usr/include/siteverify_php.h`.
 *
 * When the scope is preloaded it is always used: one process, one copy of
 * the library (and of its shared-client cache).
 */
final class Library
{
    public const SCOPE = 'siteverify';

    private static ?FFI $ffi = null;
    private static string $source = '';

    private function __construct()
    {
    }

    /**
     * The FFI object for libsiteverify: the preloaded scope when there is one,
     * else a `FFI::cdef()` of the header and library.
     *
     * @throws LibraryException
     */
    public static function ffi(?string $libraryPath = null, ?string $headerPath = null): FFI
    {
        if (self::$ffi !== null) {
            return self::$ffi;
        }
        if (!extension_loaded('ffi')) {
            throw new LibraryException('the PHP FFI extension (ext-ffi) is not loaded', 'library-unavailable');
        }
        $ffi = self::scope();
        $source = 'scope';
        if ($ffi === null) {
            $ffi = self::cdef($libraryPath, $headerPath);
            $source = 'cdef';
        }
        self::checkAbi($ffi);
        self::$ffi = $ffi;
        self::$source = $source;
        return $ffi;
    }

    /**
     * How the library was loaded in this request: `scope` (preloaded with
     * `FFI::load`), `cdef`, or `''` when not loaded yet.
     */
    public static function source(): string
    {
        return self::$source;
    }

    /** The loaded library's version, e.g. `0.1.0` (`sv_version()`). */
    public static function version(): string
    {
        return (string) self::ffi()->sv_version();
    }

    /**
     * For `opcache.preload` (preload.php calls it): makes the scope
     * `siteverify` exist for every request and forked worker, so that they
     * reach the library through `FFI::scope()` under `ffi.enable=preload`.
     *
     * If `ffi.preload` already registered the scope, there is nothing to do.
     * Otherwise the library is loaded with `FFI::load()`, which needs
     * `#define FFI_SCOPE`/`FFI_LIB` lines in the header it reads: they are
     * written with the header's text into a private temporary file (0600,
     * from `tempnam`), removed once loaded.
     *
     * PHP started as root (a php-fpm master) runs opcache.preload in a child
     * process as `opcache.preload_user`, where `FFI::load()` refuses to work:
     * there, use `ffi.preload` with the header `bin/siteverify-ffi-header` writes,
     * and keep `opcache.preload`: outside the CLI, `ffi.enable=preload` lets only
     * preloaded code (the package's classes, preloaded by preload.php) use FFI.
     *
     * @throws LibraryException
     */
    public static function preload(?string $libraryPath = null, ?string $headerPath = null): void
    {
        if (!extension_loaded('ffi')) {
            throw new LibraryException('the PHP FFI extension (ext-ffi) is not loaded', 'library-unavailable');
        }
        $scope = self::scope();
        if ($scope !== null) {
            self::checkAbi($scope);
            return;
        }
        $text = self::scopedHeader($libraryPath, $headerPath);
        $dir = getenv('SITEVERIFY_PRELOAD_DIR') ?: sys_get_temp_dir();
        $file = @tempnam($dir, 'siteverify-ffi-');
        if ($file === false) {
            throw new LibraryException("cannot create a temporary header in $dir", 'library-unavailable');
        }
        try {
            if (file_put_contents($file, $text) !== strlen($text)) {
                throw new LibraryException("cannot write $file", 'library-unavailable');
            }
            try {
                $ffi = FFI::load($file);
            } catch (\FFI\Exception $e) {
                $hint = str_contains($e->getMessage(), 'preload_user')
                    ? ' PHP runs as root here, so opcache.preload runs as opcache.preload_user in a child process,'
                    . ' where FFI::load() cannot work. Write the header once with'
                    . ' `vendor/bin/siteverify-ffi-header /etc/php/siteverify-ffi.h` and set'
                    . ' ffi.preload=/etc/php/siteverify-ffi.h'
                    . ' (and keep this opcache.preload: only preloaded code may use FFI).'
                    : '';
                $message = 'FFI::load() failed: ' . $e->getMessage() . $hint;
                throw new LibraryException($message, 'library-unavailable', 0, $e);
            }
            if ($ffi === null) {
                throw new LibraryException('FFI::load() failed', 'library-unavailable');
            }
            self::checkAbi($ffi);
        } finally {
            @unlink($file);
        }
    }

    /**
     * The header text for `FFI::load()` or `ffi.preload`: `siteverify_php.h`
     * preceded by `#define FFI_SCOPE "siteverify"` and `#define FFI_LIB "<library>"`.
     *
     * @throws LibraryException
     */
    public static function scopedHeader(?string $libraryPath = null, ?string $headerPath = null): string
    {
        $library = self::findLibrary($libraryPath);
        $header = self::readHeader($headerPath);
        if (preg_match('/["\\\\\x00-\x1f]/', $library) === 1) {
            throw new LibraryException("unusable library path for FFI_LIB: $library", 'library-unavailable');
        }
        return '#define FFI_SCOPE "' . self::SCOPE . "\"\n"
            . '#define FFI_LIB "' . $library . "\"\n"
            . $header;
    }

    /** The preloaded scope, or null when there is none. */
    private static function scope(): ?FFI
    {
        try {
            return FFI::scope(self::SCOPE);
        } catch (\FFI\Exception) {
            return null;
        }
    }

    private static function cdef(?string $libraryPath, ?string $headerPath): FFI
    {
        $library = self::findLibrary($libraryPath);
        $header = self::readHeader($headerPath);
        try {
            return FFI::cdef($header, $library);
        } catch (\FFI\Exception $e) {
            if (!str_contains($e->getMessage(), 'restricted')) {
                $hint = ' (set the library_path option or $SITEVERIFY_LIBRARY_PATH)';
            } elseif ((string) ini_get('ffi.preload') !== '') {
                // FFI::scope() was refused too: outside the CLI, ffi.enable=preload lets only
                // preloaded code call FFI, so ffi.preload without opcache.preload cannot work.
                $hint = ' (ffi.preload loaded the library, but with ffi.enable=preload only preloaded code may'
                    . ' use FFI: set opcache.preload to siteverify\'s preload.php too, so this package is preloaded)';
            } else {
                $hint = ' (with ffi.enable=preload, set opcache.preload to siteverify\'s preload.php;'
                    . ' or set ffi.enable=1)';
            }
            $message = "cannot load $library: " . $e->getMessage() . $hint;
            throw new LibraryException($message, 'library-unavailable', 0, $e);
        }
    }

    private static function checkAbi(FFI $ffi): void
    {
        $abi = $ffi->sv_abi_version();
        if ($abi !== Abi::ABI_VERSION) {
            throw new LibraryException(
                sprintf('libsiteverify ABI version %d, this package needs %d', $abi, Abi::ABI_VERSION),
                'library-unavailable'
            );
        }
    }

    /** The library to open: a path that exists, or the SONAME for the system loader. */
    private static function findLibrary(?string $explicit): string
    {
        if ($explicit !== null && $explicit !== '') {
            return self::mustExist($explicit, 'library_path');
        }
        $env = getenv('SITEVERIFY_LIBRARY_PATH');
        if (is_string($env) && $env !== '') {
            return self::mustExist($env, 'SITEVERIFY_LIBRARY_PATH');
        }
        $candidates = [];
        $dir = getenv('SITEVERIFY_LIB_DIR');
        if (is_string($dir) && $dir !== '') {
            $candidates[] = $dir . '/libsiteverify.so';
        }
        // The Composer package from `make dist` carries it: lib/linux-x86_64/, lib/linux-aarch64/.
        $platform = strtolower(PHP_OS_FAMILY) . '-' . php_uname('m');
        $candidates[] = dirname(__DIR__) . '/lib/' . $platform . '/libsiteverify.so';
        $candidates[] = dirname(__DIR__, 2) . '/target/release/libsiteverify.so';
        foreach ($candidates as $candidate) {
            if (is_file($candidate)) {
                return realpath($candidate) ?: $candidate;
            }
        }
        return 'libsiteverify.so.' . Abi::ABI_VERSION;
    }

    private static function readHeader(?string $explicit): string
    {
        if ($explicit !== null && $explicit !== '') {
            $path = self::mustExist($explicit, 'header_path');
        } else {
            $env = getenv('SITEVERIFY_HEADER_PATH');
            if (is_string($env) && $env !== '') {
                $path = self::mustExist($env, 'SITEVERIFY_HEADER_PATH');
            } else {
                $candidates = [];
                $dir = getenv('SITEVERIFY_INCLUDE_DIR');
                if (is_string($dir) && $dir !== '') {
                    $candidates[] = $dir . '/siteverify_php.h';
                }
                $candidates[] = dirname(__DIR__) . '/include/siteverify_php.h';
                $candidates[] = dirname(__DIR__, 2) . '/include/siteverify_php.h';
                $candidates[] = '/usr/local/include/siteverify_php.h';
                $candidates[] = '/usr/include/siteverify_php.h';
                $path = null;
                foreach ($candidates as $candidate) {
                    if (is_file($candidate)) {
                        $path = $candidate;
                        break;
                    }
                }
                if ($path === null) {
                    throw new LibraryException(
                        'siteverify_php.h not found (set the header_path option or $SITEVERIFY_HEADER_PATH);'
                        . ' looked in: '
                        . implode(', ', $candidates),
                        'library-unavailable'
                    );
                }
            }
        }
        $text = @file_get_contents($path);
        if ($text === false) {
            throw new LibraryException("cannot read $path", 'library-unavailable');
        }
        return $text;
    }

    private static function mustExist(string $path, string $from): string
    {
        if (!is_file($path)) {
            throw new LibraryException("$from: no such file: $path", 'library-unavailable');
        }
        return $path;
    }
}
