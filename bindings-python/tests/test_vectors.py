"""Every case in tests/vectors/, through Client (sync) and AsyncClient (asyncio)."""

from __future__ import annotations

import asyncio
from typing import Any, List

import pytest

import siteverify
from conftest import SECRET, Mock
from vector_support import Case, compare, load_cases

CASES = load_cases()
VERIFY_CASES = [c for c in CASES if not c.is_config_case]
CONFIG_CASES = [c for c in CASES if c.is_config_case]


def check_error(case: Case, error: siteverify.SiteverifyError) -> List[str]:
    want = case.raw.get("expect_error")
    if want is None:
        return [f"{case.id}: unexpected {error!r}"]
    problems = []
    if error.code != want:
        problems.append(f"{case.id}: want error {want}, got {error!r}")
    if want == "invalid-argument" and not isinstance(error, siteverify.InvalidArgumentError):
        problems.append(f"{case.id}: {error!r} is not an InvalidArgumentError")
    return problems


def check_outcome(case: Case, outcome: siteverify.Outcome) -> List[str]:
    if "expect_error" in case.raw:
        return [f"{case.id}: want error {case.raw['expect_error']}, got {outcome!r}"]
    assert isinstance(outcome, siteverify.Outcome)
    return compare(case, outcome)


@pytest.mark.parametrize("case", VERIFY_CASES, ids=[c.id for c in VERIFY_CASES])
def test_vector_sync(case: Case, mock: Mock) -> None:
    client = siteverify.Client(**case.client_kwargs(mock.url))
    token = case.token("sync")
    options = case.options()
    for _ in range(case.prior_verifications):
        try:
            client.verify(token, **options)
        except siteverify.SiteverifyError:
            pass
    try:
        problems = check_outcome(case, client.verify(token, **options))
    except siteverify.SiteverifyError as e:
        problems = check_error(case, e)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", VERIFY_CASES, ids=[c.id for c in VERIFY_CASES])
def test_vector_async(case: Case, mock: Mock) -> None:
    client = siteverify.AsyncClient(**case.client_kwargs(mock.url))
    token = case.token("async")
    options = case.options()

    async def run() -> List[str]:
        for _ in range(case.prior_verifications):
            try:
                await client.verify(token, **options)
            except siteverify.SiteverifyError:
                pass
        try:
            return check_outcome(case, await client.verify(token, **options))
        except siteverify.SiteverifyError as e:
            return check_error(case, e)

    problems = asyncio.run(run())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("cls", [siteverify.Client, siteverify.AsyncClient], ids=["sync", "async"])
@pytest.mark.parametrize("case", CONFIG_CASES, ids=[c.id for c in CONFIG_CASES])
def test_vector_config(case: Case, cls: Any, mock: Mock) -> None:
    want = case.raw["expect_config_error"]
    kwargs = case.client_kwargs(mock.url)
    if want is None:
        client = cls(**kwargs)
        assert client.provider == case.provider
        return
    with pytest.raises(siteverify.SiteverifyError) as info:
        cls(**kwargs)
    assert info.value.code == want
    if want == "configuration":
        assert isinstance(info.value, siteverify.ConfigurationError)
    # Messages never echo the secret.
    assert SECRET not in str(info.value) and SECRET not in repr(info.value)


def test_every_vector_file_is_covered() -> None:
    assert {c.file for c in CASES} >= {
        "config.json",
        "input.json",
        "policy.json",
        "prosopo.json",
        "gatekeeper.json",
        "transport.json",
    }
    assert len(VERIFY_CASES) + len(CONFIG_CASES) == len(CASES)
