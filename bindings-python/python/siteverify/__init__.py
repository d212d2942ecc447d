"""Server-side CAPTCHA verification: Prosopo Procaptcha, GateKeeper gkCAPTCHA,
Cloudflare Turnstile, hCaptcha, reCAPTCHA (v2/v3 and Enterprise), Friendly
Captcha and Yandex SmartCaptcha (the names are in :data:`PROVIDERS`).

A native module over the siteverify Rust core: one connection pool per client,
timeouts and retries that are safe for single-use tokens, and one verdict model
(:class:`Outcome`) shared with every other siteverify binding.

>>> import siteverify
>>> client = siteverify.Client(provider="prosopo", secret="...")  # doctest: +SKIP
>>> outcome = client.verify(token)                                # doctest: +SKIP
>>> if not outcome.accepted: ...                                  # doctest: +SKIP

Use :class:`Client` in threaded code (Flask, Django, scripts) and
:class:`AsyncClient` under asyncio (FastAPI, aiohttp, Starlette). Build one
client per configuration at startup and share it: both are thread-safe.

Every verification is logged on the logger ``siteverify`` (accepted at DEBUG,
rejected at INFO, refused requests, TLS failures and fail-open answers at
WARNING), with the event's fields as record attributes (``provider``,
``reason``, ``accepted``, ``latency_ms``, ``token_fingerprint`` ...), never
the token or the secret. :mod:`siteverify.testing` runs the mock provider
in-process for your tests; :mod:`siteverify.prometheus` exports metrics.
"""

from __future__ import annotations

import logging
from typing import Optional

from siteverify._errors import (
    BlockingInAsyncContextError,
    ClientClosedError,
    ConfigurationError,
    InternalError,
    InvalidArgumentError,
    SiteverifyError,
    VerificationCancelledError,
)
from siteverify._native import (
    DEFAULT_ATTEMPT_TIMEOUT,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RETRIES,
    DEFAULT_RETRY_BASE_DELAY,
    DEFAULT_RETRY_MAX_DELAY,
    DEFAULT_TIMEOUT,
    LATENCY_BUCKETS,
    PROVIDERS,
    REASONS,
    Histogram,
    Outcome,
    Stats,
    __version__,
    _ClientCore,
)

__all__ = [
    "Client",
    "AsyncClient",
    "Outcome",
    "Stats",
    "Histogram",
    "REASONS",
    "PROVIDERS",
    "LATENCY_BUCKETS",
    "SiteverifyError",
    "ConfigurationError",
    "InvalidArgumentError",
    "BlockingInAsyncContextError",
    "VerificationCancelledError",
    "ClientClosedError",
    "InternalError",
    "DEFAULT_TIMEOUT",
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_ATTEMPT_TIMEOUT",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_RETRY_BASE_DELAY",
    "DEFAULT_RETRY_MAX_DELAY",
    "__version__",
]

# A library adds no handler of its own but this one (the logging HOWTO's
# advice): the application configures logging, and an application that does
# not gets no stderr lines from siteverify.
logging.getLogger("siteverify").addHandler(logging.NullHandler())

