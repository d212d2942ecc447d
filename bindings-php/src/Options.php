<?php

declare(strict_types=1);

namespace Siteverify;

use FFI;
use FFI\CData;

/**
 * Hands a `Client` options array to the core, value by value, through the
 * C ABI's generic setters `sv_client_builder_set_option_*`. Nothing is
 * validated, converted or defaulted here: the core owns every option, its
 * default and every error (README.md "Options").
 *
 * - The key is the core's option name, with a unit suffix `_ms` or
 *   `_seconds` removed (`timeout_ms` is the core's `timeout`).
 * - The value goes as PHP typed it: a string by `_str`, a bool by `_bool`,
 *   an int by `_i64`, a float by `_f64`, an array one element at a time
 *   (list options add one per call; an empty array adds none). An int or
 *   float under a unit suffix (not inside an array) is a duration and goes
 *   as milliseconds by `_millis`.
 * - `null` leaves the option unset (the core's default).
 *
 * So a wrong type (`'timeout_ms' => '5000'`, `'max_retries' => 1.5`) and an
 * unknown key are the core's `configuration` errors, as in every binding.
 *
 * @internal
 */
final class Options
{
    /** Keys this package reads itself (Client, Library); the core never sees them. */
    public const PACKAGE_KEYS = ['provider', 'shared', 'library_path', 'header_path'];

    /** Unit suffixes of duration keys, and what turns their number into milliseconds. */
    private const UNITS = ['_ms' => 1.0, '_seconds' => 1000.0];

    private function __construct()
    {
    }

    /**
     * @param array<mixed> $options
     *
     * @throws Exception\SiteverifyException the core refused a value, or a value cannot reach it
     */
    public static function apply(FFI $ffi, CData $builder, #[\SensitiveParameter] array $options): void
    {
        foreach ($options as $key => $value) {
            $key = (string) $key;
            if ($value === null || in_array($key, self::PACKAGE_KEYS, true)) {
                continue;
            }
            $name = $key;
            $toMillis = null;
            foreach (self::UNITS as $suffix => $factor) {
                if (str_ends_with($key, $suffix)) {
                    $name = substr($key, 0, -strlen($suffix));
                    $toMillis = $factor;
                    break;
                }
            }
            if (str_contains($name, "\0")) {
                // A C string would end at the NUL, naming another option.
                throw Errors::configuration(sprintf('unknown option %s', json_encode($key)));
            }
            self::set($ffi, $builder, $key, $name, $toMillis, $value);
        }
    }

    private static function set(
        FFI $ffi,
        CData $builder,
        string $key,
        string $name,
        ?float $toMillis,
        #[\SensitiveParameter] mixed $value
    ): void {
        if (is_array($value)) {
            // Elements are typed as they are, never as durations: a list under a duration
            // key (`'timeout_ms' => [5000]`) is the core's wrong-type error.
            foreach ($value as $element) {
                self::set($ffi, $builder, $key, $name, null, $element);
            }
            return;
        }
        $err = $ffi->new('sv_error*');
        $status = match (true) {
            $toMillis !== null && (is_int($value) || is_float($value))
                => $ffi->sv_client_builder_set_option_millis($builder, $name, $value * $toMillis, FFI::addr($err)),
            is_string($value)
                => $ffi->sv_client_builder_set_option_str($builder, $name, self::text($key, $value), FFI::addr($err)),
            is_bool($value) => $ffi->sv_client_builder_set_option_bool($builder, $name, $value, FFI::addr($err)),
            is_int($value) => $ffi->sv_client_builder_set_option_i64($builder, $name, $value, FFI::addr($err)),
            is_float($value) => $ffi->sv_client_builder_set_option_f64($builder, $name, $value, FFI::addr($err)),
            // Never the value itself: a secret may sit in the wrong key.
            default => throw Errors::configuration(sprintf(
                'option %s: a PHP %s cannot be passed to the library (use a string, bool, int, float or array)',
                $key,
                get_debug_type($value)
            )),
        };
        if ($status !== Abi::OK) {
            throw Errors::take($ffi, $status, $err);
        }
    }

    /** A C string ends at the first NUL byte: the core would see a cut value, so it sees none. */
    private static function text(string $key, #[\SensitiveParameter] string $value): string
    {
        if (str_contains($value, "\0")) {
            throw Errors::configuration(sprintf('option %s must not contain a NUL byte', $key));
        }
        return $value;
    }
}
