"""siteverify.flask inside Flask: its test client, against the mock provider."""

from __future__ import annotations

import io
from typing import Any, Dict, Optional

import pytest

pytest.importorskip("flask")

from flask import Flask, g  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402

import siteverify  # noqa: E402
from conftest import SECRET, Mock  # noqa: E402
from siteverify.flask import Siteverify  # noqa: E402


def make_app(mock: Mock, provider: str = "prosopo", **config: Any) -> Flask:
    app = Flask(__name__)
    app.config.update(SITEVERIFY_PROVIDER=provider, SITEVERIFY_SECRET=SECRET,
                      SITEVERIFY_ENDPOINT=mock.endpoint(provider), SITEVERIFY_MAX_RETRIES=0, **config)
    captcha = Siteverify()
    captcha.init_app(app)

    @app.post("/signup")
    @captcha.required
    def signup() -> Dict[str, Any]:
        outcome = g.siteverify
        return {"reason": outcome.reason, "score": outcome.score, "seen": outcome.provider_reason}

    @app.post("/manual")
    def manual() -> Dict[str, Any]:
        outcome = captcha.verify_request()
        return {"accepted": outcome.accepted, "same": g.siteverify is outcome}

    @app.errorhandler(503)
    def unavailable(e: Any) -> Any:
        return {"error": "later", "description": e.description}, 503

    return app


@pytest.fixture
def web(mock: Mock) -> FlaskClient:
    return make_app(mock).test_client()


def test_accepted_token_reaches_the_view_with_the_outcome_on_g(web: FlaskClient) -> None:
    r = web.post("/signup", data={"procaptcha-response": "pass:score=0.3"})
    assert r.status_code == 200 and r.get_json() == {"reason": "verified", "score": 0.3, "seen": None}


def test_rejected_is_403(web: FlaskClient) -> None:
    r = web.post("/signup", data={"procaptcha-response": "fail"})
    assert r.status_code == 403 and b"CAPTCHA check failed (token-invalid)" in r.data
    r = web.post("/signup", data={"procaptcha-response": "expired"})
    assert r.status_code == 403 and b"token-expired-or-duplicate" in r.data


def test_inconclusive_is_503_through_the_apps_error_handler(web: FlaskClient) -> None:
    r = web.post("/signup", data={"procaptcha-response": "status:code=503"})
    assert r.status_code == 503
    body: Optional[Dict[str, str]] = r.get_json()
    assert body is not None and body["error"] == "later" and "provider-unavailable" in body["description"]


def test_missing_token_is_403_without_a_provider_request(private_mock: Mock) -> None:
    web = make_app(private_mock).test_client()
    for r in (web.post("/signup", data={"email": "a@example.com"}), web.post("/signup"),
              web.post("/signup", data="{not json", content_type="application/json"),
              web.post("/signup", json={"procaptcha-response": ["pass"]}),
              web.post("/signup", json=["pass"])):
        assert r.status_code == 403 and b"token-invalid" in r.data
    assert private_mock.stats()["requests"] == 1  # the stats request itself


def test_json_and_multipart_bodies(web: FlaskClient) -> None:
    r = web.post("/signup", json={"procaptcha-response": "pass"})
    assert r.status_code == 200
    r = web.post("/signup", data={"procaptcha-response": "pass", "file": (io.BytesIO(b"x"), "a.txt")},
                 content_type="multipart/form-data")
    assert r.status_code == 200


def test_gatekeeper_and_a_configured_field(mock: Mock) -> None:
    web = make_app(mock, "gatekeeper").test_client()
    assert web.post("/signup", json={"captchaToken": "pass"}).status_code == 200
    assert web.post("/signup", data={"procaptcha-response": "pass"}).status_code == 403
    web = make_app(mock, SITEVERIFY_TOKEN_FIELD="t").test_client()
    assert web.post("/signup", data={"t": "pass"}).status_code == 200
    assert web.post("/signup", data={"procaptcha-response": "pass"}).status_code == 403


def test_manual_verification(web: FlaskClient) -> None:
    assert web.post("/manual", data={"procaptcha-response": "pass"}).get_json() == {"accepted": True, "same": True}
    assert web.post("/manual", data={"procaptcha-response": "fail"}).get_json() == {"accepted": False, "same": True}


def test_peer_address_and_untrusted_headers(web: FlaskClient) -> None:
    r = web.post("/signup", data={"procaptcha-response": "echo"}, headers={"X-Forwarded-For": "198.51.100.9"})
    assert r.get_json()["seen"] == "ip=127.0.0.1 email=-"
    for peer in ("testclient", "", "/run/app.sock"):
        r = web.post("/signup", data={"procaptcha-response": "echo"}, environ_base={"REMOTE_ADDR": peer})
        assert r.status_code == 200 and r.get_json()["seen"] == "ip=- email=-", peer


def test_a_trusted_proxy_header(mock: Mock) -> None:
    web = make_app(mock, SITEVERIFY_TRUSTED_IP_HEADER="X-Forwarded-For").test_client()
    r = web.post("/signup", data={"procaptcha-response": "echo"},
                 headers=[("X-Forwarded-For", "10.9.9.9"), ("X-Forwarded-For", "2001:db8::1")])
    assert r.get_json()["seen"] == "ip=2001:db8::1 email=-"
    r = web.post("/signup", data={"procaptcha-response": "echo"})
    assert r.get_json()["seen"] == "ip=127.0.0.1 email=-"
    web = make_app(mock, SITEVERIFY_TRUSTED_IP_HEADER="X-Forwarded-For",
                   SITEVERIFY_TRUSTED_PROXY_COUNT=2).test_client()
    r = web.post("/signup", data={"procaptcha-response": "echo"},
                 headers={"X-Forwarded-For": "203.0.113.5, 10.0.0.2"})
    assert r.get_json()["seen"] == "ip=203.0.113.5 email=-"
    r = web.post("/signup", data={"procaptcha-response": "echo"}, headers={"X-Forwarded-For": "10.0.0.2"})
    assert r.status_code == 200 and r.get_json()["seen"] == "ip=- email=-"


def test_a_ready_client_and_two_apps(mock: Mock) -> None:
    client = siteverify.Client(provider="gatekeeper", secret=SECRET, endpoint=mock.gatekeeper)
    captcha = Siteverify(client=client)
    apps = [Flask("a"), Flask("b")]
    for app in apps:
        captcha.init_app(app)

        @app.post("/")
        @captcha.required
        def index() -> str:
            return "ok"

    for app in apps:
        assert app.test_client().post("/", data={"captchaToken": "pass"}).data == b"ok"
        with app.app_context():
            assert captcha.client is client
    assert client.stats().verifications == 2


def test_configuration_errors(mock: Mock) -> None:
    with pytest.raises(RuntimeError, match="SITEVERIFY_SECRET"):
        Siteverify(Flask("x"))
    with pytest.raises(TypeError):
        make_app(mock, SITEVERIFY_NO_SUCH_OPTION=1)
    with pytest.raises(siteverify.ConfigurationError):
        make_app(mock, SITEVERIFY_SCORE_THRESHOLD=2)
    with pytest.raises(ValueError):
        make_app(mock, SITEVERIFY_TRUSTED_PROXY_COUNT=0)
    app = Flask("y")
    with app.app_context(), pytest.raises(RuntimeError, match="init_app"):
        Siteverify().client
