"""The GIL, the event loop, 1,000 concurrent calls and cancellation."""

from __future__ import annotations

import asyncio
import gc
import resource
import threading
import time
from typing import Any, Dict, List

import pytest

import siteverify
from conftest import SECRET, Mock


class Spinner:
    """A CPU-bound Python thread that counts loop iterations."""

    def __init__(self) -> None:
        self.count = 0
        self._stop = threading.Event()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        self._started.set()
        while not self._stop.is_set():
            for _ in range(1000):
                pass
            self.count += 1

    def __enter__(self) -> "Spinner":
        self._thread.start()
        self._started.wait()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def test_sync_verify_releases_the_gil(mock: Mock) -> None:
    client = siteverify.Client(provider="prosopo", secret=SECRET, endpoint=mock.prosopo)
    with Spinner() as spinner:
        # Reference: what the spinner does in 0.2 s while this thread sleeps
        # (time.sleep releases the GIL).
        start = spinner.count
        time.sleep(0.2)
        reference = spinner.count - start
        # The verify waits 1.5 s on the mock. Holding the GIL, the spinner
        # would get one switch interval (5 ms) at most; released, it runs
        # the whole time. Ask only for as much as it did in 0.2 s asleep.
        before = spinner.count
        outcome = client.verify("slow:ms=1500")
        during = spinner.count - before
    assert outcome.accepted and outcome.reason == "verified"
    assert reference > 0
    assert during >= reference, f"spinner made {during} steps during verify, {reference} in 0.2 s of sleep"


def test_verify_from_many_threads_at_once(mock: Mock) -> None:
    client = siteverify.Client(provider="gatekeeper", secret=SECRET, endpoint=mock.gatekeeper)
    results: List[siteverify.Outcome] = [None] * 16  # type: ignore[list-item]

    def work(i: int) -> None:
        results[i] = client.verify(f"pass:action=t{i}")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert [o.action for o in results] == [f"t{i}" for i in range(16)]
    assert all(o.accepted for o in results)
    assert client.stats().verifications == 16


def test_async_verify_does_not_block_the_event_loop(mock: Mock) -> None:
    client = siteverify.AsyncClient(provider="prosopo", secret=SECRET, endpoint=mock.prosopo)

    async def main() -> int:
        ticks = 0
        verify = asyncio.ensure_future(client.verify("slow:ms=1500"))
        while not verify.done():
            await asyncio.sleep(0.01)
            ticks += 1
        assert (await verify).accepted
        return ticks

    assert asyncio.run(main()) >= 10


