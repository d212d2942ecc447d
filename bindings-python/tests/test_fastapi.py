"""siteverify.fastapi inside FastAPI and Starlette: their TestClient, against the mock provider."""

from __future__ import annotations

from typing import Any, Dict, Optional

import pytest

pytest.importorskip("fastapi")

from fastapi import Depends, FastAPI, Form, Request  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.responses import JSONResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402

import siteverify  # noqa: E402
from conftest import SECRET, Mock  # noqa: E402
from siteverify.fastapi import CaptchaVerified  # noqa: E402


def make_app(mock: Mock, provider: str = "prosopo", **options: Any) -> FastAPI:
    client = siteverify.AsyncClient(provider=provider, secret=SECRET, endpoint=mock.endpoint(provider),
                                    max_retries=0)
    captcha = CaptchaVerified(client, **options)
    app = FastAPI()

    @app.post("/signup")
    async def signup(request: Request, outcome: siteverify.Outcome = Depends(captcha)) -> Dict[str, Any]:
        assert request.state.siteverify is outcome
        return {"reason": outcome.reason, "score": outcome.score, "seen": outcome.provider_reason}

    @app.post("/form")
    async def with_form(email: str = Form(), outcome: siteverify.Outcome = Depends(captcha)) -> Dict[str, Any]:
        return {"email": email, "reason": outcome.reason}

    @app.post("/json")
    async def with_json(body: Dict[str, Any], outcome: siteverify.Outcome = Depends(captcha)) -> Dict[str, Any]:
        return {"body": body, "reason": outcome.reason}

    return app


@pytest.fixture
def web(mock: Mock) -> TestClient:
    return TestClient(make_app(mock))  # peer "testclient": not an IP address


def test_the_default_test_client_peer_is_no_500(web: TestClient) -> None:
    """The README snippet's defect: request.client.host == "testclient" made remote_ip raise (a 500)."""
    r = web.post("/signup", data={"procaptcha-response": "echo"})
    assert r.status_code == 200 and r.json()["seen"] == "ip=- email=-"
    r = web.post("/signup", json={"procaptcha-response": "pass:score=0.3"})
    assert r.status_code == 200 and r.json() == {"reason": "verified", "score": 0.3, "seen": None}


def test_the_peer_ip_is_sent_and_headers_are_not_trusted_by_default(mock: Mock) -> None:
    web = TestClient(make_app(mock), client=("203.0.113.7", 50000))
    r = web.post("/signup", data={"procaptcha-response": "echo"}, headers={"X-Forwarded-For": "198.51.100.9"})
    assert r.json()["seen"] == "ip=203.0.113.7 email=-"
    web = TestClient(make_app(mock), client=("::ffff:192.0.2.1", 50000))
    assert web.post("/signup", data={"procaptcha-response": "echo"}).json()["seen"] == "ip=192.0.2.1 email=-"


def test_a_trusted_proxy_header(mock: Mock) -> None:
    web = TestClient(make_app(mock, trusted_ip_header="X-Forwarded-For"))
    r = web.post("/signup", data={"procaptcha-response": "echo"},
                 headers={"X-Forwarded-For": "10.9.9.9, 198.51.100.9"})
    assert r.json()["seen"] == "ip=198.51.100.9 email=-"
    r = web.post("/signup", data={"procaptcha-response": "echo"}, headers={"X-Forwarded-For": "not-an-ip"})
    assert r.status_code == 200 and r.json()["seen"] == "ip=- email=-"
    web = TestClient(make_app(mock, trusted_ip_header="X-Real-IP", trusted_proxy_count=1),
                     client=("10.0.0.1", 1))
    r = web.post("/signup", data={"procaptcha-response": "echo"}, headers={"X-Real-IP": "2001:db8::7"})
    assert r.json()["seen"] == "ip=2001:db8::7 email=-"
    assert web.post("/signup", data={"procaptcha-response": "echo"}).json()["seen"] == "ip=10.0.0.1 email=-"


def test_rejected_is_403(web: TestClient) -> None:
    for token, reason in (("fail", "token-invalid"), ("expired", "token-expired-or-duplicate")):
        r = web.post("/signup", json={"procaptcha-response": token})
        assert r.status_code == 403 and r.json() == {"detail": f"CAPTCHA check failed ({reason})"}


