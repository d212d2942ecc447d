<?php

declare(strict_types=1);

namespace Siteverify\Integration\Laravel;

use Illuminate\Contracts\Container\Container;
use Illuminate\Support\ServiceProvider;
use Illuminate\Validation\Factory;
use Siteverify\Client;
use Siteverify\Errors;

/**
 * Registers a `Siteverify\Client` singleton built from `config('siteverify')`
 * (the Client options: `provider`, `secret`, ...; e.g. config/siteverify.php
 * returning `['provider' => 'gatekeeper', 'secret' => env('GATEKEEPER_SECRET')]`),
 * and the implicit string rule `siteverify` (SiteverifyRule).
 *
 * The client is built on first use, in each worker; with the default
 * `'shared' => true` its connections are reused across requests.
 */
final class SiteverifyServiceProvider extends ServiceProvider
{
    public function register(): void
    {
        $this->app->singleton(Client::class, static function (Container $app): Client {
            $options = $app->make('config')->get('siteverify');
            if (!is_array($options)) {
                throw Errors::configuration(
                    "config('siteverify') must be the Client options array (config/siteverify.php)"
                );
            }
            return new Client($options);
        });
        $this->app->alias(Client::class, 'siteverify');
    }

    public function boot(): void
    {
        $this->callAfterResolving('validator', static function (Factory $validator): void {
            $rule = static fn (): SiteverifyRule => new SiteverifyRule();
            $message = $rule()->message();
            $validator->extendImplicit(
                'siteverify',
                static fn (string $attribute, mixed $value): bool => $rule()->passes($attribute, $value),
                $message
            );
        });
    }
}
