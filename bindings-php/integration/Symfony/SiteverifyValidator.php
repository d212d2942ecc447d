<?php

declare(strict_types=1);

namespace Siteverify\Integration\Symfony;

use Siteverify\Client;
use Siteverify\Integration\ClientIp;
use Siteverify\Integration\UnavailableHttpException;
use Siteverify\Outcome;
use Symfony\Component\HttpFoundation\RequestStack;
use Symfony\Component\Validator\Constraint;
use Symfony\Component\Validator\ConstraintValidator;
use Symfony\Component\Validator\Exception\UnexpectedTypeException;

/**
 * Verifies a Siteverify constraint's value with the injected Client.
 *
 * The IP is the current request's `getClientIp()`: the connection's address
 * unless the application trusts proxies (`framework.trusted_proxies`,
 * `Request::setTrustedProxies`, none by default). A value that is not an IP
 * literal, or no request (a console command), sends no IP. The Outcome is
 * set as the request attribute `siteverify.outcome`, is the violation's
 * cause, and is `lastOutcome()`.
 */
final class SiteverifyValidator extends ConstraintValidator
{
    public const ATTRIBUTE = 'siteverify.outcome';

    private ?Outcome $lastOutcome = null;

    public function __construct(
        private readonly Client $client,
        private readonly ?RequestStack $requestStack = null,
    ) {
    }

    /**
     * @throws UnavailableHttpException inconclusive under fail-closed
     */
    public function validate(mixed $value, Constraint $constraint): void
    {
        if (!$constraint instanceof Siteverify) {
            throw new UnexpectedTypeException($constraint, Siteverify::class);
        }
        $request = $this->requestStack?->getCurrentRequest();
        $outcome = $this->client->verify(
            is_string($value) ? $value : '',
            ClientIp::literal($request?->getClientIp())
        );
        $this->lastOutcome = $outcome;
        $request?->attributes->set(self::ATTRIBUTE, $outcome);
        if ($outcome->accepted) {
            return;
        }
        if (!$outcome->conclusive) {
            throw new UnavailableHttpException($outcome);
        }
        $this->context->buildViolation($constraint->message)
            ->setCode(Siteverify::REJECTED_ERROR)
            ->setCause($outcome)
            ->addViolation();
    }

    /** The last verification's Outcome (null before the first). */
    public function lastOutcome(): ?Outcome
    {
        return $this->lastOutcome;
    }
}
