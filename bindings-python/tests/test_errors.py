"""Error mapping, invalid arguments, and the secret staying secret."""

from __future__ import annotations

import asyncio
import pickle
from typing import Any, Dict, List

import pytest

import siteverify
from conftest import SECRET, Mock

ERROR_CLASSES = {
    "configuration": siteverify.ConfigurationError,
    "invalid-argument": siteverify.InvalidArgumentError,
    "blocking-in-async-context": siteverify.BlockingInAsyncContextError,
    "cancelled": siteverify.VerificationCancelledError,
    "closed": siteverify.ClientClosedError,
    "internal": siteverify.InternalError,
}


@pytest.mark.parametrize("code,cls", ERROR_CLASSES.items(), ids=list(ERROR_CLASSES))
def test_every_core_code_has_a_class(code: str, cls: type) -> None:
    assert issubclass(cls, siteverify.SiteverifyError)
    assert cls.code == code  # type: ignore[attr-defined,unused-ignore]
    e = cls("message")
    assert e.code == code and str(e) == "message"
    # Exceptions survive pickling (multiprocessing), code included.
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is cls and back.code == code and str(back) == "message"


def test_argument_errors_are_value_errors() -> None:
    assert issubclass(siteverify.ConfigurationError, ValueError)
    assert issubclass(siteverify.InvalidArgumentError, ValueError)
    assert issubclass(siteverify.BlockingInAsyncContextError, RuntimeError)


def gk(mock: Mock, **kw: Any) -> Dict[str, Any]:
    return {"provider": "gatekeeper", "secret": SECRET, "endpoint": mock.gatekeeper, **kw}


@pytest.mark.parametrize(
    "kwargs,needle",
    [
        ({"provider": "recaptcha"}, "unknown provider"),
        ({"secret": ""}, "secret is empty"),
        ({"secret": "   "}, "secret is empty"),
        ({"endpoint": "http://verify.example.com/api"}, "plain HTTP"),
        ({"endpoint": "not a url"}, "not a valid URL"),
        ({"region": "eu"}, "not both"),
        ({"timeout": 0}, "timeout must be between"),
        ({"timeout": 301}, "timeout must be between"),
        ({"timeout": -1.0}, "option timeout must be a duration of zero or more"),
        ({"timeout": float("nan")}, "option timeout must be a duration of zero or more"),
        ({"timeout": 10**400}, "option timeout must be a duration of zero or more"),
        ({"connect_timeout": "3"}, "option connect_timeout must be a duration"),
        ({"attempt_timeout": True}, "option attempt_timeout must be a duration"),
        ({"max_retries": 11}, "max_retries is above 10"),
        ({"max_retries": 10**30}, "option max_retries must be a whole number, zero or more"),
        ({"max_retries": -1}, "option max_retries must be a whole number, zero or more"),
        ({"max_retries": 2.5}, "option max_retries must be a whole number, zero or more"),
        ({"retry_base_delay": 1.0, "retry_max_delay": 0.5}, "0 < base <= max"),
        ({"expected_hostnames": ["ok.example", ""]}, "expected hostname is empty"),
        ({"expected_hostnames": 7}, "option expected_hostnames must be a list of strings"),
        ({"expected_hostnames": [None]}, "option expected_hostnames cannot take a Python NoneType element"),
        ({"expected_hostnames": [["a.example"]]}, "option expected_hostnames cannot take a Python list element"),
        ({"expected_hostnames": [b"example.com"]}, "option expected_hostnames cannot take a Python bytes"),
        ({"expected_actions": [""]}, "expected action is empty"),
        ({"score_threshold": 1.5}, "score_threshold must be within [0, 1]"),
        ({"score_threshold": "0.5"}, "option score_threshold must be a number"),
        ({"max_age": 0}, "max_age must be positive"),
        ({"fail_mode": "sometimes"}, 'option fail_mode must be "closed" or "open"'),
        ({"fail_mode": ["open"]}, "option fail_mode cannot take a Python list"),
        ({"fail_mode": {"open": 1}}, "option fail_mode cannot take a Python dict"),
        ({"on_fail_open": "maybe"}, 'option on_fail_open must be "accept" or "reject"'),
        ({"proxy": "::not a url::"}, "proxy URL must start with"),
        ({"ca_pems": "not a certificate"}, "PEM"),
        ({"ca_pems": [b"not a certificate"]}, "PEM"),
        ({"ca_pems": b"\xff"}, "option ca_pems holds bytes that are not UTF-8 PEM text"),
        ({"ca_pems": 3}, "option ca_pems must be a list of strings"),
        ({"ca_files": "/nonexistent/ca.pem"}, "cannot read a CA file"),
        ({"allow_http": "yes"}, "option allow_http must be a boolean"),
        ({"allow_http": 1}, "option allow_http must be a boolean"),
        ({"secret": 12345}, "option secret must be a string"),
        ({"secret": None}, "secret is required"),
        ({"secret": "mock\udcffsecret"}, "option secret is not valid Unicode"),
        ({"provider": 3}, "provider must be a str, not int"),
        ({"secret": b"mock-secret"}, "option secret cannot take a Python bytes"),
    ],
)
def test_configuration_errors(mock: Mock, kwargs: Dict[str, Any], needle: str) -> None:
    for cls in (siteverify.Client, siteverify.AsyncClient):
        with pytest.raises(siteverify.ConfigurationError) as info:
            cls(**gk(mock, **kwargs))
        assert info.value.code == "configuration"
        assert needle in str(info.value)
        assert SECRET not in str(info.value) and SECRET not in repr(info.value)
        assert "/nonexistent" not in str(info.value)  # no config paths in errors either


