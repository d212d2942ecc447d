<?php

declare(strict_types=1);

namespace Siteverify\Integration;

use Siteverify\Outcome;
use Symfony\Component\HttpKernel\Exception\ServiceUnavailableHttpException;

/**
 * Thrown by the Laravel rule and the Symfony constraint when the verification
 * was inconclusive under fail-closed (`!$outcome->accepted && !$outcome->conclusive`:
 * the provider is down, a configuration problem): Laravel and Symfony render it
 * as 503 Service Unavailable, not as a form error the user could fix.
 *
 * Needs symfony/http-kernel (Laravel requires it; in a Symfony application it is there).
 */
final class UnavailableHttpException extends ServiceUnavailableHttpException
{
    public function __construct(public readonly Outcome $outcome)
    {
        parent::__construct(null, 'CAPTCHA verification is unavailable; please try again later.');
    }
}
