"""Django integration: ``pip install siteverify[django]``.

Configure one client in ``settings.py``; every key but the three of this module
is a :class:`siteverify.Client` option::

    SITEVERIFY = {
        "provider": "prosopo",
        "secret": os.environ["PROSOPO_SECRET_KEY"],
        # "token_field": "procaptcha-response",   # default: the provider's field
        # "trusted_ip_header": "X-Forwarded-For", # default: none, the peer address
        # "trusted_proxy_count": 1,
    }

Then either a form field, whose ``cleaned_data`` value is the
:class:`~siteverify.Outcome`::

    class SignupForm(forms.Form):
        email = forms.EmailField()
        captcha = CaptchaField()

    form = attach_request(SignupForm(request.POST), request)  # sends the client IP

(a rejected token is a ``ValidationError`` with code ``captcha_invalid``, an
inconclusive outcome under ``fail_mode="closed"`` one with code
``captcha_unavailable``), or a view decorator answering 403 / 503::

    @require_captcha
    def signup(request): return JsonResponse({"score": outcome_of(request).score})
"""

from __future__ import annotations

import functools
import json
import threading
from typing import Any, Callable, Dict, List, Optional, TypeVar, Union, cast, overload

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.signals import setting_changed
from django.forms import Field, Widget
from django.forms.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from siteverify import Client, Outcome
from siteverify._web import check_proxy_count, client_ip, message_for, status_for, token_field_for, token_from_json

__all__ = ["CaptchaField", "CaptchaWidget", "attach_request", "get_client", "outcome_of", "request_ip",
           "require_captcha", "verify_request"]

_OWN_KEYS = ("token_field", "trusted_ip_header", "trusted_proxy_count")

V = TypeVar("V", bound=Callable[..., Any])
FormT = TypeVar("FormT", bound=BaseForm)


class _Config:
    __slots__ = ("client", "token_field", "trusted_ip_header", "trusted_proxy_count")

    def __init__(self, raw: Any) -> None:
        if not isinstance(raw, dict):
            raise ImproperlyConfigured("settings.SITEVERIFY must be a dict of siteverify options")
        options: Dict[str, Any] = {k: v for k, v in raw.items() if k not in _OWN_KEYS}
        missing = [name for name in ("provider", "secret") if options.get(name) is None]
        if missing:
            raise ImproperlyConfigured(f"settings.SITEVERIFY needs {' and '.join(map(repr, missing))}")
        try:
            self.client = Client(**options)
            self.token_field = token_field_for(self.client.provider, raw.get("token_field"))
            self.trusted_proxy_count = check_proxy_count(raw.get("trusted_proxy_count", 1))
        except (TypeError, ValueError) as e:  # ConfigurationError is a ValueError
            raise ImproperlyConfigured(f"settings.SITEVERIFY: {e}") from e
        header = raw.get("trusted_ip_header")
        if header is not None and (not isinstance(header, str) or not header):
            raise ImproperlyConfigured("settings.SITEVERIFY: trusted_ip_header must be a header name")
        self.trusted_ip_header: Optional[str] = header


_lock = threading.Lock()
_config: Optional[_Config] = None


def _get_config() -> _Config:
    global _config
    with _lock:
        if _config is None:
            _config = _Config(getattr(settings, "SITEVERIFY", None))
        return _config


def _reset(*, setting: str, **kwargs: Any) -> None:
    """Forget the client when ``SITEVERIFY`` changes (``override_settings`` in tests)."""
    global _config
    if setting == "SITEVERIFY":
        with _lock:
            _config = None


setting_changed.connect(_reset, dispatch_uid="siteverify.django.reset")


def get_client() -> Client:
    """The :class:`siteverify.Client` built from ``settings.SITEVERIFY`` (once, then shared)."""
    return _get_config().client


def request_ip(request: HttpRequest) -> Optional[str]:
    """The client IP to send for ``request``, or ``None``.

    ``REMOTE_ADDR`` unless ``SITEVERIFY["trusted_ip_header"]`` names a header
    your reverse proxy sets (see :func:`siteverify._web.client_ip`); anything
    that is not an IP address (a Unix socket peer...) gives ``None``.
    """
    config = _get_config()

    def header_values(name: str) -> List[str]:
        value = request.META.get("HTTP_" + name.upper().replace("-", "_"))
        return [value] if isinstance(value, str) else []

    return client_ip(request.META.get("REMOTE_ADDR"), header_values, config.trusted_ip_header,
                     config.trusted_proxy_count)


def _token(request: HttpRequest, field: str) -> Optional[str]:
    content_type = request.content_type or ""
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            body = json.loads(request.body)
        except ValueError:  # not JSON, or not UTF-8 (UnicodeDecodeError is a ValueError)
            return None
        return token_from_json(body, field)
    value = request.POST.get(field)  # urlencoded and multipart forms
    return value if isinstance(value, str) else None


