"""What the framework integrations share: token fields, client IPs, status codes.

Framework-free on purpose: ``siteverify.django``, ``siteverify.flask`` and
``siteverify.fastapi`` import their framework, this module imports nothing but
the standard library. It holds no verdict logic: the status of a request comes
from ``outcome.accepted`` and ``outcome.conclusive`` alone.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Callable, Mapping, Optional

from siteverify._native import Outcome

__all__ = [
    "TOKEN_FIELDS",
    "token_field_for",
    "token_from_json",
    "parse_ip",
    "client_ip",
    "status_for",
    "message_for",
    "check_proxy_count",
]

#: The form field each provider's widget posts its token in, by provider name
#: (aliases included). GateKeeper documents none: ``captchaToken`` is the one of
#: its own examples.
TOKEN_FIELDS: Mapping[str, str] = {
    "prosopo": "procaptcha-response",
    "procaptcha": "procaptcha-response",
    "gatekeeper": "captchaToken",
    "gkcaptcha": "captchaToken",
    "turnstile": "cf-turnstile-response",
    "hcaptcha": "h-captcha-response",
    "recaptcha": "g-recaptcha-response",
    "recaptcha-enterprise": "g-recaptcha-response",
    "friendly": "frc-captcha-response",
    "yandex": "smart-token",
}


def token_field_for(provider: str, configured: Optional[str] = None) -> str:
    """The field to read the token from: ``configured`` if set, else the provider's own."""
    if configured is not None:
        if not isinstance(configured, str) or not configured:
            raise ValueError("token_field must be a non-empty string")
        return configured
    try:
        return TOKEN_FIELDS[provider.lower()]
    except KeyError:
        raise ValueError(f"no known token field for provider {provider!r}: set token_field") from None


def token_from_json(body: Any, field: str) -> Optional[str]:
    """``body[field]`` when the body is a JSON object and the value a string, else ``None``."""
    if isinstance(body, dict):
        value = body.get(field)
        if isinstance(value, str):
            return value
    return None


def parse_ip(value: Optional[str]) -> Optional[str]:
    """``value`` as a normalised IP address, or ``None`` when it is not one.

    Test clients (``"testclient"``), Unix socket peers (a path, or an empty
    string) and anything else that is not an IP address give ``None``: no IP
    is sent, and the request is still verified. An IPv6 zone (``%eth0``) is
    dropped, an IPv4-mapped IPv6 address becomes the IPv4 address.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    text = text.split("%", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def check_proxy_count(count: int) -> int:
    """Validate the ``trusted_proxy_count`` option (an int of at least 1)."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError("trusted_proxy_count must be an integer of at least 1")
    return count


def client_ip(
    peer: Optional[str],
    header_values: Callable[[str], list[str]],
    trusted_ip_header: Optional[str] = None,
    trusted_proxy_count: int = 1,
) -> Optional[str]:
    """The end user's IP address, or ``None`` when it is not known.

    Without ``trusted_ip_header`` (the default) it is the connection's peer
    address: a header is never trusted unless asked for. With it (e.g.
    ``"X-Forwarded-For"`` behind a reverse proxy), it is the
    ``trusted_proxy_count``-th address from the right of that header (all its
    lines, comma-separated lists included): the one the outermost of your
    proxies saw. The addresses left of it were written by the client and
    prove nothing. When the request carries no such header the peer address
    is used; when the entry is missing or not an IP, no IP is sent.

    :param peer: the connection's peer address as the framework reports it.
    :param header_values: returns every value of a request header, by name.
    """
    if trusted_ip_header is None:
        return parse_ip(peer)
    values = header_values(trusted_ip_header)
    if not values:
        return parse_ip(peer)
    entries = [part.strip() for value in values for part in value.split(",")]
    if len(entries) < trusted_proxy_count:
        return None
    return parse_ip(entries[-trusted_proxy_count])


def status_for(outcome: Outcome) -> Optional[int]:
    """``None`` when accepted; 503 when nobody could tell (fail-closed); else 403."""
    if outcome.accepted:
        return None
    return 403 if outcome.conclusive else 503


def message_for(outcome: Outcome) -> str:
    """A short text for a refused request, naming the outcome's reason."""
    if outcome.conclusive:
        return f"CAPTCHA check failed ({outcome.reason})"
    return f"CAPTCHA check unavailable ({outcome.reason}), please try again later"
