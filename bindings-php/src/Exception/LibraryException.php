<?php

declare(strict_types=1);

namespace Siteverify\Exception;

/**
 * libsiteverify could not be loaded: the library or header was not found,
 * FFI is disabled or restricted, or the library's ABI version is not the
 * one this package was written for. Error code `library-unavailable`,
 * `getCode()` 0.
 */
class LibraryException extends SiteverifyException
{
}
