"""siteverify._web: what the framework integrations share (no framework, no mock needed)."""

from __future__ import annotations

from typing import Dict, List, Optional

import pytest

from siteverify._web import TOKEN_FIELDS, client_ip, parse_ip, token_field_for, token_from_json


@pytest.mark.parametrize("value, expected", [
    ("127.0.0.1", "127.0.0.1"), (" 203.0.113.7 ", "203.0.113.7"), ("2001:DB8::1", "2001:db8::1"),
    ("[2001:db8::1]", "2001:db8::1"), ("fe80::1%eth0", "fe80::1"), ("::ffff:192.0.2.1", "192.0.2.1"),
    ("testclient", None), ("", None), ("/run/app.sock", None), ("unix:/tmp/s", None), (None, None),
    ("1.2.3.4:80", None), ("256.1.1.1", None),
])
def test_parse_ip(value: Optional[str], expected: Optional[str]) -> None:
    assert parse_ip(value) == expected


def headers(**values: List[str]) -> Dict[str, List[str]]:
    return {k.replace("_", "-").lower(): v for k, v in values.items()}


def test_client_ip_trusts_no_header_by_default() -> None:
    h = headers(x_forwarded_for=["198.51.100.9"])
    assert client_ip("10.0.0.1", lambda n: h.get(n.lower(), [])) == "10.0.0.1"
    assert client_ip("testclient", lambda n: h.get(n.lower(), [])) is None


def test_client_ip_from_a_trusted_header() -> None:
    h = headers(x_forwarded_for=["1.1.1.1, 2.2.2.2", "3.3.3.3"])
    get = lambda n: h.get(n.lower(), [])  # noqa: E731
    assert client_ip("10.0.0.1", get, "X-Forwarded-For") == "3.3.3.3"
    assert client_ip("10.0.0.1", get, "X-Forwarded-For", 2) == "2.2.2.2"
    assert client_ip("10.0.0.1", get, "X-Forwarded-For", 3) == "1.1.1.1"
    assert client_ip("10.0.0.1", get, "X-Forwarded-For", 4) is None  # fewer entries than proxies
    assert client_ip("10.0.0.1", get, "X-Real-IP") == "10.0.0.1"  # header absent: the peer


def test_token_fields() -> None:
    assert token_field_for("prosopo") == "procaptcha-response"
    assert token_field_for("gatekeeper") == "captchaToken"
    assert token_field_for("Turnstile") == "cf-turnstile-response"
    assert token_field_for("recaptcha-enterprise") == TOKEN_FIELDS["recaptcha"] == "g-recaptcha-response"
    assert (token_field_for("hcaptcha"), token_field_for("friendly"), token_field_for("yandex")) == \
        ("h-captcha-response", "frc-captcha-response", "smart-token")
    assert token_field_for("prosopo", "mine") == "mine"
    with pytest.raises(ValueError):
        token_field_for("unknown")
    with pytest.raises(ValueError):
        token_field_for("prosopo", "")


def test_token_from_json() -> None:
    assert token_from_json({"t": "x"}, "t") == "x"
    for body in ({"t": 1}, {"t": None}, {"t": ["x"]}, ["t"], "t", None, {}):
        assert token_from_json(body, "t") is None
