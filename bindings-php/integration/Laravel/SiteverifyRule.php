<?php

declare(strict_types=1);

namespace Siteverify\Integration\Laravel;

use Illuminate\Container\Container;
use Illuminate\Contracts\Validation\ImplicitRule;
use Illuminate\Http\Request;
use Siteverify\Client;
use Siteverify\Integration\ClientIp;
use Siteverify\Integration\UnavailableHttpException;
use Siteverify\Outcome;

/**
 * A Laravel validation rule that verifies the field's value as a CAPTCHA token.
 *
 * ```php
 * $request->validate(['captchaToken' => [new SiteverifyRule()]]);   // or the string rule 'siteverify'
 * ```
 *
 * - Implicit: it runs when the field is missing too (an empty token, rejected).
 * - The client is the container's `Siteverify\Client` (SiteverifyServiceProvider, from
 *   `config('siteverify')`) unless one is given; the IP is the current request's
 *   `ip()`, i.e. the connection's address unless the application trusts proxies
 *   (Laravel's TrustProxies middleware, none trusted by default). A value that is
 *   not an IP literal sends no IP.
 * - Rejected (conclusive): the field fails with `message()`, a form error (422 for JSON).
 * - Inconclusive under fail-closed: throws UnavailableHttpException, rendered as 503.
 * - The Outcome: `outcome()`, and the request attribute `siteverify.outcome`
 *   (`$request->attributes->get('siteverify.outcome')`).
 *
 * Laravel 8 (Debian 12's php-laravel-framework) has `Rule`/`ImplicitRule`; later
 * versions still accept them.
 */
final class SiteverifyRule implements ImplicitRule
{
    public const ATTRIBUTE = 'siteverify.outcome';

    private ?Outcome $outcome = null;

    public function __construct(
        private readonly ?Client $client = null,
        private readonly ?Request $request = null,
        private readonly string $message = 'The CAPTCHA verification failed; please try again.',
    ) {
    }

    /**
     * @param string $attribute
     * @param mixed  $value
     *
     * @throws UnavailableHttpException inconclusive under fail-closed
     */
    public function passes($attribute, $value): bool
    {
        $container = Container::getInstance();
        $client = $this->client ?? $container->make(Client::class);
        $request = $this->request ?? ($container->bound('request') ? $container->make('request') : null);
        $request = $request instanceof Request ? $request : null;

        $outcome = $client->verify(is_string($value) ? $value : '', ClientIp::literal($request?->ip()));
        $this->outcome = $outcome;
        $request?->attributes->set(self::ATTRIBUTE, $outcome);
        if ($outcome->accepted) {
            return true;
        }
        if (!$outcome->conclusive) {
            throw new UnavailableHttpException($outcome);
        }
        return false;
    }

    public function message(): string
    {
        return $this->message;
    }

    /** The last verification's Outcome, null before `passes` ran. */
    public function outcome(): ?Outcome
    {
        return $this->outcome;
    }
}
