<?php

declare(strict_types=1);

namespace Siteverify\Exception;

/**
 * A failure inside the library that is not the caller's fault: `panic` (900,
 * a Rust panic caught at the ABI boundary), `internal` (901), and any other
 * status this package does not know (`getErrorCode()` then being the
 * library's own name for it). Please report these.
 */
class InternalException extends SiteverifyException
{
}
