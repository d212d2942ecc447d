<?php

/**
 * opcache.preload script for siteverify (production, php-fpm).
 *
 *   opcache.preload=/path/to/vendor/siteverify/siteverify/preload.php
 *   ; ffi.enable=preload is PHP's default: leave it
 *   ; PHP started as root (a php-fpm service) also needs, see README.md:
 *   ;   ffi.preload=/etc/php/siteverify-ffi.h   (vendor/bin/siteverify-ffi-header writes it)
 *   ;   opcache.preload_user=www-data
 *
 * It preloads the package's classes and, unless ffi.preload already did,
 * loads libsiteverify once, in the master process, with FFI::load() under
 * the scope "siteverify" (FFI::load() does not work when PHP started as root:
 * it then preloads in a child process as opcache.preload_user). Every request
 * of every forked worker then reaches the library through FFI::scope(), which
 * ffi.enable=preload allows outside the CLI only to preloaded code: these
 * classes (FFI::cdef() it never allows there). So this file is needed with
 * ffi.preload too.
 *
 * The library and header are found as in development: $SITEVERIFY_LIBRARY_PATH
 * and $SITEVERIFY_HEADER_PATH (or the default search, see src/Library.php) in
 * the environment of the process that starts PHP. A failure stops PHP's
 * startup with the reason, rather than failing later on every request.
 */

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    $prefix = 'Siteverify\\';
    if (str_starts_with($class, $prefix)) {
        $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
        if (is_file($file)) {
            require_once $file;
        }
    }
});

// Every class of the package, parents first (the autoloader resolves them), so opcache links and keeps them.
$iterator = new RecursiveIteratorIterator(
    new RecursiveDirectoryIterator(__DIR__ . '/src', FilesystemIterator::SKIP_DOTS)
);
$files = [];
foreach ($iterator as $file) {
    if ($file->getExtension() === 'php') {
        $files[] = $file->getPathname();
    }
}
sort($files);
foreach ($files as $file) {
    $class = 'Siteverify\\' . str_replace('/', '\\', substr($file, strlen(__DIR__ . '/src/'), -4));
    class_exists($class) || interface_exists($class) || enum_exists($class);
}

Siteverify\Library::preload();
