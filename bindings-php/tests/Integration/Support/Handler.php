<?php

declare(strict_types=1);

namespace Siteverify\Tests\Integration\Support;

use Nyholm\Psr7\Response;
use Psr\Http\Message\ResponseInterface;
use Psr\Http\Message\ServerRequestInterface;
use Psr\Http\Server\RequestHandlerInterface;

/** A PSR-15 handler that records the request it got and answers 200 "handled". */
final class Handler implements RequestHandlerInterface
{
    public ?ServerRequestInterface $request = null;

    public function handle(ServerRequestInterface $request): ResponseInterface
    {
        $this->request = $request;
        return new Response(200, [], 'handled');
    }
}