def test_one_thousand_concurrent_async_verifications(mock: Mock) -> None:
    # 1,000 sockets at once: raise the soft descriptor limit if it is the usual 1024.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < 4096:
        new = 4096 if hard == resource.RLIM_INFINITY else min(4096, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
    client = siteverify.AsyncClient(
        provider="gatekeeper",
        secret=SECRET,
        endpoint=mock.gatekeeper,
        expected_hostnames=["example.com"],
        timeout=60,
        attempt_timeout=30,
    )
    n = 1000

    async def main() -> List[siteverify.Outcome]:
        return await asyncio.gather(*(client.verify(f"pass:score=0.{i % 10}:action=a{i}") for i in range(n)))

    outcomes = asyncio.run(main())
    assert len(outcomes) == n
    for i, o in enumerate(outcomes):
        # Each awaiter got its own answer.
        assert o.accepted and o.verified and o.reason == "verified", o
        assert o.action == f"a{i}"
        assert o.score == pytest.approx((i % 10) / 10)
        assert o.hostname == "example.com"
    stats = client.stats()
    assert stats.verifications == n and stats.accepted == n and stats.errors == 0


def test_cancelling_the_task_cancels_the_request(private_mock: Mock) -> None:
    # Without cancellation this verify would retry every 0.3 s for 20 s.
    client = siteverify.AsyncClient(
        provider="gatekeeper",
        secret=SECRET,
        endpoint=private_mock.gatekeeper,
        timeout=20,
        attempt_timeout=0.3,
        max_retries=10,
        retry_base_delay=0.01,
        retry_max_delay=0.05,
    )

    async def main() -> None:
        task = asyncio.ensure_future(client.verify("hang"))
        while private_mock.stats()["requests"] < 2:  # the stats GET counts too
            await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        after_cancel = private_mock.stats()["requests"]
        await asyncio.sleep(1.5)
        # Only our own stats GET arrived since: no retry was sent.
        assert private_mock.stats()["requests"] == after_cancel + 1
        assert client.stats().verifications == 0
        # The client works on after a cancellation.
        assert (await client.verify("pass")).accepted

    asyncio.run(main())


def test_wait_for_timeout_cancels(mock: Mock) -> None:
    client = siteverify.AsyncClient(provider="prosopo", secret=SECRET, endpoint=mock.prosopo)

    async def main() -> None:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(client.verify("hang"), 0.2)
        assert client.stats().verifications == 0

    asyncio.run(main())


def test_async_client_serves_several_event_loops(mock: Mock) -> None:
    client = siteverify.AsyncClient(provider="prosopo", secret=SECRET, endpoint=mock.prosopo)
    # asyncio.run(client.verify(...)) works: verify is a coroutine function.
    assert asyncio.run(client.verify("pass")).accepted
    assert asyncio.run(client.verify("fail")).reason == "token-invalid"

    # And from a loop in another thread at the same time.
    box: List[siteverify.Outcome] = []
    t = threading.Thread(target=lambda: box.append(asyncio.run(client.verify("pass:score=0.3"))))
    t.start()
    t.join(timeout=60)
    assert box and box[0].score == pytest.approx(0.3)


def test_closing_the_loop_with_verifications_pending(mock: Mock) -> None:
    client = siteverify.AsyncClient(provider="prosopo", secret=SECRET, endpoint=mock.prosopo)
    n = 20
    loop = asyncio.new_event_loop()

    async def start() -> "List[asyncio.Future[siteverify.Outcome]]":
        return [client._verify_future("slow:ms=300") for _ in range(n)]

    futures = loop.run_until_complete(start())
    loop.close()
    # The results arrive for a closed loop: dropped, the futures stay pending.
    deadline = time.monotonic() + 30
    while client.stats().verifications < n and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.stats().verifications == n
    time.sleep(0.2)
    assert not any(f.done() for f in futures)
    del futures, loop
    # Other loops are served on.
    assert asyncio.run(client.verify("pass")).accepted


def test_many_loops_in_threads_at_once(mock: Mock) -> None:
    client = siteverify.AsyncClient(provider="gatekeeper", secret=SECRET, endpoint=mock.gatekeeper)
    results: List[List[str]] = []

    def run(i: int) -> None:
        async def main() -> List[str]:
            outcomes = await asyncio.gather(*(client.verify(f"pass:action=t{i}-{k}") for k in range(50)))
            return [o.action or "" for o in outcomes]

        results.append(asyncio.run(main()))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # Every loop got its own results, each exactly once.
    assert sorted(a for r in results for a in r) == sorted(f"t{i}-{k}" for i in range(8) for k in range(50))


def test_closing_the_coroutine_aborts_quietly(mock: Mock) -> None:
    client = siteverify.AsyncClient(provider="prosopo", secret=SECRET, endpoint=mock.prosopo)

    async def main() -> List[Dict[str, Any]]:
        problems: List[Dict[str, Any]] = []
        asyncio.get_running_loop().set_exception_handler(lambda _loop, context: problems.append(context))
        coro = client.verify("slow:ms=5000")
        # Started, then closed while it awaits (as when its task is destroyed).
        coro.send(None)
        coro.close()
        await asyncio.sleep(0.3)
        gc.collect()
        await asyncio.sleep(0)
        return problems

    # Nothing settles an abandoned future with an error nobody retrieves.
    assert asyncio.run(main()) == []
    assert client.stats().verifications == 0
