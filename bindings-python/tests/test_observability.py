"""Issue 18: the stats' histograms and by_attempts, and one `logging` record per verification."""

from __future__ import annotations

import asyncio
import logging
import math
import subprocess
import sys
import threading
import time
from typing import Any, Iterator, List

import pytest

import siteverify
from siteverify.testing import MockProvider

SECRET = "s3cr3t-never-logged-7f1e"
TOKEN = "pass:nonce=TOKEN-never-logged-91ab"
EXTRA = (
    "provider",
    "reason",
    "accepted",
    "verified",
    "conclusive",
    "fail_open_suspected",
    "http_status",
    "attempts",
    "latency_ms",
    "token_fingerprint",
    "error_key",
    "detail",
)


@pytest.fixture
def mock() -> Iterator[MockProvider]:
    with MockProvider(secret=SECRET) as m:
        yield m


class Records:
    """The records of the logger ``siteverify`` captured during the test (all levels)."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self.caplog = caplog

    def __call__(self) -> List[logging.LogRecord]:
        return [r for r in self.caplog.records if r.name == "siteverify"]


@pytest.fixture
def records(caplog: pytest.LogCaptureFixture) -> Records:
    caplog.set_level(logging.DEBUG, logger="siteverify")
    return Records(caplog)


# ---- stats --------------------------------------------------------------------


def test_histograms_and_by_attempts(mock: MockProvider) -> None:
    client = mock.client("prosopo", retry_base_delay=0.001)
    for token in ("pass", "pass", "fail", None, "flaky:fails=1"):
        client.verify(token)
    stats = client.stats()
    assert stats.by_attempts == {0: 1, 1: 3, 2: 1}

    v = stats.verification_seconds
    assert isinstance(v, siteverify.Histogram)
    assert v.count == 5 and v.sum_seconds > 0
    bounds = [le for le, _ in v.buckets]
    assert bounds[:-1] == list(siteverify.LATENCY_BUCKETS) and math.isinf(bounds[-1])
    counts = [n for _, n in v.buckets]
    assert counts == sorted(counts) and counts[-1] == v.count  # cumulative

    rt = stats.round_trip_seconds
    assert rt.count == 5  # every answered attempt, the flaky 503 included; none for the local rejection
    assert rt.sum_seconds <= v.sum_seconds

    doc = stats.to_dict()
    assert doc["verification_seconds"]["count"] == 5
    assert doc["verification_seconds"]["buckets"][-1] == [None, 5]  # +Inf is null in the core's JSON
    assert doc["by_attempts"] == {"0": 1, "1": 3, "2": 1}
    assert "Histogram(count=5" in repr(v)
    assert stats == client.stats() or stats != client.stats()  # comparable


# ---- logging ------------------------------------------------------------------


def test_one_record_per_verification_with_levels(mock: MockProvider, records: Records) -> None:
    client = mock.client("prosopo", max_retries=0)
    client.verify(TOKEN)
    client.verify("fail")
    client.verify("fail-open")  # rejected (fail closed) but flagged: an operator should look
    siteverify.Client(provider="gatekeeper", secret="wrong", endpoint=mock.endpoint("gatekeeper")).verify("pass")
    gk = mock.client("gatekeeper", max_retries=0)
    gk.verify("status:code=503")
    client.verify("error:key=API.SOMETHING")
    assert [(r.name, r.levelno, r.reason) for r in records()] == [
        ("siteverify", logging.DEBUG, "verified"),
        ("siteverify", logging.INFO, "token-invalid"),
        ("siteverify", logging.WARNING, "provider-fail-open"),
        ("siteverify", logging.WARNING, "provider-rejected-request"),
        ("siteverify", logging.INFO, "provider-unavailable"),
        ("siteverify", logging.INFO, "token-invalid"),
    ]
    first = records()[0]
    for field in EXTRA:
        assert hasattr(first, field), field
    assert (first.provider, first.accepted, first.conclusive, first.http_status, first.attempts) == (
        "prosopo",
        True,
        True,
        200,
        1,
    )
    assert first.latency_ms > 0 and len(first.token_fingerprint) == 8
    assert first.getMessage().startswith("verification provider=prosopo reason=verified accepted=true")
    assert f"token_fingerprint={first.token_fingerprint}" in first.getMessage()
    assert records()[3].http_status == 401 and records()[3].provider == "gatekeeper"
    assert records()[5].error_key == "API.SOMETHING"
    assert 'error_key="API.SOMETHING"' in records()[5].getMessage()
    assert records()[4].provider == "gatekeeper" and records()[4].conclusive is False
    # the same token always has the same fingerprint
    client.verify(TOKEN)
    assert records()[-1].token_fingerprint == first.token_fingerprint


def test_levels_are_the_cores_not_the_verdicts(mock: MockProvider, records: Records) -> None:
    # The core gives each event its level; the binding only names it in `logging`. An accepted
    # fail-open answer is still a WARNING (not DEBUG as accepted), a rejection INFO.
    client = mock.client("prosopo", fail_mode="open", max_retries=0)
    assert client.verify("fail-open").accepted
    assert not client.verify("fail").accepted
    assert [(r.levelno, r.levelname, r.reason, r.accepted) for r in records()] == [
        (logging.WARNING, "WARNING", "provider-fail-open", True),
        (logging.INFO, "INFO", "token-invalid", False),
    ]


def test_tls_failure_is_a_warning(records: Records) -> None:
    with MockProvider(tls=True) as mock:
        untrusted = siteverify.Client(provider="gatekeeper", secret=mock.secret, endpoint=mock.endpoint("gatekeeper"))
        assert untrusted.verify("pass").reason == "tls-failure"
    assert [(r.levelno, r.reason) for r in records()] == [(logging.WARNING, "tls-failure")]


def test_never_the_secret_nor_the_token(mock: MockProvider, records: Records) -> None:
    client = mock.client("prosopo")
    wrong = siteverify.Client(provider="gatekeeper", secret="x" + SECRET, endpoint=mock.endpoint("gatekeeper"))
    assert client.verify(TOKEN).accepted
    assert not wrong.verify(TOKEN).accepted
    assert len(records()) == 2
    for r in records():
        everything = r.getMessage() + repr(vars(r))
        assert SECRET not in everything
        assert "never-logged" not in everything


def test_nothing_below_the_loggers_level(mock: MockProvider, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="siteverify")
    client = mock.client("prosopo")
    client.verify("pass")
    client.verify("fail")
    assert caplog.records == []
    logging.disable(logging.CRITICAL)
    try:
        client.verify("fail-open")
    finally:
        logging.disable(logging.NOTSET)
    assert caplog.records == []
    client.verify("fail-open")
    assert len(caplog.records) == 1


def test_async_records_are_logged_on_the_loop_thread(mock: MockProvider, records: Records) -> None:
    async def main() -> None:
        client = mock.async_client("gatekeeper")
        outcomes = await asyncio.gather(*(client.verify(t) for t in ("pass", "fail", "pass", None)))
        assert [o.accepted for o in outcomes] == [True, False, True, False]

    asyncio.run(main())
    assert len(records()) == 4
    assert {r.thread for r in records()} == {threading.get_ident()}
    assert sorted(r.reason for r in records()) == ["token-invalid", "token-invalid", "verified", "verified"]


class Raising(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        raise RuntimeError("handler bug")


class RaisingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        raise RuntimeError("filter bug")


class Slow(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        time.sleep(0.05)


def test_a_raising_or_slow_handler_never_breaks_a_verification(
    mock: MockProvider,
    monkeypatch: pytest.MonkeyPatch,
    records: Records,
) -> None:
    logger = logging.getLogger("siteverify")
    unraisable: List[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    client = mock.client("prosopo")
    aclient = mock.async_client("prosopo")
    for extra in (Raising(), Slow()):
        logger.addHandler(extra)
        try:
            assert client.verify("pass").accepted
            assert asyncio.run(aclient.verify("pass")).accepted
        finally:
            logger.removeHandler(extra)
    bad_filter = RaisingFilter()
    logger.addFilter(bad_filter)
    try:
        assert client.verify("pass").accepted
        assert not client.verify("fail").accepted
        assert asyncio.run(aclient.verify("pass")).accepted
    finally:
        logger.removeFilter(bad_filter)
    # each went to sys.unraisablehook: 2 from the handler, 3 from the filter
    assert [str(u.exc_value) for u in unraisable] == ["handler bug"] * 2 + ["filter bug"] * 3


def test_basic_config_prints_a_line_per_verification() -> None:
    script = """
import logging
logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s %(message)s")
from siteverify.testing import MockProvider
with MockProvider() as mock:
    client = mock.client("prosopo")
    client.verify("pass")
    client.verify("fail")
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    lines = [line for line in out.stderr.splitlines() if " siteverify " in line]
    assert len(lines) == 2, out.stderr
    assert lines[0].startswith("DEBUG siteverify verification provider=prosopo reason=verified accepted=true")
    assert lines[1].startswith("INFO siteverify verification provider=prosopo reason=token-invalid accepted=false")


def test_unconfigured_logging_prints_nothing() -> None:
    script = """
from siteverify.testing import MockProvider
with MockProvider() as mock:
    mock.client("prosopo").verify("fail-open")  # a WARNING: no lastResort line from a library
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert out.stderr == ""