def verify_request(request: HttpRequest, *, token_field: Optional[str] = None) -> Outcome:
    """Verify ``request``'s token (form, multipart or JSON body) and return the outcome.

    The outcome is also set as ``request.siteverify``. A missing token is
    verified as ``None``: rejected (``token-invalid``) without a request to the
    provider.
    """
    config = _get_config()
    token = _token(request, token_field or config.token_field)
    outcome = config.client.verify(token, remote_ip=request_ip(request))
    setattr(request, "siteverify", outcome)
    return outcome


def outcome_of(request: HttpRequest) -> Outcome:
    """``request.siteverify``, typed: the outcome :func:`require_captcha` or :func:`verify_request` set.

    :raises LookupError: the request was not verified.
    """
    outcome = getattr(request, "siteverify", None)
    if not isinstance(outcome, Outcome):
        raise LookupError("this request was not verified by siteverify.django")
    return outcome


def _refusal(outcome: Outcome) -> Optional[HttpResponse]:
    status = status_for(outcome)
    if status is None:
        return None
    return HttpResponse(message_for(outcome), status=status, content_type="text/plain; charset=utf-8")


@overload
def require_captcha(view: V) -> V: ...


@overload
def require_captcha(*, token_field: Optional[str] = None) -> Callable[[V], V]: ...


def require_captcha(view: Optional[V] = None, *, token_field: Optional[str] = None) -> Union[V, Callable[[V], V]]:
    """A view decorator: the view runs only when the request's token is accepted.

    Otherwise it answers 403 (rejected) or 503 (inconclusive: the provider is
    down or misconfigured and ``fail_mode`` is ``"closed"``) with a short
    text naming the reason. The outcome is on ``request.siteverify`` in every
    case. Works on sync and async views (an async view verifies in a worker
    thread); use as ``@require_captcha`` or ``@require_captcha(token_field=...)``.
    """

    def decorate(func: V) -> V:
        if iscoroutinefunction(func):

            async def async_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                verify = sync_to_async(verify_request, thread_sensitive=False)
                refusal = _refusal(await verify(request, token_field=token_field))
                if refusal is not None:
                    return refusal
                return await func(request, *args, **kwargs)

            return cast(V, markcoroutinefunction(functools.wraps(func)(async_wrapper)))

        @functools.wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            refusal = _refusal(verify_request(request, token_field=token_field))
            if refusal is not None:
                return refusal
            return func(request, *args, **kwargs)

        return cast(V, wrapper)

    if view is not None:
        return decorate(view)
    return decorate


class CaptchaWidget(Widget):
    """Reads the token from the provider's field (``procaptcha-response``...), not the form field's name.

    Renders nothing: the provider's own script and markup go in your template.
    """

    def __init__(self, token_field: Optional[str] = None, attrs: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(attrs)
        self.token_field = token_field

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = data.get(self.token_field or _get_config().token_field)
        return value if isinstance(value, str) else None

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False

    def render(self, name: str, value: Any, attrs: Optional[Dict[str, Any]] = None,
               renderer: Any = None) -> SafeString:
        return SafeString("")


class CaptchaField(Field):
    """A form field verifying the CAPTCHA token in ``clean()``; its cleaned value is the :class:`~siteverify.Outcome`.

    A rejected token raises ``ValidationError`` with code ``captcha_invalid``;
    an inconclusive outcome (provider down or misconfigured, under
    ``fail_mode="closed"``) raises one with code ``captcha_unavailable``, so a
    form can tell "try again later" from "you failed". ``outcome`` holds the
    last outcome either way, and ``remote_ip`` the IP to send (set it with
    :func:`attach_request`).
    """

    widget = CaptchaWidget
    default_error_messages = {
        "captcha_invalid": _("CAPTCHA check failed (%(reason)s)."),
        "captcha_unavailable": _("The CAPTCHA check is unavailable (%(reason)s); please try again later."),
    }

    def __init__(self, *, token_field: Optional[str] = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", CaptchaWidget(token_field))
        super().__init__(**kwargs)
        if token_field is not None and isinstance(self.widget, CaptchaWidget):
            self.widget.token_field = token_field
        self.remote_ip: Optional[str] = None
        self.outcome: Optional[Outcome] = None

    def clean(self, value: Any) -> Outcome:
        outcome = get_client().verify(value if isinstance(value, str) else None, remote_ip=self.remote_ip)
        self.outcome = outcome
        if outcome.accepted:
            return outcome
        code = "captcha_invalid" if outcome.conclusive else "captcha_unavailable"
        raise ValidationError(self.error_messages[code], code=code, params={"reason": outcome.reason})


def attach_request(form: FormT, request: HttpRequest) -> FormT:
    """Give every :class:`CaptchaField` of ``form`` the client IP of ``request``; returns ``form``."""
    ip = request_ip(request)
    for field in form.fields.values():
        if isinstance(field, CaptchaField):
            field.remote_ip = ip
    return form
