"""The README's examples, run as written against the mock."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Dict

import pytest

from conftest import BINDING_DIR, SECRET, Mock

EXAMPLES = BINDING_DIR / "examples"
README = (BINDING_DIR / "README.md").read_text(encoding="utf-8")


README_EXAMPLES = ["quickstart.py", "django_settings.py", "django_views.py", "flask_app.py", "fastapi_app.py", "errors.py"]


@pytest.mark.parametrize("name", README_EXAMPLES)
def test_readme_shows_the_example_files_verbatim(name: str) -> None:
    source = (EXAMPLES / name).read_text(encoding="utf-8").rstrip("\n")
    assert f"```python\n{source}\n```" in README, f"README.md and examples/{name} differ"


def test_every_python_block_of_the_readme_is_an_example_file() -> None:
    blocks = re.findall(r"```python\n(.*?)\n```", README, flags=re.S)
    files = {(EXAMPLES / n).read_text(encoding="utf-8").rstrip("\n") for n in README_EXAMPLES}
    assert blocks and all(b in files for b in blocks)


def test_errors_example() -> None:
    out = run_script("errors.py", env={})
    assert out.stdout == "configuration | score_threshold must be within [0, 1] (0 = human, 1 = bot)\n", out.stderr


def run_script(name: str, *args: str, env: Dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_quickstart(mock: Mock) -> None:
    env = {"GKCAPTCHA_SECRET_KEY": SECRET, "GKCAPTCHA_VERIFY_URL": mock.gatekeeper}
    ok = run_script("quickstart.py", "pass:score=0.2", env=env)
    assert (ok.returncode, ok.stdout) == (0, "welcome (score 0.2)\n"), ok.stderr
    bot = run_script("quickstart.py", "pass:score=0.9", env=env)
    assert (bot.returncode, bot.stdout) == (0, "rejected: score-above-threshold\n"), bot.stderr
    other_site = run_script("quickstart.py", "pass:hostname=evil.example", env=env)
    assert other_site.stdout == "rejected: hostname-mismatch\n", other_site.stderr


def test_demo_prints_one_line_of_json(mock: Mock) -> None:
    out = run_script("demo.py", env={"SITEVERIFY_DEMO_URL": mock.url})
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 1
    doc = json.loads(lines[0])
    assert doc["accepted"] is True and doc["reason"] == "verified" and doc["score"] == 0.2
    assert doc["hostname"] == "example.com"


def load_example(name: str, monkeypatch: pytest.MonkeyPatch, env: Dict[str, str]) -> ModuleType:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    spec = importlib.util.spec_from_file_location(f"example_{Path(name).stem}", EXAMPLES / name)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_django_example(mock: Mock, monkeypatch: pytest.MonkeyPatch) -> None:
    import django_support

    django_support.configure()
    from django.test import Client as DjangoClient
    from django.test import override_settings

    config = load_example("django_settings.py", monkeypatch,
                          {"PROSOPO_SECRET_KEY": SECRET, "PROSOPO_VERIFY_URL": mock.prosopo})
    views = load_example("django_views.py", monkeypatch, {})
    monkeypatch.setitem(sys.modules, "example_django_views", views)
    with override_settings(SITEVERIFY=config.SITEVERIFY, ROOT_URLCONF="example_django_views"):
        web = DjangoClient()
        ok = web.post("/signup", {"procaptcha-response": "pass", "email": "a@example.com"})
        assert ok.status_code == 200 and ok.json() == {"status": "welcome", "email": "a@example.com"}

        failed = web.post("/signup", {"procaptcha-response": "fail", "email": "a@example.com"})
        assert failed.status_code == 400
        assert failed.json()["errors"]["captcha"][0]["code"] == "captcha_invalid"

        down = web.post("/signup", {"procaptcha-response": "status:code=503", "email": "a@example.com"})
        assert down.status_code == 503
        assert down.json()["errors"]["captcha"][0]["code"] == "captcha_unavailable"

        posted = web.post("/comment", {"procaptcha-response": "pass"}, content_type="application/json")
        assert posted.status_code == 200 and posted.json() == {"status": "posted", "reason": "verified"}
        assert web.post("/comment", {"procaptcha-response": "fail"}).status_code == 403


def test_flask_example(mock: Mock, monkeypatch: pytest.MonkeyPatch) -> None:
    module = load_example(
        "flask_app.py", monkeypatch, {"PROSOPO_SECRET_KEY": SECRET, "PROSOPO_VERIFY_URL": mock.prosopo}
    )
    web = module.app.test_client()

    ok = web.post("/signup", data={"procaptcha-response": "pass", "email": "a@example.com"})
    assert ok.status_code == 200 and ok.get_json() == {"status": "welcome", "reason": "verified"}
    assert web.post("/signup", json={"procaptcha-response": "pass"}).status_code == 200

    failed = web.post("/signup", data={"procaptcha-response": "fail"})
    assert failed.status_code == 403 and b"CAPTCHA check failed (token-invalid)" in failed.data

    before = mock.stats()["requests"]
    missing = web.post("/signup", data={"email": "a@example.com"})
    assert missing.status_code == 403 and b"token-invalid" in missing.data
    assert mock.stats()["requests"] == before + 1  # only the stats GET: no verify request was sent

    down = web.post("/signup", data={"procaptcha-response": "status:code=503"})
    assert down.status_code == 503 and b"provider-unavailable" in down.data  # fail closed
    with module.app.app_context():
        assert module.captcha.client.stats().verifications == 5


def test_fastapi_example(mock: Mock, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    module = load_example(
        "fastapi_app.py", monkeypatch, {"GKCAPTCHA_SECRET_KEY": SECRET, "GKCAPTCHA_VERIFY_URL": mock.gatekeeper}
    )
    # The default peer, "testclient", is no IP address: no IP is sent (it used to be a 500).
    with TestClient(module.app) as web:
        ok = web.post("/login", json={"captchaToken": "pass:score=0.2", "user": "alice"})
        assert ok.status_code == 200 and ok.json() == {"score": 0.2}
        assert web.post("/login", data={"captchaToken": "pass:score=0.2"}).status_code == 200

        for token, reason in (
            ("pass:action=checkout", "action-mismatch"),
            ("pass:score=0.8", "score-above-threshold"),
            ("expired", "token-expired-or-duplicate"),
        ):
            r = web.post("/login", json={"captchaToken": token})
            assert r.status_code == 403 and r.json() == {"detail": f"CAPTCHA check failed ({reason})"}

        for body in ({}, {"captchaToken": 42}, ["not", "an", "object"]):
            r = web.post("/login", json=body)
            assert r.status_code == 403 and r.json() == {"detail": "CAPTCHA check failed (token-invalid)"}

        r = web.post("/login", json={"captchaToken": "status:code=503"})
        assert r.status_code == 503 and "provider-unavailable" in r.json()["detail"]
    assert module.captcha.client.stats().verifications == 9
