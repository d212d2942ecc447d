"""Flask integration: ``pip install siteverify[flask]``.

>>> from flask import Flask, g
>>> from siteverify.flask import Siteverify
>>> app = Flask(__name__)
>>> app.config.update(SITEVERIFY_PROVIDER="prosopo", SITEVERIFY_SECRET="...")  # doctest: +SKIP
>>> captcha = Siteverify(app)                                                   # doctest: +SKIP
>>> @app.post("/signup")                                                        # doctest: +SKIP
... @captcha.required
... def signup(): return {"score": g.siteverify.score}

``@captcha.required`` verifies the request's token before the view runs:
403 when it is rejected, 503 when the provider could not tell under
``fail_mode="closed"`` (both through :func:`flask.abort`, so your error
handlers apply). The :class:`~siteverify.Outcome` is on ``flask.g.siteverify``
either way.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Dict, Optional, TypeVar, cast

from flask import Flask, abort, current_app, g, request

from siteverify import Client, Outcome
from siteverify._web import check_proxy_count, client_ip, message_for, status_for, token_field_for, token_from_json

__all__ = ["Siteverify"]

F = TypeVar("F", bound=Callable[..., Any])

_PREFIX = "SITEVERIFY_"
# Config keys read by the extension itself; every other SITEVERIFY_* key is a
# Client option (SITEVERIFY_SCORE_THRESHOLD -> score_threshold=...).
_OWN_KEYS = {"TOKEN_FIELD", "TRUSTED_IP_HEADER", "TRUSTED_PROXY_COUNT"}
_EXTENSION = "siteverify"


class _State:
    __slots__ = ("client", "token_field", "trusted_ip_header", "trusted_proxy_count")

    def __init__(self, client: Client, token_field: str, trusted_ip_header: Optional[str],
                 trusted_proxy_count: int) -> None:
        self.client = client
        self.token_field = token_field
        self.trusted_ip_header = trusted_ip_header
        self.trusted_proxy_count = trusted_proxy_count


class Siteverify:
    """The siteverify Flask extension: ``Siteverify(app)`` or ``Siteverify()`` then ``init_app(app)``.

    Configuration, from ``app.config``:

    - ``SITEVERIFY_PROVIDER``, ``SITEVERIFY_SECRET`` (required unless a
      ``client`` is given) and any other :class:`siteverify.Client` option as
      ``SITEVERIFY_<OPTION>`` (``SITEVERIFY_ENDPOINT``,
      ``SITEVERIFY_SCORE_THRESHOLD``, ``SITEVERIFY_FAIL_MODE``...);
    - ``SITEVERIFY_TOKEN_FIELD``: the form or JSON field holding the token
      (default: the provider's, e.g. ``procaptcha-response``);
    - ``SITEVERIFY_TRUSTED_IP_HEADER``: a header set by your reverse proxy to
      take the client IP from (e.g. ``X-Forwarded-For``); unset (the default),
      the IP is the connection's peer address and no header is trusted;
    - ``SITEVERIFY_TRUSTED_PROXY_COUNT``: how many proxies of yours append to
      that header (default 1).

    :param client: a ready :class:`siteverify.Client` to use instead of one
        built from the ``SITEVERIFY_*`` client options.
    """

    def __init__(self, app: Optional[Flask] = None, *, client: Optional[Client] = None) -> None:
        self._client = client
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Build the client from ``app.config`` and register it on ``app``."""
        options: Dict[str, Any] = {
            key[len(_PREFIX):].lower(): value
            for key, value in app.config.items()
            if key.startswith(_PREFIX) and key[len(_PREFIX):] not in _OWN_KEYS
        }
        if self._client is not None:
            client = self._client
        else:
            missing = [f"{_PREFIX}{name.upper()}" for name in ("provider", "secret") if options.get(name) is None]
            if missing:
                raise RuntimeError(f"siteverify: set {' and '.join(missing)} in the Flask config")
            client = Client(**options)
        app.extensions[_EXTENSION] = _State(
            client,
            token_field_for(client.provider, app.config.get(_PREFIX + "TOKEN_FIELD")),
            app.config.get(_PREFIX + "TRUSTED_IP_HEADER"),
            check_proxy_count(app.config.get(_PREFIX + "TRUSTED_PROXY_COUNT", 1)),
        )

    @staticmethod
    def _state() -> _State:
        state = current_app.extensions.get(_EXTENSION)
        if not isinstance(state, _State):
            raise RuntimeError("siteverify: Siteverify(app) or init_app(app) was not called for this app")
        return state

    @property
    def client(self) -> Client:
        """The current app's client (inside an app context)."""
        return self._state().client

    def verify_request(self) -> Outcome:
        """Verify the current request's token and return the outcome (no abort).

        The token is read from the form (urlencoded or multipart) or, for a JSON
        request, from the body's top-level object. A missing or non-string token
        is verified as ``None``: rejected (``token-invalid``) without a request
        to the provider. The outcome is also stored on ``flask.g.siteverify``.
        """
        state = self._state()
        field = state.token_field
        token: Optional[str]
        if request.is_json:
            token = token_from_json(request.get_json(silent=True), field)
        else:
            token = request.form.get(field)
        ip = client_ip(request.remote_addr, request.headers.getlist, state.trusted_ip_header,
                       state.trusted_proxy_count)
        outcome = state.client.verify(token, remote_ip=ip)
        g.siteverify = outcome
        return outcome

    def required(self, view: F) -> F:
        """A view decorator: the view runs only when the request's token is accepted.

        Otherwise ``abort(403)`` (rejected) or ``abort(503)`` (inconclusive: the
        provider is down or misconfigured and ``fail_mode`` is ``"closed"``), with
        the outcome's reason in the description; ``flask.g.siteverify`` holds the
        outcome in both cases.
        """

        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            outcome = self.verify_request()
            status = status_for(outcome)
            if status is not None:
                current_app.logger.info("captcha refused (%d): %s", status, outcome.reason)
                abort(status, description=message_for(outcome))
            return current_app.ensure_sync(view)(*args, **kwargs)

        return cast(F, wrapper)
