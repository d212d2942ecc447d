"""The public surface: Outcome, Stats, clients, module constants, docstrings."""

from __future__ import annotations

import asyncio
import inspect
import json
import socket
from pathlib import Path

import pytest

import siteverify
from conftest import SECRET, Mock

CORE_FIELDS = [
    "accepted",
    "verified",
    "conclusive",
    "reason",
    "score",
    "hostname",
    "action",
    "challenge_ts",
    "timestamp",
    "error_key",
    "error_codes",
    "provider_reason",
    "http_status",
    "retryable",
    "attempts",
    "fail_open_suspected",
    "detail",
]


def test_outcome_has_every_core_field_under_the_same_name(mock: Mock) -> None:
    client = siteverify.Client(
        provider="gatekeeper",
        secret=SECRET,
        endpoint=mock.gatekeeper,
        expected_hostnames="example.com",
        expected_actions=["login", "signup"],
    )
    o = client.verify("pass:score=0.2:action=signup:reason=ok")
    d = o.to_dict()
    assert list(d) == CORE_FIELDS
    assert json.loads(o.to_json()) == d
    for name in CORE_FIELDS:
        value = getattr(o, name)
        assert (list(value) if isinstance(value, tuple) else value) == d[name], name
    assert (o.accepted, o.verified, o.conclusive, o.reason) == (True, True, True, "verified")
    assert o.score == pytest.approx(0.2) and o.action == "signup" and o.hostname == "example.com"
    assert o.http_status == 200 and o.attempts == 1 and o.error_codes == ()
    assert isinstance(o.challenge_ts, str) and isinstance(o.timestamp, str)


def test_outcome_is_immutable_and_comparable(mock: Mock) -> None:
    client = siteverify.Client(provider="gatekeeper", secret=SECRET, endpoint=mock.gatekeeper)
    o = client.verify("fail")
    assert o.reason == "token-invalid" and o.error_codes == ("invalid-input-response",)
    with pytest.raises(AttributeError):
        o.accepted = True  # type: ignore[misc]
    with pytest.raises((AttributeError, TypeError)):
        o.extra = 1  # type: ignore[attr-defined]
    d = o.to_dict()
    d["accepted"] = True  # a copy
    assert o.accepted is False
    assert o == o and o != client.verify("pass")
    with pytest.raises(TypeError):
        siteverify.Outcome()
    assert repr(o).startswith("Outcome(accepted=False, verified=False, conclusive=True, reason='token-invalid'")


def test_outcome_has_no_truth_value(mock: Mock) -> None:
    # `if outcome:` would always pass a rejected user; it raises instead.
    client = siteverify.Client(provider="prosopo", secret=SECRET, endpoint=mock.prosopo)
    o = client.verify("fail")
    with pytest.raises(TypeError, match="outcome.accepted"):
        if o:
            pass
    with pytest.raises(TypeError):
        bool(o)


def test_reasons_match_the_core() -> None:
    assert siteverify.REASONS[0] == "verified" and "provider-fail-open" in siteverify.REASONS
    assert "tls-failure" in siteverify.REASONS
    assert len(set(siteverify.REASONS)) == len(siteverify.REASONS) == 14


def test_stats(mock: Mock) -> None:
    client = siteverify.Client(provider="prosopo", secret=SECRET, endpoint=mock.prosopo)
    s = client.stats()
    assert (s.verifications, s.outage_accepted, s.outage_refused, s.outage_probes) == (0, 0, 0, 0)
    assert s.provider_health == "unknown"
    client.verify("pass")
    client.verify("fail-open")  # fail_mode closed: on_fail_open follows it, rejected
    client.verify("error:key=API.PARSE_ERROR")  # a token can cause it: a conclusive rejection
    s = client.stats()
    assert (s.verifications, s.accepted, s.not_accepted, s.inconclusive, s.fail_open_suspected, s.errors) == (
        3,
        1,
        2,
        1,
        1,
        0,
    )
    with pytest.warns(DeprecationWarning, match="not_accepted"):
        assert s.rejected == s.not_accepted  # the deprecated alias
    assert s.to_dict()["not_accepted"] == 2
    assert s.by_reason == {"verified": 1, "provider-fail-open": 1, "token-invalid": 1}
    assert s.by_error_key == {"API.PARSE_ERROR": 1}
    assert (s.outage_accepted, s.outage_refused, s.outage_probes, s.provider_health) == (0, 0, 0, "up")
    assert s.to_dict()["by_reason"] == s.by_reason and json.loads(s.to_json()) == s.to_dict()
    assert {k: s.to_dict()[k] for k in ("outage_accepted", "outage_refused", "outage_probes", "provider_health")} == {
        "outage_accepted": 0,
        "outage_refused": 0,
        "outage_probes": 0,
        "provider_health": "up",
    }
    assert s == client.stats()  # snapshots compare by value
    client.verify("pass")
    assert s != client.stats() and s.verifications == 3  # and do not change
    assert repr(s).startswith("Stats({'verifications': 3, ")


