<?php

declare(strict_types=1);

namespace Siteverify\Exception;

/**
 * The base of every exception this package throws.
 *
 * `getErrorCode()` (also the readonly `$errorCode` property) is the stable
 * kebab-case name of the error, the same string as the C ABI's
 * `sv_error_name` and the other bindings' `code`: `configuration`,
 * `invalid-argument`, `internal`, ... `getCode()` is the C status number
 * (`Abi::CONFIGURATION` = 102, ...), or 0 for errors raised by PHP code
 * before the library was reached (`library-unavailable`).
 *
 * A verdict is never an exception: a bad token or an unreachable provider
 * is an `Outcome`. An exception means the call itself was wrong.
 */
class SiteverifyException extends \RuntimeException
{
    public readonly string $errorCode;

    public function __construct(string $message, string $errorCode, int $status = 0, ?\Throwable $previous = null)
    {
        parent::__construct($message, $status, $previous);
        $this->errorCode = $errorCode;
    }

    /** The stable kebab-case error code, e.g. `configuration`. */
    public function getErrorCode(): string
    {
        return $this->errorCode;
    }
}
