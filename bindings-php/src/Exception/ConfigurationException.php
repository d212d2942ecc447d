<?php

declare(strict_types=1);

namespace Siteverify\Exception;

/**
 * The client options are invalid: an unknown option, a missing or empty
 * secret, a plain-HTTP endpoint, an out-of-range threshold... Error code
 * `configuration` (status 102). Thrown by `new Client([...])`.
 */
class ConfigurationException extends SiteverifyException
{
}
