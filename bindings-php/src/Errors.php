<?php

declare(strict_types=1);

namespace Siteverify;

use FFI;
use FFI\CData;
use Siteverify\Exception\ConfigurationException;
use Siteverify\Exception\InternalException;
use Siteverify\Exception\InvalidArgumentException;
use Siteverify\Exception\SiteverifyException;

/**
 * The library's failures as this package's exceptions: the code string and
 * message always come from the library (`sv_error_name`, `sv_error_message`,
 * `sv_status_str`).
 *
 * @internal
 */
final class Errors
{
    private function __construct()
    {
    }

    /** Turns a failed call's sv_error into an exception, and frees it. */
    public static function take(FFI $ffi, int $status, CData $err): SiteverifyException
    {
        try {
            if (FFI::isNull($err)) {
                $name = (string) $ffi->sv_status_str($status);
                return self::forStatus($status, $name, $name);
            }
            return self::forStatus(
                $ffi->sv_error_code($err),
                (string) $ffi->sv_error_name($err),
                (string) $ffi->sv_error_message($err)
            );
        } finally {
            $ffi->sv_error_free($err);
        }
    }

    /**
     * Throws for a status other than SV_OK from a call that reports no
     * sv_error (the per-call options' setters): the message names the
     * argument; the library's only reason to refuse a string there, other
     * than its content, is that it is not UTF-8.
     */
    public static function check(FFI $ffi, int $status, string $what): void
    {
        if ($status !== Abi::OK) {
            $name = (string) $ffi->sv_status_str($status);
            $message = $status === Abi::INVALID_ARGUMENT
                ? sprintf("'%s' refused by the library (%s: strings must be valid UTF-8)", $what, $name)
                : sprintf("'%s' refused by the library (%s)", $what, $name);
            throw self::forStatus($status, $name, $message);
        }
    }

    /** Every status to its exception class. */
    public static function forStatus(int $status, string $name, string $message): SiteverifyException
    {
        return match ($status) {
            Abi::NULL_ARGUMENT, Abi::INVALID_ARGUMENT => new InvalidArgumentException($message, $name, $status),
            Abi::CONFIGURATION => new ConfigurationException($message, $name, $status),
            Abi::BLOCKING_IN_ASYNC_CONTEXT, Abi::CANCELLED => new SiteverifyException($message, $name, $status),
            default => new InternalException($message, $name, $status),
        };
    }

    /**
     * A `configuration` error for what cannot reach the library at all: an
     * option value no C type can carry (an object, a string with a NUL byte),
     * or this package's own keys (`provider`, `shared`, `library_path`,
     * `header_path`) of the wrong type. The same code the core gives for a
     * wrongly typed option.
     */
    public static function configuration(string $message): ConfigurationException
    {
        return new ConfigurationException($message, 'configuration', Abi::CONFIGURATION);
    }

    /** An `invalid-argument` error for a per-call argument the library cannot receive (a NUL byte). */
    public static function invalidArgument(string $message): InvalidArgumentException
    {
        return new InvalidArgumentException($message, 'invalid-argument', Abi::INVALID_ARGUMENT);
    }
}
