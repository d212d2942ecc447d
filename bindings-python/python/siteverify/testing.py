"""Test support: the siteverify mock provider, in-process.

:class:`MockProvider` serves the verify API of every provider in
:data:`siteverify.PROVIDERS` on a loopback port, on its own native threads,
and answers according to the scenario token it receives (``pass``, ``fail``,
``expired``, ``fail-open``, ``status:code=503``, ``hang`` ...; the list is in
the siteverify mock's README).
Point a client at it and test your form handler end to end, with no network
and no provider account::

    from siteverify.testing import MockProvider

    def test_signup_rejects_a_failed_captcha():
        with MockProvider() as mock:
            client = mock.client("prosopo")
            assert not client.verify("fail").accepted

With pytest, add ``pytest_plugins = ["siteverify.testing"]`` to your
``conftest.py`` for the ``mock_provider`` fixture (a fresh mock per test).
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Dict, Iterable, Iterator, Optional, Type, Union

from siteverify import AsyncClient, Client
from siteverify._native import _MockServer

__all__ = ["MockProvider", "MOCK_SECRET"]

MOCK_SECRET = "mock-secret"
"""The secret the mock accepts unless told otherwise."""


class MockProvider:
    """The mock provider, serving from construction until :meth:`close`.

    :param secret: the secret (or secrets) the mock accepts (default
        ``"mock-secret"``); requests with any other get the provider's
        invalid-secret answer.
    :param tls: serve HTTPS, with a CA generated now (:attr:`ca_pem`). The
        clients from :meth:`client` trust it; give ``ca_pems=mock.ca_pem`` to
        one you build yourself.
    :param wrong_hostname: with ``tls``, serve a certificate for another name
        (signed by the same CA): every verification is ``tls-failure``.

    Use it as a context manager (``with MockProvider() as mock:``) or call
    :meth:`close`. Thread-safe; any number of clients may use it at once.
    """

    __slots__ = ("_server", "_secret")

    def __init__(
        self,
        *,
        secret: Union[str, Iterable[str]] = MOCK_SECRET,
        tls: bool = False,
        wrong_hostname: bool = False,
    ) -> None:
        secrets = [secret] if isinstance(secret, str) else list(secret)
        self._server = _MockServer(secrets, tls, wrong_hostname)
        self._secret = secrets[0]

    def __enter__(self) -> MockProvider:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop serving (idempotent). :attr:`requests` keeps its last value."""
        self._server.close()

    @property
    def running(self) -> bool:
        """True until :meth:`close`."""
        return self._server.running

    @property
    def url(self) -> str:
        """The base URL, ``http://127.0.0.1:PORT`` (``https://`` with ``tls``)."""
        return self._server.url

    @property
    def secret(self) -> str:
        """The (first) secret the mock accepts."""
        return self._secret

    @property
    def ca_pem(self) -> Optional[str]:
        """With ``tls``: the CA certificate (PEM) to trust; otherwise None."""
        return self._server.ca_pem

    def endpoint(self, provider: str) -> str:
        """The verify URL of ``provider`` (a name from :data:`siteverify.PROVIDERS`), for ``endpoint=``.

        reCAPTCHA Enterprise's is for the project ``siteverify-mock`` (give
        ``project_id="siteverify-mock"``); the mock's site key is
        ``"mock-site-key"``.
        """
        return self._server.endpoint(provider)

    @property
    def requests(self) -> int:
        """HTTP requests the mock has served so far (verifications and retries)."""
        return self.stats()["requests"]

    def stats(self) -> Dict[str, int]:
        """Every counter: ``connections``, ``requests``, and the HTTPS-mode ones
        (``tls_handshakes``, ``tls_resumed``, ``tls_failed``, ``h2_connections``,
        ``h2_requests``)."""
        return self._server.stats()

    def _options(self, provider: str, options: Dict[str, Any]) -> Dict[str, Any]:
        options.setdefault("secret", self._secret)
        options.setdefault("endpoint", self.endpoint(provider))
        if self.ca_pem is not None:
            options.setdefault("ca_pems", self.ca_pem)
        return options

    def client(self, provider: str = "prosopo", **options: Any) -> Client:
        """A :class:`siteverify.Client` for this mock: its endpoint, secret and
        CA preset; any other option (``fail_mode``, ``max_retries`` ...) as given."""
        return Client(provider=provider, **self._options(provider, options))

    def async_client(self, provider: str = "prosopo", **options: Any) -> AsyncClient:
        """Like :meth:`client`, an :class:`siteverify.AsyncClient`."""
        return AsyncClient(provider=provider, **self._options(provider, options))

    def __repr__(self) -> str:
        state = "running" if self.running else "closed"
        return f"MockProvider(url={self.url!r}, {state})"


try:
    import pytest
except ImportError:  # pragma: no cover - the fixture is for pytest users only
    pass
else:
    __all__ += ["mock_provider"]

    @pytest.fixture
    def mock_provider() -> Iterator[MockProvider]:
        """A :class:`MockProvider` of this test's own (plain HTTP, secret
        ``"mock-secret"``), closed after the test."""
        with MockProvider() as mock:
            yield mock
