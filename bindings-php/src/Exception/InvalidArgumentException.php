<?php

declare(strict_types=1);

namespace Siteverify\Exception;

/**
 * An argument is invalid: an option or argument of the wrong PHP type or out
 * of the C type's range, a string with a NUL byte or not UTF-8, an invalid
 * remote IP or email. Error code `invalid-argument` (status 101), or
 * `null-argument` (status 100, which means a bug in this package).
 */
class InvalidArgumentException extends SiteverifyException
{
}
