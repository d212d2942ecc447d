"""siteverify.django inside Django: its test client, a form, views, against the mock provider."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator

import pytest

django = pytest.importorskip("django")

import django_support  # noqa: E402

django_support.configure()

from django import forms  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402
from django.http import HttpRequest, HttpResponse, JsonResponse  # noqa: E402
from django.test import Client as DjangoClient  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.urls import path  # noqa: E402

from conftest import SECRET, Mock  # noqa: E402
from siteverify.django import (  # noqa: E402
    CaptchaField,
    attach_request,
    get_client,
    outcome_of,
    request_ip,
    require_captcha,
)

import siteverify  # noqa: E402


class SignupForm(forms.Form):
    email = forms.EmailField()
    captcha = CaptchaField()


def outcome_json(request: HttpRequest) -> Dict[str, Any]:
    outcome = outcome_of(request)
    return {"reason": outcome.reason, "score": outcome.score, "seen": outcome.provider_reason}


@require_captcha
def protected(request: HttpRequest) -> HttpResponse:
    return JsonResponse(outcome_json(request))


@require_captcha(token_field="my-token")
def custom_field(request: HttpRequest) -> HttpResponse:
    return JsonResponse(outcome_json(request))


@require_captcha
async def protected_async(request: HttpRequest) -> HttpResponse:
    return JsonResponse(outcome_json(request))


def after(request: HttpRequest) -> HttpResponse:
    """A view whose handler reads the JSON body the decorator already read."""
    return JsonResponse({"body": json.loads(request.body), **outcome_json(request)})


def signup(request: HttpRequest) -> HttpResponse:
    form = attach_request(SignupForm(request.POST), request)
    if form.is_valid():
        outcome = form.cleaned_data["captcha"]
        return JsonResponse({"email": form.cleaned_data["email"], "reason": outcome.reason,
                             "seen": outcome.provider_reason})
    status = 503 if form.has_error("captcha", code="captcha_unavailable") else 400
    return JsonResponse({"errors": form.errors.get_json_data()}, status=status)


urlpatterns = [
    path("protected", protected),
    path("custom", custom_field),
    path("async", protected_async),
    path("after", require_captcha(after)),
    path("signup", signup),
]


@pytest.fixture
def prosopo(mock: Mock) -> Iterator[None]:
    with override_settings(SITEVERIFY={"provider": "prosopo", "secret": SECRET, "endpoint": mock.prosopo,
                                       "max_retries": 0}):
        yield


@pytest.fixture
def web() -> DjangoClient:
    return DjangoClient()


def seen_ip(response: Any) -> str:
    seen: str = response.json()["seen"]
    return seen.split()[0]


# --- the view decorator ------------------------------------------------------------------------


def test_decorator_accepts_a_form_token_and_puts_the_outcome_on_the_request(prosopo: None, web: DjangoClient) -> None:
    r = web.post("/protected", {"procaptcha-response": "pass:score=0.3"})
    assert r.status_code == 200 and r.json()["reason"] == "verified" and r.json()["score"] == 0.3


def test_decorator_answers_403_when_rejected(prosopo: None, web: DjangoClient) -> None:
    for token, reason in (("fail", "token-invalid"), ("expired", "token-expired-or-duplicate")):
        r = web.post("/protected", {"procaptcha-response": token})
        assert r.status_code == 403, r.content
        assert r.content.decode() == f"CAPTCHA check failed ({reason})"


def test_decorator_answers_503_when_inconclusive_under_fail_closed(prosopo: None, web: DjangoClient) -> None:
    r = web.post("/protected", {"procaptcha-response": "status:code=503"})
    assert r.status_code == 503 and b"provider-unavailable" in r.content


def test_missing_token_is_403_without_a_provider_request(private_mock: Mock, web: DjangoClient) -> None:
    with override_settings(SITEVERIFY={"provider": "prosopo", "secret": SECRET, "endpoint": private_mock.prosopo}):
        for r in (web.post("/protected", {"email": "a@example.com"}), web.get("/protected"),
                  web.post("/protected", "not json", content_type="application/json"),
                  web.post("/protected", {"procaptcha-response": 42}, content_type="application/json")):
            assert r.status_code == 403 and b"token-invalid" in r.content
        assert private_mock.stats()["requests"] == 1  # the stats request itself


def test_decorator_reads_json_and_multipart_bodies(prosopo: None, web: DjangoClient) -> None:
    r = web.post("/protected", {"procaptcha-response": "pass"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["reason"] == "verified"
    r = web.post("/protected", {"procaptcha-response": "pass", "file": _upload()})  # multipart
    assert r.status_code == 200 and r.json()["reason"] == "verified"
    # the handler still reads the JSON body
    r = web.post("/after", {"procaptcha-response": "pass", "n": 1}, content_type="application/json")
    assert r.status_code == 200 and r.json()["body"] == {"procaptcha-response": "pass", "n": 1}


def test_decorator_with_a_configured_field(prosopo: None, web: DjangoClient) -> None:
    assert web.post("/custom", {"my-token": "pass"}).status_code == 200
    assert web.post("/custom", {"procaptcha-response": "pass"}).status_code == 403


def test_decorator_on_an_async_view(prosopo: None, web: DjangoClient) -> None:
    assert web.post("/async", {"procaptcha-response": "pass"}).status_code == 200
    assert web.post("/async", {"procaptcha-response": "fail"}).status_code == 403


def test_gatekeeper_reads_captcha_token(mock: Mock, web: DjangoClient) -> None:
    with override_settings(SITEVERIFY={"provider": "gatekeeper", "secret": SECRET, "endpoint": mock.gatekeeper}):
        r = web.post("/protected", {"captchaToken": "pass"}, content_type="application/json")
        assert r.status_code == 200 and r.json()["reason"] == "verified"
        assert web.post("/protected", {"procaptcha-response": "pass"}).status_code == 403


def test_a_wrong_secret_is_503_not_403(mock: Mock, web: DjangoClient) -> None:
    with override_settings(SITEVERIFY={"provider": "gatekeeper", "secret": "wrong", "endpoint": mock.gatekeeper}):
        r = web.post("/protected", {"captchaToken": "pass"})
        assert r.status_code == 503 and b"provider-rejected-request" in r.content


# --- client IP -----------------------------------------------------------------------------------


def test_the_peer_address_is_sent_and_headers_are_not_trusted_by_default(prosopo: None, web: DjangoClient) -> None:
    r = web.post("/protected", {"procaptcha-response": "echo"}, HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert r.status_code == 200 and seen_ip(r) == "ip=127.0.0.1"


@pytest.mark.parametrize("peer", ["", "testclient", "/run/app.sock", "unix:"])
def test_a_peer_that_is_not_an_ip_sends_no_ip(prosopo: None, web: DjangoClient, peer: str) -> None:
    r = web.post("/protected", {"procaptcha-response": "echo"}, REMOTE_ADDR=peer)
    assert r.status_code == 200 and seen_ip(r) == "ip=-"


def test_a_trusted_proxy_header(mock: Mock, web: DjangoClient) -> None:
    config = {"provider": "prosopo", "secret": SECRET, "endpoint": mock.prosopo,
              "trusted_ip_header": "X-Forwarded-For"}
    with override_settings(SITEVERIFY=config):
        r = web.post("/protected", {"procaptcha-response": "echo"},
                     HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.9")
        assert seen_ip(r) == "ip=198.51.100.9"
        assert seen_ip(web.post("/protected", {"procaptcha-response": "echo"})) == "ip=127.0.0.1"
        r = web.post("/protected", {"procaptcha-response": "echo"}, HTTP_X_FORWARDED_FOR="garbage")
        assert r.status_code == 200 and seen_ip(r) == "ip=-"
    with override_settings(SITEVERIFY={**config, "trusted_proxy_count": 2}):
        r = web.post("/protected", {"procaptcha-response": "echo"},
                     HTTP_X_FORWARDED_FOR="203.0.113.5, 10.0.0.2")
        assert seen_ip(r) == "ip=203.0.113.5"


# --- the form field ------------------------------------------------------------------------------


def test_form_field_cleans_to_the_outcome(prosopo: None, web: DjangoClient) -> None:
    r = web.post("/signup", {"email": "a@example.com", "procaptcha-response": "echo"})
    assert r.status_code == 200
    assert r.json() == {"email": "a@example.com", "reason": "verified", "seen": "ip=127.0.0.1 email=-"}


def test_form_field_rejection_is_a_validation_error(prosopo: None, web: DjangoClient) -> None:
    r = web.post("/signup", {"email": "a@example.com", "procaptcha-response": "fail"})
    assert r.status_code == 400
    assert r.json()["errors"] == {"captcha": [{"message": "CAPTCHA check failed (token-invalid).",
                                               "code": "captcha_invalid"}]}
    r = web.post("/signup", {"email": "a@example.com"})
    assert r.json()["errors"]["captcha"][0]["code"] == "captcha_invalid"


def test_form_field_inconclusive_has_its_own_code(prosopo: None, web: DjangoClient) -> None:
    r = web.post("/signup", {"email": "a@example.com", "procaptcha-response": "status:code=503"})
    assert r.status_code == 503
    error = r.json()["errors"]["captcha"][0]
    assert error["code"] == "captcha_unavailable" and "provider-unavailable" in error["message"]


def test_form_field_without_a_request(prosopo: None) -> None:
    form = SignupForm({"email": "a@example.com", "procaptcha-response": "echo"})
    assert form.is_valid()
    assert form.cleaned_data["captcha"].provider_reason == "ip=- email=-"
    assert form.fields["captcha"].outcome is form.cleaned_data["captcha"]  # type: ignore[attr-defined]
    assert form["captcha"].as_widget() == ""  # the provider's markup belongs to the template


def test_form_field_with_its_own_token_field(prosopo: None) -> None:
    class Custom(forms.Form):
        captcha = CaptchaField(token_field="t")

    assert Custom({"t": "pass"}).is_valid()
    assert not Custom({"procaptcha-response": "pass"}).is_valid()


# --- configuration -------------------------------------------------------------------------------


def test_the_client_is_built_once_and_rebuilt_when_settings_change(mock: Mock) -> None:
    with override_settings(SITEVERIFY={"provider": "prosopo", "secret": SECRET, "endpoint": mock.prosopo}):
        first = get_client()
        assert get_client() is first and first.provider == "prosopo"
    with override_settings(SITEVERIFY={"provider": "gatekeeper", "secret": SECRET, "endpoint": mock.gatekeeper}):
        assert get_client().provider == "gatekeeper"


@pytest.mark.parametrize("config", [None, "prosopo", {"provider": "prosopo"}, {"secret": SECRET},
                                    {"provider": "prosopo", "secret": SECRET, "score_threshold": 2},
                                    {"provider": "prosopo", "secret": SECRET, "no_such_option": 1},
                                    {"provider": "prosopo", "secret": SECRET, "trusted_proxy_count": 0},
                                    {"provider": "prosopo", "secret": SECRET, "trusted_ip_header": ""}])
def test_bad_settings_are_improperly_configured(config: Any) -> None:
    with override_settings(SITEVERIFY=config), pytest.raises(ImproperlyConfigured):
        get_client()


def test_request_ip_and_outcome_of(prosopo: None) -> None:
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = "::ffff:192.0.2.1"
    assert request_ip(request) == "192.0.2.1"
    with pytest.raises(LookupError):
        outcome_of(request)
    assert isinstance(get_client(), siteverify.Client)


def _upload() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("a.txt", b"hello")