def test_inconclusive_is_503(web: TestClient) -> None:
    r = web.post("/signup", data={"procaptcha-response": "status:code=503"})
    assert r.status_code == 503 and "provider-unavailable" in r.json()["detail"]


def test_a_wrong_secret_is_503(mock: Mock) -> None:
    client = siteverify.AsyncClient(provider="gatekeeper", secret="wrong", endpoint=mock.gatekeeper)
    app = FastAPI()

    @app.post("/")
    async def index(outcome: siteverify.Outcome = Depends(CaptchaVerified(client))) -> str:
        return outcome.reason

    r = TestClient(app).post("/", json={"captchaToken": "pass"})
    assert r.status_code == 503 and "provider-rejected-request" in r.json()["detail"]


def test_missing_or_unreadable_token_is_403_without_a_provider_request(private_mock: Mock) -> None:
    web = TestClient(make_app(private_mock))
    for r in (web.post("/signup", data={"email": "a@example.com"}), web.post("/signup"),
              web.post("/signup", content=b"{not json", headers={"content-type": "application/json"}),
              web.post("/signup", content=b"\xff\xfe", headers={"content-type": "application/json"}),
              web.post("/signup", json={"procaptcha-response": 42}),
              web.post("/signup", json=["procaptcha-response"]),
              web.post("/signup", content=b"procaptcha-response=pass", headers={"content-type": "text/plain"}),
              web.post("/signup", content=b"--x\r\nbroken",
                       headers={"content-type": "multipart/form-data; boundary=x"}),
              web.post("/signup", files={"procaptcha-response": ("t.txt", b"pass")})):
        assert r.status_code == 403 and r.json() == {"detail": "CAPTCHA check failed (token-invalid)"}, r.text
    assert private_mock.stats()["requests"] == 1  # the stats request itself


def test_multipart_and_body_parameters_still_work(web: TestClient) -> None:
    r = web.post("/signup", data={"procaptcha-response": "pass"}, files={"upload": ("a.txt", b"hello")})
    assert r.status_code == 200 and r.json()["reason"] == "verified"
    r = web.post("/form", data={"procaptcha-response": "pass", "email": "a@example.com"})
    assert r.status_code == 200 and r.json() == {"email": "a@example.com", "reason": "verified"}
    r = web.post("/json", json={"procaptcha-response": "pass", "n": 1})
    assert r.status_code == 200 and r.json() == {"body": {"procaptcha-response": "pass", "n": 1},
                                                 "reason": "verified"}


def test_gatekeeper_and_a_configured_field(mock: Mock) -> None:
    web = TestClient(make_app(mock, "gatekeeper"))
    assert web.post("/signup", json={"captchaToken": "pass"}).status_code == 200
    assert web.post("/signup", json={"procaptcha-response": "pass"}).status_code == 403
    web = TestClient(make_app(mock, token_field="t"))
    assert web.post("/signup", json={"t": "pass"}).status_code == 200
    assert web.post("/signup", json={"procaptcha-response": "pass"}).status_code == 403


def test_plain_starlette(mock: Mock) -> None:
    captcha = CaptchaVerified(siteverify.AsyncClient(provider="prosopo", secret=SECRET, endpoint=mock.prosopo))

    async def signup(request: Any) -> JSONResponse:
        outcome = await captcha(request)
        return JSONResponse({"reason": outcome.reason})

    web = TestClient(Starlette(routes=[Route("/signup", signup, methods=["POST"])]))
    r = web.post("/signup", data={"procaptcha-response": "pass"})
    assert r.status_code == 200 and r.json() == {"reason": "verified"}
    r = web.post("/signup", data={"procaptcha-response": "fail"})
    assert r.status_code == 403 and "token-invalid" in r.text


def test_constructor_checks(mock: Mock) -> None:
    sync: Optional[Any] = siteverify.Client(provider="prosopo", secret=SECRET, endpoint=mock.prosopo)
    with pytest.raises(TypeError):
        CaptchaVerified(sync)
    client = siteverify.AsyncClient(provider="prosopo", secret=SECRET, endpoint=mock.prosopo)
    for bad in ({"trusted_proxy_count": 0}, {"trusted_ip_header": ""}, {"token_field": ""}):
        with pytest.raises(ValueError):
            CaptchaVerified(client, **bad)
