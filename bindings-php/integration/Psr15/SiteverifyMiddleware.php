<?php

declare(strict_types=1);

namespace Siteverify\Integration\Psr15;

use Psr\Http\Message\ResponseFactoryInterface;
use Psr\Http\Message\ResponseInterface;
use Psr\Http\Message\ServerRequestInterface;
use Psr\Http\Server\MiddlewareInterface;
use Psr\Http\Server\RequestHandlerInterface;
use Siteverify\Client;
use Siteverify\Integration\ClientIp;
use Siteverify\Integration\TokenField;
use Siteverify\Outcome;

/**
 * PSR-15 middleware: verifies the request's CAPTCHA token before the handler runs.
 *
 * - The token is read from the parsed body (form and multipart: `getParsedBody()`, an
 *   array or an object) or, when that holds none and the body is JSON
 *   (`application/json`, `*+json`), from the decoded body (the stream is rewound
 *   for the handler). A missing or non-string token is sent as the empty token,
 *   which the library rejects without a request.
 * - The client IP is `REMOTE_ADDR` of the server params; with `$trustedProxyHeader`
 *   (e.g. `X-Forwarded-For`, never set by default) it is that header's last entry,
 *   and no IP at all when the header is missing. A value that is not an IP
 *   literal sends no IP.
 * - Accepted: the handler runs with the Outcome in the request attribute
 *   `$attribute` (default `siteverify.outcome`). Not accepted: 403 when the
 *   answer was conclusive (rejected), 503 when it was not (provider down or
 *   misconfigured, under fail-closed), or what `$onFailure` returns.
 *
 * Attach it to the routes that receive the protected form: it verifies every
 * request it sees.
 */
final class SiteverifyMiddleware implements MiddlewareInterface
{
    public const ATTRIBUTE = 'siteverify.outcome';

    private readonly string $field;
    /** @var (\Closure(ServerRequestInterface, Outcome): ResponseInterface)|null */
    private readonly ?\Closure $onFailure;

    /**
     * @param string|null   $field              the token's field; default: the provider's (TokenField)
     * @param string|null   $trustedProxyHeader take the client IP from this header (only behind a
     *                                          proxy that sets it on every request)
     * @param callable|null $onFailure          fn(ServerRequestInterface $request, Outcome $outcome):
     *                                          ResponseInterface, the request carrying the attribute;
     *                                          default: a plain-text 403 or 503
     */
    public function __construct(
        private readonly Client $client,
        private readonly ResponseFactoryInterface $responses,
        ?string $field = null,
        private readonly ?string $trustedProxyHeader = null,
        private readonly string $attribute = self::ATTRIBUTE,
        ?callable $onFailure = null,
    ) {
        $this->field = $field ?? TokenField::forProvider($client->provider());
        $this->onFailure = $onFailure === null ? null : \Closure::fromCallable($onFailure);
    }

    public function process(ServerRequestInterface $request, RequestHandlerInterface $handler): ResponseInterface
    {
        $outcome = $this->client->verify($this->token($request) ?? '', $this->clientIp($request));
        $request = $request->withAttribute($this->attribute, $outcome);
        if ($outcome->accepted) {
            return $handler->handle($request);
        }
        if ($this->onFailure !== null) {
            return ($this->onFailure)($request, $outcome);
        }
        $response = $outcome->conclusive
            ? $this->responses->createResponse(403)
            : $this->responses->createResponse(503);
        $response->getBody()->write($outcome->conclusive
            ? "CAPTCHA verification failed.\n"
            : "CAPTCHA verification is unavailable; please try again later.\n");
        return $response->withHeader('Content-Type', 'text/plain; charset=utf-8');
    }

    /** The field this middleware reads. */
    public function field(): string
    {
        return $this->field;
    }

    private function token(ServerRequestInterface $request): ?string
    {
        $token = self::pick($request->getParsedBody(), $this->field);
        if ($token !== null || !self::isJson($request->getHeaderLine('Content-Type'))) {
            return $token;
        }
        $body = $request->getBody();
        if ($body->isSeekable()) {
            $body->rewind();
        }
        $json = $body->getContents();
        if ($body->isSeekable()) {
            $body->rewind();
        }
        try {
            return self::pick(json_decode($json, false, 64, JSON_THROW_ON_ERROR), $this->field);
        } catch (\JsonException) {
            return null;
        }
    }

    private function clientIp(ServerRequestInterface $request): ?string
    {
        if ($this->trustedProxyHeader !== null) {
            return ClientIp::fromHeader($request->getHeader($this->trustedProxyHeader));
        }
        return ClientIp::literal($request->getServerParams()['REMOTE_ADDR'] ?? null);
    }

    private static function pick(mixed $body, string $field): ?string
    {
        $value = match (true) {
            is_array($body) => $body[$field] ?? null,
            is_object($body) => $body->{$field} ?? null,
            default => null,
        };
        return is_string($value) ? $value : null;
    }

    private static function isJson(string $contentType): bool
    {
        $type = strtolower(trim(explode(';', $contentType, 2)[0]));
        return $type === 'application/json' || str_ends_with($type, '+json');
    }
}
