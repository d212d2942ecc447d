"""The exceptions siteverify raises. Every one derives from :class:`SiteverifyError`."""

from __future__ import annotations

from typing import Optional, Tuple, Type

__all__ = [
    "SiteverifyError",
    "ConfigurationError",
    "InvalidArgumentError",
    "BlockingInAsyncContextError",
    "VerificationCancelledError",
    "ClientClosedError",
    "InternalError",
]


class SiteverifyError(Exception):
    """Base class of every exception the ``siteverify`` package raises.

    ``code`` is a stable, machine-readable kebab-case string: the Rust core's
    error code (``"configuration"``, ``"invalid-argument"``, ...). ``str(error)``
    is a human-readable message that never contains the secret.

    A bad token, a provider outage or a provider refusing the secret are not
    exceptions: they are :class:`siteverify.Outcome` values, because the
    application needs a decision for them.
    """

    code: str = "error"

    def __init__(self, message: str = "", code: Optional[str] = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        """The human-readable message (the same as ``str(error)``)."""
        return str(self)

    def __reduce__(self) -> Tuple[Type[SiteverifyError], Tuple[str, str]]:
        return (type(self), (str(self), self.code))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r}, code={self.code!r})"


class ConfigurationError(SiteverifyError, ValueError):
    """The client configuration is invalid (code ``"configuration"``).

    Raised by ``Client(...)`` and ``AsyncClient(...)``: empty secret, unknown
    provider, bad or plain-HTTP endpoint, endpoint together with region,
    out-of-range timeout or score threshold, a check the provider cannot
    support, a wrongly typed option. The Rust core decides and words every
    one, the same in every siteverify binding. Also a :class:`ValueError`.
    """

    code = "configuration"


class InvalidArgumentError(SiteverifyError, ValueError):
    """A per-call argument is invalid (code ``"invalid-argument"``).

    Raised by ``verify()`` for a ``remote_ip`` that is not an IP address, an
    ``email`` without a valid domain, or an argument of the wrong type (a
    token that is neither ``str`` nor ``None``). Also a :class:`ValueError`.
    """

    code = "invalid-argument"


class BlockingInAsyncContextError(SiteverifyError, RuntimeError):
    """A blocking call was made where it would deadlock (code ``"blocking-in-async-context"``)."""

    code = "blocking-in-async-context"


class VerificationCancelledError(SiteverifyError):
    """The verification was cancelled before it finished (code ``"cancelled"``).

    Cancelling an ``await AsyncClient.verify(...)`` raises
    :class:`asyncio.CancelledError` as usual; this class exists for the
    core code, should a future API report it.
    """

    code = "cancelled"


class ClientClosedError(SiteverifyError, RuntimeError):
    """The client was closed (code ``"closed"``)."""

    code = "closed"


class InternalError(SiteverifyError):
    """A bug in siteverify; please report it (code ``"internal"``)."""

    code = "internal"
