"""TLS through the binding, against the mock's HTTPS mode (issue 19).

The system trust store is read once per process, so the cases that depend on
``SSL_CERT_FILE`` run in a child Python process with the environment they need.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest

import siteverify
from conftest import SECRET, Mock

SYSTEM_CAS = Path("/etc/ssl/certs/ca-certificates.crt")

CHILD = """
import json, sys
import siteverify
client = siteverify.Client(provider="gatekeeper", secret=sys.argv[2], endpoint=sys.argv[1],
                           fail_mode=sys.argv[3], max_retries=2, retry_base_delay=0.01)
print(json.dumps({"outcome": client.verify("pass").to_dict(), "stats": client.stats().to_dict()}))
"""


class TlsMock:
    def __init__(self, mock: Mock, ca: Path) -> None:
        self.mock = mock
        self.ca = ca

    @property
    def gatekeeper(self) -> str:
        return self.mock.gatekeeper


@pytest.fixture(scope="module")
def tls_mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsMock]:
    ca = tmp_path_factory.mktemp("tls") / "mock-ca.pem"
    m = Mock("--tls", "--ca-out", str(ca))
    try:
        assert m.url.startswith("https://") and ca.is_file()
        yield TlsMock(m, ca)
    finally:
        m.stop()


def run_child(endpoint: str, fail_mode: str, ssl_cert_file: Optional[Path]) -> Dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    if ssl_cert_file is not None:
        env["SSL_CERT_FILE"] = str(ssl_cert_file)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, endpoint, SECRET, fail_mode], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    result: Dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.skipif(not SYSTEM_CAS.is_file(), reason="no system CA bundle")
def test_system_store_through_ssl_cert_file(tls_mock: TlsMock, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(SYSTEM_CAS.read_bytes() + b"\n" + tls_mock.ca.read_bytes())
    result = run_child(tls_mock.gatekeeper, "closed", bundle)
    o = result["outcome"]
    assert (o["accepted"], o["verified"], o["reason"], o["attempts"]) == (True, True, "verified", 1)


@pytest.mark.parametrize("fail_mode", ["closed", "open"])
def test_untrusted_ca_is_a_tls_failure(tls_mock: TlsMock, fail_mode: str) -> None:
    """Without the mock's CA: tls-failure, one attempt (never retried), never accepted."""
    result = run_child(tls_mock.gatekeeper, fail_mode, None)
    o = result["outcome"]
    assert (o["accepted"], o["verified"], o["conclusive"], o["reason"], o["attempts"], o["http_status"]) == (
        False,
        False,
        False,
        "tls-failure",
        1,
        None,
    ), o
    s = result["stats"]
    assert (s["outage_accepted"], s["by_reason"]) == (0, {"tls-failure": 1})


def test_untrusted_ca_in_process(tls_mock: TlsMock) -> None:
    # The mock's CA is new on every start: no trust store of this process can hold it.
    for fail_mode in ("closed", "open"):
        client = siteverify.Client(
            provider="gatekeeper", secret=SECRET, endpoint=tls_mock.gatekeeper, fail_mode=fail_mode
        )
        o = client.verify("pass")
        assert (o.accepted, o.reason, o.attempts) == (False, "tls-failure", 1)


def test_ca_option_trusts_the_mock(tls_mock: TlsMock) -> None:
    pem = tls_mock.ca.read_bytes()
    for kw in ({"ca_pems": pem}, {"ca_pems": [pem.decode()]}, {"ca_files": tls_mock.ca}):
        client = siteverify.Client(provider="gatekeeper", secret=SECRET, endpoint=tls_mock.gatekeeper, **kw)
        o = client.verify("pass")
        assert (o.accepted, o.verified, o.reason, o.attempts) == (True, True, "verified", 1)
    aclient = siteverify.AsyncClient(provider="gatekeeper", secret=SECRET, endpoint=tls_mock.gatekeeper, ca_pems=pem)
    assert asyncio.run(aclient.verify("pass")).verified