def test_client_attributes(mock: Mock) -> None:
    c = siteverify.Client(provider="Procaptcha", secret=SECRET, endpoint=mock.prosopo)
    assert c.provider == "prosopo" and c.endpoint == mock.prosopo
    assert repr(c) == f"Client(provider='prosopo', endpoint={mock.prosopo!r})"
    a = siteverify.AsyncClient(provider="gatekeeper", secret=SECRET)
    assert a.endpoint == "https://gkcaptcha.gatekeeper.sa/api/v1/token/verify"
    assert repr(a).startswith("AsyncClient(provider='gatekeeper'")
    assert inspect.iscoroutinefunction(siteverify.AsyncClient.verify)
    assert not inspect.iscoroutinefunction(siteverify.Client.verify)
    assert not isinstance(a, siteverify.Client) and not isinstance(c, siteverify.AsyncClient)
    e = siteverify.Client(provider="prosopo", secret=SECRET, region="eu")
    assert e.endpoint == "https://eu-api.prosopo.io/siteverify"


def test_defaults_are_the_cores() -> None:
    assert siteverify.DEFAULT_TIMEOUT == 10.0 and siteverify.DEFAULT_CONNECT_TIMEOUT == 3.0
    assert siteverify.DEFAULT_ATTEMPT_TIMEOUT == 6.0 and siteverify.DEFAULT_MAX_RETRIES == 2
    assert siteverify.DEFAULT_RETRY_BASE_DELAY == 0.2 and siteverify.DEFAULT_RETRY_MAX_DELAY == 2.0
    assert isinstance(siteverify.__version__, str) and siteverify.__version__


SYSTEM_CAS = Path("/etc/ssl/certs/ca-certificates.crt")


@pytest.mark.skipif(not SYSTEM_CAS.is_file(), reason="no system CA bundle")
def test_extra_cas_from_files_and_text(mock: Mock) -> None:
    pem = SYSTEM_CAS.read_bytes()
    for kw in (
        {"ca_files": SYSTEM_CAS},
        {"ca_files": [str(SYSTEM_CAS)]},
        {"ca_pems": pem},
        {"ca_pems": [pem.decode()]},
    ):
        client = siteverify.Client(provider="prosopo", secret=SECRET, endpoint=mock.prosopo, **kw)
        assert client.verify("pass").accepted


def test_options_are_accepted_in_every_form(mock: Mock) -> None:
    c = siteverify.Client(
        provider="gatekeeper",
        secret=SECRET,
        endpoint=mock.gatekeeper,
        timeout=5,
        connect_timeout=1.5,
        attempt_timeout=2.5,
        max_retries=1,
        retry_base_delay=0.05,
        retry_max_delay=0.5,
        expected_hostnames=("example.com", "www.example.com"),
        expected_actions=iter(["login"]),
        score_threshold=1,
        max_age=120.0,
        fail_mode="open",
        on_fail_open="reject",
        proxy=None,
        ca_pems=[],
        ca_files=[],
        allow_http=False,
    )
    assert c.verify("pass").accepted
    assert c.verify("pass:hostname=evil.example").reason == "hostname-mismatch"
    assert c.verify("pass:age=600").reason == "challenge-too-old"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_fail_mode_open_accepts_an_unreachable_provider() -> None:
    endpoint = f"http://127.0.0.1:{_closed_port()}/api/v1/token/verify"
    closed = siteverify.Client(provider="gatekeeper", secret=SECRET, endpoint=endpoint, max_retries=0)
    opened = siteverify.Client(provider="gatekeeper", secret=SECRET, endpoint=endpoint, max_retries=0, fail_mode="open")
    for client, accepted in ((closed, False), (opened, True)):
        o = client.verify("pass")
        assert (o.accepted, o.verified, o.conclusive, o.reason, o.retryable, o.http_status) == (
            accepted,
            False,
            False,
            "provider-unavailable",
            True,
            None,
        )
    assert "never sent" in (o.detail or "")
    # No probe needed: the token never left this machine.
    assert (opened.stats().outage_accepted, opened.stats().outage_probes) == (1, 0)
    assert closed.stats().outage_accepted == 0