_OPTIONS_DOC = """
    Every argument is keyword-only and goes to the Rust core as its Python
    type says. Durations are in seconds (int or float). ``None`` means the
    core's default.

    :param provider: a provider name from :data:`PROVIDERS`: ``"prosopo"``,
        ``"gatekeeper"``, ``"turnstile"``, ``"hcaptcha"``, ``"recaptcha"``,
        ``"recaptcha-enterprise"``, ``"friendly"`` or ``"yandex"`` (what each
        takes and reports: the "Providers" section of siteverify's README).
    :param secret: the provider secret key (reCAPTCHA Enterprise: the API
        key). Never shown in repr, str, exceptions or logs.
    :param site_key: the site key tokens must belong to: hCaptcha and Friendly
        (optional, recommended), reCAPTCHA Enterprise (required); refused by
        the other providers.
    :param project_id: the Google Cloud project ID (reCAPTCHA Enterprise only,
        required).
    :param endpoint: a full verify URL (path included), e.g. a mock or a proxy.
        HTTPS only, except to loopback or with ``allow_http=True``. Excludes
        ``region``.
    :param region: Prosopo ``"eu"``, ``"us"`` or ``"global"``; Friendly
        ``"eu"`` or ``"global"``.
    :param timeout: total deadline of one verification, retries included
        (default 10.0 s).
    :param connect_timeout: TCP+TLS connect timeout (default 3.0 s).
    :param attempt_timeout: timeout of one HTTP attempt (default 6.0 s,
        capped by ``timeout``).
    :param max_retries: retries after the first attempt, only on connect
        errors, timeouts, 5xx and 429 (default 2, at most 10).
    :param retry_base_delay: first backoff ceiling, doubled per retry, full
        jitter (default 0.2 s).
    :param retry_max_delay: backoff cap (default 2.0 s).
    :param expected_hostnames: a hostname or an iterable of hostnames; any one
        passes (exact, case-insensitive). Only providers that report a hostname.
    :param expected_actions: an action or an iterable of actions; any one
        passes (exact, case-sensitive). Only providers that report an action.
    :param score_threshold: reject when the score is above it, or missing
        (0 = human, 1 = bot; within [0, 1]). Only providers that report a score.
    :param max_age: reject challenges solved longer ago than this many seconds.
        Only providers that report when the challenge was solved.
    :param fail_mode: ``"closed"`` (default: inconclusive outcomes are not
        accepted) or ``"open"`` (an inconclusive outcome is accepted, with
        ``conclusive=False``, only during a confirmed outage: the provider
        was unreachable before the token was sent, or siteverify's own
        outage probe failed too; ``detail`` says which).
    :param on_fail_open: what a suspected provider fail-open answer counts as:
        ``"accept"`` (flagged with reason ``provider-fail-open``) or
        ``"reject"``. Unset, it follows ``fail_mode``: rejected under
        ``"closed"``, accepted and flagged under ``"open"``.
    :param proxy: an explicit proxy URL (``http://``, ``https://``,
        ``socks5://``). Without it ``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY``
        apply.
    :param ca_pems: extra trusted CA certificates: PEM text (``str`` or
        ``bytes``) or an iterable of them.
    :param ca_files: extra trusted CA files: a path or an iterable of paths,
        read when the client is built.
    :param allow_http: allow a plain-HTTP endpoint that is not loopback (the
        secret then travels in the clear).
    :raises ConfigurationError: for any invalid option value (code
        ``"configuration"``), and for an option or check the provider cannot
        use (``site_key`` for Turnstile, a hostname Prosopo never reports): the
        Rust core checks every value, so the same mistake gets the same code
        and message in every siteverify binding.
    :raises TypeError: for an unknown (misspelt) option.
"""


class Client(_ClientCore):
    """A blocking verifier for one provider, secret and policy.

    Thread-safe and cheap to share: build one at startup and use it from every
    request thread, so its connection pool stays warm. ``verify()`` releases
    the GIL while it waits for the provider.
    """

    __doc__ = (__doc__ or "") + _OPTIONS_DOC
    __slots__ = ()

    def verify(
        self,
        token: Optional[str],
        *,
        remote_ip: Optional[str] = None,
        email: Optional[str] = None,
    ) -> Outcome:
        """Verify ``token`` and return the :class:`Outcome`; act on ``outcome.accepted``.

        Blocks until the provider answers or the client's ``timeout`` passes,
        with the GIL released the whole time. Every verdict is an Outcome,
        provider outages included; ``None``, an empty token or one holding
        lone surrogates is rejected without a request (reason ``token-invalid``).

        :param token: the token from the widget's form field (e.g.
            ``procaptcha-response``), or ``None`` when the field is missing.
        :param remote_ip: the end user's IP address (optional).
        :param email: the end user's email (Prosopo only; only its domain is sent).
        :raises InvalidArgumentError: ``remote_ip`` or ``email`` is invalid, or
            an argument has the wrong type.
        """
        return self._verify(token, remote_ip, email)


class AsyncClient(_ClientCore):
    """An asyncio verifier for one provider, secret and policy.

    ``await client.verify(token)`` runs the request on siteverify's shared
    native runtime, never blocking the event loop. Cancelling the awaiting
    task cancels the request. One client can serve any number of concurrent
    calls and any number of event loops; build it once at startup.
    """

    __doc__ = (__doc__ or "") + _OPTIONS_DOC
    __slots__ = ()

    async def verify(
        self,
        token: Optional[str],
        *,
        remote_ip: Optional[str] = None,
        email: Optional[str] = None,
    ) -> Outcome:
        """Verify ``token`` and return the :class:`Outcome`; act on ``outcome.accepted``.

        Must be awaited inside a running asyncio event loop. Every verdict is
        an Outcome, provider outages included; ``None``, an empty token or one
        holding lone surrogates is rejected without a request (reason
        ``token-invalid``). Cancelling the awaiting task aborts the request.

        :param token: the token from the widget's form field, or ``None`` when
            the field is missing.
        :param remote_ip: the end user's IP address (optional).
        :param email: the end user's email (Prosopo only; only its domain is sent).
        :raises InvalidArgumentError: ``remote_ip`` or ``email`` is invalid, or
            an argument has the wrong type.
        """
        future, abort = self._verify_start(token, remote_ip, email)
        try:
            return await future
        except BaseException:
            # Cancelled (or this coroutine closed): the request is dropped and
            # the future, if still pending, settled as cancelled.
            future.cancel()
            abort()
            raise
