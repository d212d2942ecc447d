"""Fixtures: the siteverify mock provider, started once per session.

The binary comes from ``SITEVERIFY_MOCK_BIN`` (default:
``../target/release/siteverify-mock`` relative to bindings-python/; build it with
``cargo build --release -p siteverify-mock``).
"""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import urllib.request
from pathlib import Path
from typing import Dict, Iterator, Optional

import pytest

# siteverify.testing's `mock_provider` fixture: the mock in-process.
pytest_plugins = ["siteverify.testing"]

BINDING_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BINDING_DIR.parent
SECRET = "mock-secret"


class Mock:
    """A running ``siteverify-mock --port 0`` (plus ``extra_args``, e.g. ``--tls``)."""

    def __init__(self, *extra_args: str) -> None:
        binary = os.environ.get("SITEVERIFY_MOCK_BIN") or str(REPO_DIR / "target" / "release" / "siteverify-mock")
        if not os.path.isfile(binary):
            pytest.exit(
                f"mock provider not found at {binary}: run `cargo build --release -p siteverify-mock` "
                "or set SITEVERIFY_MOCK_BIN",
                returncode=2,
            )
        self.proc = subprocess.Popen([binary, "--port", "0", *extra_args], stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith(("http://", "https://")):
            self.proc.kill()
            raise RuntimeError(f"mock did not print its URL (got {self.url!r})")

    @property
    def prosopo(self) -> str:
        return self.url + "/siteverify"

    @property
    def gatekeeper(self) -> str:
        return self.url + "/api/v1/token/verify"

    def endpoint(self, provider: str) -> str:
        return self.prosopo if provider == "prosopo" else self.gatekeeper

    def stats(self, context: Optional[ssl.SSLContext] = None) -> Dict[str, int]:
        """``GET /__mock/stats`` (this request itself counts in ``requests``)."""
        with urllib.request.urlopen(self.url + "/__mock/stats", timeout=10, context=context) as r:
            data: Dict[str, int] = json.load(r)
            return data

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


@pytest.fixture(scope="session")
def mock() -> Iterator[Mock]:
    """The shared mock provider."""
    m = Mock()
    try:
        yield m
    finally:
        m.stop()


@pytest.fixture
def private_mock() -> Iterator[Mock]:
    """A mock of this test's own, for exact request counts."""
    m = Mock()
    try:
        yield m
    finally:
        m.stop()