def test_fail_mode_open_refuses_a_failure_the_provider_does_not_share(mock: Mock) -> None:
    """A 503 for one token while the provider answers others may come from the token: not accepted."""
    opened = siteverify.Client(
        provider="gatekeeper", secret=SECRET, endpoint=mock.gatekeeper, max_retries=0, fail_mode="open"
    )
    o = opened.verify("status:code=503")
    assert (o.accepted, o.verified, o.conclusive, o.reason, o.retryable, o.http_status) == (
        False,
        False,
        False,
        "provider-unavailable",
        True,
        503,
    )
    assert "not accepted by fail_mode=open" in (o.detail or "")
    s = opened.stats()
    assert (s.outage_accepted, s.outage_refused, s.outage_probes, s.provider_health) == (0, 1, 1, "up")


def test_fail_mode_open_accepts_a_confirmed_outage(private_mock: Mock) -> None:
    closed = siteverify.Client(provider="gatekeeper", secret=SECRET, endpoint=private_mock.gatekeeper, max_retries=0)
    opened = siteverify.Client(
        provider="gatekeeper", secret=SECRET, endpoint=private_mock.gatekeeper, max_retries=0, fail_mode="open"
    )
    # Every request to this mock answers 503 for the next 5 s, the probe's included.
    o = opened.verify("outage:ms=5000")
    assert (o.accepted, o.verified, o.conclusive, o.reason, o.http_status) == (
        True,
        False,
        False,
        "provider-unavailable",
        503,
    )
    assert "outage probe" in (o.detail or "")
    s = opened.stats()
    assert (s.outage_accepted, s.outage_refused, s.outage_probes, s.provider_health) == (1, 0, 1, "down")
    o = closed.verify("pass")
    assert (o.accepted, o.conclusive, o.reason, o.http_status) == (False, False, "provider-unavailable", 503)


def test_on_fail_open_follows_the_fail_mode_unless_set(mock: Mock) -> None:
    def accepted(**kw: str) -> bool:
        client = siteverify.Client(provider="prosopo", secret=SECRET, endpoint=mock.prosopo, **kw)  # type: ignore[arg-type]
        o = client.verify("fail-open")
        assert (o.reason, o.fail_open_suspected, o.verified, o.conclusive) == ("provider-fail-open", True, False, False)
        return o.accepted

    assert not accepted()
    assert not accepted(fail_mode="closed")
    assert accepted(fail_mode="open")
    assert accepted(fail_mode="closed", on_fail_open="accept")
    assert not accepted(fail_mode="open", on_fail_open="reject")
    assert accepted(on_fail_open="accept")


def test_every_public_name_has_a_docstring() -> None:
    for name in siteverify.__all__:
        obj = getattr(siteverify, name)
        if isinstance(obj, (str, int, float, tuple)):
            continue
        assert inspect.getdoc(obj), name
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if attr.startswith("_"):
                    continue
                assert inspect.getdoc(member), f"{name}.{attr}"
    for cls in (siteverify.Client, siteverify.AsyncClient):
        for attr in ("verify", "stats", "provider", "endpoint"):
            assert inspect.getdoc(getattr(cls, attr)), f"{cls.__name__}.{attr}"
        assert "score_threshold" in (cls.__doc__ or "")
    assert siteverify.__doc__


def test_async_outcome_equals_sync_outcome(mock: Mock) -> None:
    s = siteverify.Client(provider="prosopo", secret=SECRET, endpoint=mock.prosopo)
    a = siteverify.AsyncClient(provider="prosopo", secret=SECRET, endpoint=mock.prosopo)
    assert s.verify("pass:score=0.4") == asyncio.run(a.verify("pass:score=0.4"))