def test_option_values_reach_the_core_typed_by_python_type(mock: Mock, tmp_path: Any) -> None:
    # bool before int, ints and floats as seconds for durations, any iterable for a list
    # option, os.PathLike as its path: each value goes to the core's setter as it is typed.
    client = siteverify.Client(
        **gk(
            mock,
            timeout=3,
            connect_timeout=1.5,
            max_retries=0,
            score_threshold=1,
            allow_http=False,
            expected_hostnames=("example.com", "b.example"),
            expected_actions=(a for a in ["signup", "login"]),
            max_age=60,
        )
    )
    assert client.verify("pass").accepted
    missing = tmp_path / "missing.pem"
    with pytest.raises(siteverify.ConfigurationError, match="cannot read a CA file"):
        siteverify.Client(**gk(mock, ca_files=[missing]))


def test_prosopo_refuses_checks_it_cannot_make(mock: Mock) -> None:
    with pytest.raises(siteverify.ConfigurationError, match="does not report a hostname"):
        siteverify.Client(provider="prosopo", secret=SECRET, endpoint=mock.prosopo, expected_hostnames="a.example")


def test_wrong_signature_is_a_type_error(mock: Mock) -> None:
    # Misspelt or positional options are Python call errors, as for any function.
    with pytest.raises(TypeError, match="timout"):
        siteverify.Client(**gk(mock, timout=3))  # a typo is not silently ignored
    with pytest.raises(TypeError, match="timout"):
        siteverify.AsyncClient(**gk(mock, timout=None))  # not even with a None value
    with pytest.raises(TypeError):
        siteverify.Client("gatekeeper", SECRET)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="secret"):
        siteverify.Client(provider="gatekeeper")  # type: ignore[call-arg]
    client = siteverify.Client(**gk(mock))
    with pytest.raises(TypeError):
        client.verify("pass", "203.0.113.7")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "args,kwargs,needle",
    [
        ((123,), {}, "token must be a str (or None), not int"),
        ((b"pass",), {}, "token must be a str (or None), not bytes"),
        (("pass",), {"remote_ip": "203.0.113.7; DROP TABLE"}, "remote_ip is not a valid IPv4 or IPv6 address"),
        (("pass",), {"remote_ip": 2130706433}, "remote_ip must be a str, not int"),
        (("pass",), {"email": "alice@"}, "email does not end in a valid domain"),
        (("pass",), {"email": ["alice@example.com"]}, "email must be a str, not list"),
    ],
)
def test_invalid_arguments(mock: Mock, args: Any, kwargs: Dict[str, Any], needle: str) -> None:
    client = siteverify.Client(provider="prosopo", secret=SECRET, endpoint=mock.prosopo)
    with pytest.raises(siteverify.InvalidArgumentError) as info:
        client.verify(*args, **kwargs)
    assert info.value.code == "invalid-argument" and needle in str(info.value)

    aclient = siteverify.AsyncClient(provider="prosopo", secret=SECRET, endpoint=mock.prosopo)
    with pytest.raises(siteverify.InvalidArgumentError) as ainfo:
        asyncio.run(aclient.verify(*args, **kwargs))
    assert ainfo.value.code == "invalid-argument" and needle in str(ainfo.value)


