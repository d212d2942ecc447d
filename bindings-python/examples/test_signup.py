# tests/test_signup.py: the signup form of flask_app.py, end to end, against the
# in-process mock provider (no network, no Prosopo account).
import sys

import pytest
from flask.testing import FlaskClient

from siteverify.testing import MockProvider

pytest_plugins = ["siteverify.testing"]  # the `mock_provider` fixture


@pytest.fixture
def web(mock_provider: MockProvider, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    # flask_app reads its configuration at import: point it at the mock.
    monkeypatch.setenv("PROSOPO_SECRET_KEY", mock_provider.secret)
    monkeypatch.setenv("PROSOPO_VERIFY_URL", mock_provider.endpoint("prosopo"))
    sys.modules.pop("flask_app", None)  # a fresh app for each test's mock
    import flask_app

    return flask_app.app.test_client()


def test_a_solved_captcha_signs_up(web: FlaskClient) -> None:
    r = web.post("/signup", data={"procaptcha-response": "pass"})
    assert r.status_code == 200


def test_a_failed_captcha_is_refused(web: FlaskClient) -> None:
    r = web.post("/signup", data={"procaptcha-response": "fail"})
    assert r.status_code == 403


def test_a_missing_token_never_reaches_the_provider(web: FlaskClient, mock_provider: MockProvider) -> None:
    r = web.post("/signup", data={"email": "a@example.com"})
    assert r.status_code == 403 and mock_provider.requests == 0


def test_the_form_fails_closed_when_the_provider_is_down(web: FlaskClient) -> None:
    r = web.post("/signup", data={"procaptcha-response": "status:code=503"})
    assert r.status_code == 503
