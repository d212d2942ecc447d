<?php

declare(strict_types=1);

namespace Siteverify\Integration;

/**
 * The end user's address as the integrations pass it to `Client::verify`.
 *
 * Only a literal IPv4/IPv6 address is sent. Anything else a server or test
 * client may put in its place (`testclient`, a Unix socket path, an empty
 * string) means "no IP": the verification goes on without one, never an error.
 */
final class ClientIp
{
    private function __construct()
    {
    }

    /** The address if it is an IP literal (brackets around IPv6 removed), else null. */
    public static function literal(mixed $address): ?string
    {
        if (!is_string($address)) {
            return null;
        }
        $address = trim($address);
        if (str_starts_with($address, '[') && str_ends_with($address, ']')) {
            $address = substr($address, 1, -1);
        }
        $ip = filter_var($address, FILTER_VALIDATE_IP);
        return $ip === false ? null : $ip;
    }

    /**
     * The address a trusted proxy header names: its last (right-most) entry,
     * the one your own proxy wrote (`X-Forwarded-For: client, proxy1` is
     * appended to by each hop; `X-Real-IP`, `CF-Connecting-IP` hold one).
     * Null when the header is absent or its last entry is not an IP.
     *
     * @param list<string> $values the header's values as PSR-7 gives them
     */
    public static function fromHeader(array $values): ?string
    {
        if ($values === []) {
            return null;
        }
        $entries = explode(',', implode(',', $values));
        return self::literal(end($entries));
    }
}
