"""FastAPI and Starlette integration: ``pip install siteverify[fastapi]``.

>>> from fastapi import Depends, FastAPI
>>> from siteverify import AsyncClient, Outcome
>>> from siteverify.fastapi import CaptchaVerified
>>> captcha = CaptchaVerified(AsyncClient(provider="prosopo", secret="..."))  # doctest: +SKIP
>>> @app.post("/signup")                                                     # doctest: +SKIP
... async def signup(outcome: Outcome = Depends(captcha)): ...

The dependency reads the token from a urlencoded or multipart form, or a JSON
object body, verifies it with the :class:`~siteverify.AsyncClient` and returns
the :class:`~siteverify.Outcome` (also on ``request.state.siteverify``). It
raises ``HTTPException(403)`` when the token is rejected and
``HTTPException(503)`` when the outcome is inconclusive under
``fail_mode="closed"``. It needs only Starlette: in a plain Starlette endpoint,
``outcome = await captcha(request)`` does the same.
"""

from __future__ import annotations

from typing import Any, List, Optional

from starlette.exceptions import HTTPException
from starlette.requests import Request

from siteverify import AsyncClient, Outcome
from siteverify._web import check_proxy_count, client_ip, message_for, status_for, token_field_for, token_from_json

__all__ = ["CaptchaVerified"]

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class CaptchaVerified:
    """A FastAPI dependency (``Depends(CaptchaVerified(client))``) that admits only accepted tokens.

    :param client: the :class:`siteverify.AsyncClient` to verify with (build it
        once, at startup).
    :param token_field: the form or JSON field holding the token (default: the
        provider's, e.g. ``procaptcha-response`` or ``captchaToken``).
    :param trusted_ip_header: a header your reverse proxy sets to take the
        client IP from (e.g. ``"X-Forwarded-For"``). ``None`` (the default):
        the connection's peer address, no header trusted. Uvicorn's
        ``--proxy-headers`` with ``--forwarded-allow-ips`` is the other way.
    :param trusted_proxy_count: how many proxies of yours append to that
        header (default 1): the address taken is that many from the right.

    A peer that is not an IP address (``TestClient``'s ``"testclient"``, a Unix
    socket) means no IP is sent.
    """

    def __init__(
        self,
        client: AsyncClient,
        *,
        token_field: Optional[str] = None,
        trusted_ip_header: Optional[str] = None,
        trusted_proxy_count: int = 1,
    ) -> None:
        if not isinstance(client, AsyncClient):
            raise TypeError("CaptchaVerified needs a siteverify.AsyncClient")
        if trusted_ip_header is not None and (not isinstance(trusted_ip_header, str) or not trusted_ip_header):
            raise ValueError("trusted_ip_header must be a header name")
        self.client = client
        self.token_field = token_field_for(client.provider, token_field)
        self.trusted_ip_header = trusted_ip_header
        self.trusted_proxy_count = check_proxy_count(trusted_proxy_count)

    async def token(self, request: Request) -> Optional[str]:
        """The request's token, or ``None`` when the body holds none (or is unreadable)."""
        content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if content_type == "application/json" or content_type.endswith("+json"):
            try:
                body: Any = await request.json()
            except ValueError:  # not JSON, or not UTF-8
                return None
            return token_from_json(body, self.token_field)
        if content_type in _FORM_TYPES:
            try:
                form = await request.form()
            except HTTPException:  # a malformed multipart body: Starlette's 400
                return None
            value = form.get(self.token_field)
            return value if isinstance(value, str) else None  # an uploaded file is no token
        return None

    def remote_ip(self, request: Request) -> Optional[str]:
        """The client IP to send, or ``None`` when the peer is not an IP address."""

        def header_values(name: str) -> List[str]:
            return request.headers.getlist(name)

        peer = request.client.host if request.client is not None else None
        return client_ip(peer, header_values, self.trusted_ip_header, self.trusted_proxy_count)

    async def __call__(self, request: Request) -> Outcome:
        outcome = await self.client.verify(await self.token(request), remote_ip=self.remote_ip(request))
        request.state.siteverify = outcome
        status = status_for(outcome)
        if status is not None:
            raise HTTPException(status_code=status, detail=message_for(outcome))
        return outcome