def test_core_argument_errors_are_counted(mock: Mock) -> None:
    client = siteverify.Client(provider="prosopo", secret=SECRET, endpoint=mock.prosopo)
    with pytest.raises(siteverify.InvalidArgumentError):
        client.verify("pass", email="not an email")
    assert client.stats().errors == 1 and client.stats().verifications == 0


def test_missing_token_is_an_outcome_not_an_error(mock: Mock) -> None:
    client = siteverify.Client(provider="prosopo", secret=SECRET, endpoint=mock.prosopo)
    for token in (None, ""):
        o = client.verify(token)
        assert (o.accepted, o.reason, o.attempts, o.detail) == (False, "token-invalid", 0, "token is empty")


LONE_SURROGATE_TOKENS = ["ab\udcffcd", "pass\udcff", "\ud800", "pass\ud83d:id=x"]


@pytest.mark.parametrize("fail_mode", ["closed", "open"])
def test_lone_surrogate_token_is_invalid_and_never_sent(private_mock: Mock, fail_mode: str) -> None:
    """A str that is not valid Unicode cannot be UTF-8: rejected locally, never sent lossily."""
    kwargs: Dict[str, Any] = {
        "provider": "gatekeeper",
        "secret": SECRET,
        "endpoint": private_mock.gatekeeper,
        "fail_mode": fail_mode,
    }
    client = siteverify.Client(**kwargs)
    aclient = siteverify.AsyncClient(**kwargs)

    async def run_async() -> List[siteverify.Outcome]:
        return [await aclient.verify(t, remote_ip="203.0.113.7") for t in LONE_SURROGATE_TOKENS]

    before = private_mock.stats()["requests"]
    outcomes = [client.verify(t, remote_ip="203.0.113.7") for t in LONE_SURROGATE_TOKENS]
    outcomes += asyncio.run(run_async())
    for o in outcomes:
        assert (o.accepted, o.verified, o.conclusive, o.reason, o.attempts, o.http_status) == (
            False,
            False,
            True,
            "token-invalid",
            0,
            None,
        ), o
        assert o.detail == "token is not valid UTF-8"
    # Only this stats GET reached the mock: no verify request was sent.
    assert private_mock.stats()["requests"] == before + 1
    for c in (client, aclient):
        s = c.stats()
        assert (s.verifications, s.not_accepted, s.errors) == (4, 4, 0)
        assert s.by_reason == {"token-invalid": 4}
    # Per-call arguments are still checked first, as for any token.
    with pytest.raises(siteverify.InvalidArgumentError):
        client.verify("ab\udcffcd", remote_ip="not an ip")


def test_the_secret_never_shows(mock: Mock) -> None:
    secret = "sk_live_DO-NOT-PRINT-ME"
    client = siteverify.Client(provider="gatekeeper", secret=secret, endpoint=mock.gatekeeper)
    aclient = siteverify.AsyncClient(provider="gatekeeper", secret=secret, endpoint=mock.gatekeeper)
    outcome = client.verify("pass")  # the mock refuses this secret
    assert outcome.reason == "provider-rejected-request"
    for text in (
        repr(client),
        str(client),
        repr(aclient),
        repr(outcome),
        str(outcome),
        outcome.to_json(),
        repr(outcome.to_dict()),
        repr(client.stats()),
        repr(dir(client)),
    ):
        assert secret not in text and "DO-NOT-PRINT" not in text
    # Not readable back either.
    assert not hasattr(client, "secret")
    for bad in (
        {"secret": secret + "\n"},
        {"secret": secret, "endpoint": "ftp://x"},
        {"secret": secret, "region": "eu"},
    ):
        with pytest.raises(siteverify.ConfigurationError) as info:
            siteverify.Client(provider="gatekeeper", **{"endpoint": mock.gatekeeper, **bad})  # type: ignore[arg-type]
        assert "DO-NOT-PRINT" not in str(info.value) and "DO-NOT-PRINT" not in repr(info.value)
