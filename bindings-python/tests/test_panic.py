"""A panic inside a verification: InternalError exactly once, never a hung future.

Uses the core's test hook (``siteverify._native._testing_arm_injected_panic``):
while armed, verifying ``_TESTING_PANIC_TOKEN`` panics inside the verification.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, Iterator, List

import pytest

import siteverify
from conftest import SECRET, Mock
from siteverify import _native
from vector_support import load_cases

PANIC_TOKEN = _native._TESTING_PANIC_TOKEN


@pytest.fixture
def armed() -> Iterator[None]:
    _native._testing_arm_injected_panic(True)
    try:
        yield
    finally:
        _native._testing_arm_injected_panic(False)


def test_the_hook_is_not_public_api() -> None:
    assert not any("panic" in name.lower() for name in siteverify.__all__)
    assert not hasattr(siteverify, "_testing_arm_injected_panic")


def test_sync_verify_raises_internal_error(mock: Mock, armed: None) -> None:
    client = siteverify.Client(provider="gatekeeper", secret=SECRET, endpoint=mock.gatekeeper)
    with pytest.raises(siteverify.InternalError) as info:
        client.verify(PANIC_TOKEN)
    assert info.value.code == "internal" and SECRET not in str(info.value)
    # Other tokens are unaffected while armed.
    assert client.verify("pass").accepted
    s = client.stats()
    assert (s.errors, s.verifications) == (1, 1)


def test_async_verify_raises_internal_error_exactly_once(mock: Mock, armed: None) -> None:
    client = siteverify.AsyncClient(provider="gatekeeper", secret=SECRET, endpoint=mock.gatekeeper)
    n = 50

    async def run() -> List[Dict[str, Any]]:
        loop = asyncio.get_running_loop()
        # A second set_result/set_exception on a done future would end up here.
        problems: List[Dict[str, Any]] = []
        loop.set_exception_handler(lambda _loop, context: problems.append(context))
        futures = [client._verify_future(PANIC_TOKEN) for _ in range(n)]
        normal = [client._verify_future("pass") for _ in range(n)]
        done, pending = await asyncio.wait(futures + normal, timeout=10)
        assert not pending, f"{len(pending)} futures left pending"
        for f in futures:
            exc = f.exception()
            assert isinstance(exc, siteverify.InternalError) and exc.code == "internal", exc
        for f in normal:
            assert f.result().accepted
        # Through the public coroutine too.
        with pytest.raises(siteverify.InternalError):
            await client.verify(PANIC_TOKEN)
        # Give a stray second delivery time to show up.
        await asyncio.sleep(0.3)
        return problems

    problems = asyncio.run(asyncio.wait_for(run(), timeout=30))
    assert not problems, problems
    s = client.stats()
    assert (s.errors, s.verifications, s.accepted) == (n + 1, n, n)


def test_cancelled_panicking_verification_settles_nothing_twice(mock: Mock, armed: None) -> None:
    client = siteverify.AsyncClient(provider="gatekeeper", secret=SECRET, endpoint=mock.gatekeeper)

    async def run() -> List[Dict[str, Any]]:
        problems: List[Dict[str, Any]] = []
        asyncio.get_running_loop().set_exception_handler(lambda _loop, context: problems.append(context))
        for _ in range(20):
            task = asyncio.ensure_future(client.verify(PANIC_TOKEN))
            await asyncio.sleep(0)
            task.cancel()
            try:
                await task
            except (asyncio.CancelledError, siteverify.InternalError):
                pass
        await asyncio.sleep(0.3)
        return problems

    assert not asyncio.run(run())


def test_client_verifies_after_disarming(mock: Mock) -> None:
    sync_client = siteverify.Client(provider="gatekeeper", secret=SECRET, endpoint=mock.gatekeeper)
    async_client = siteverify.AsyncClient(provider="gatekeeper", secret=SECRET, endpoint=mock.gatekeeper)
    _native._testing_arm_injected_panic(True)
    try:
        with pytest.raises(siteverify.InternalError):
            sync_client.verify(PANIC_TOKEN)
        with pytest.raises(siteverify.InternalError):
            asyncio.run(async_client.verify(PANIC_TOKEN))
    finally:
        _native._testing_arm_injected_panic(False)
    # Disarmed, the token is an ordinary (unknown) token, and both clients work.
    for o in (sync_client.verify(PANIC_TOKEN), asyncio.run(async_client.verify(PANIC_TOKEN))):
        assert (o.accepted, o.reason, o.attempts) == (False, "token-invalid", 1)
    assert sync_client.verify("pass").accepted
    assert asyncio.run(async_client.verify("pass")).accepted


def test_huge_retry_after_returns_promptly(mock: Mock) -> None:
    (case,) = [c for c in load_cases() if c.name == "retry-after-beyond-any-deadline"]
    sync_client = siteverify.Client(**case.client_kwargs(mock.url))
    async_client = siteverify.AsyncClient(**case.client_kwargs(mock.url))

    def sync() -> siteverify.Outcome:
        return sync_client.verify(case.token("sync"))

    def in_asyncio() -> siteverify.Outcome:
        return asyncio.run(async_client.verify(case.token("async")))

    for verify in (sync, in_asyncio):
        start = time.monotonic()
        o = verify()
        assert time.monotonic() - start < 2.0
        assert (o.reason, o.http_status, o.attempts) == ("provider-unavailable", 429, 1)
