"""Forks while other threads verify (issue 11 section 4).

A child must never inherit a lock held by a thread that does not exist in it:
several threads verify continuously (sync and async entry points, stats),
while the main thread forks many times. Every child verifies once with the
inherited client and once with a new one, then exits; it must exit 0 within a
bounded wait, or it is killed and the test fails.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time
from typing import List

import pytest

import siteverify
from conftest import SECRET, Mock

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="no fork on Windows"),
    # Python 3.12+ warns on every fork of a process with threads: that is the point here.
    pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning"),
]

FORKS = 200
SYNC_THREADS = 4
CHILD_LIMIT = 5.0  # seconds for one child to verify twice and exit
BUDGET = 60.0  # seconds for the whole test; it normally takes a few


def _child(client: siteverify.Client, endpoint: str) -> int:
    """In the forked child: 0 when both verifications pass."""
    try:
        inherited = client.verify("pass").accepted
        fresh = siteverify.Client(provider="gatekeeper", secret=SECRET, endpoint=endpoint, timeout=2)
        return 0 if inherited and fresh.verify("pass").accepted else 1
    except BaseException:  # noqa: BLE001 - a child reports through its exit code only
        return 2


def _wait(pid: int) -> str:
    """'ok', 'failed' or 'hung' (then killed)."""
    deadline = time.monotonic() + CHILD_LIMIT
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return "ok" if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else "failed"
        time.sleep(0.001)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return "hung"


def test_fork_while_other_threads_verify(mock: Mock) -> None:
    endpoint = mock.gatekeeper
    client = siteverify.Client(provider="gatekeeper", secret=SECRET, endpoint=endpoint, timeout=2)
    async_client = siteverify.AsyncClient(provider="gatekeeper", secret=SECRET, endpoint=endpoint, timeout=2)
    stop = threading.Event()
    busy_errors: List[BaseException] = []
    rounds = [0]

    def sync_busy() -> None:
        try:
            while not stop.is_set():
                client.verify("pass")
                client.stats()
                siteverify.Client(provider="gatekeeper", secret=SECRET, endpoint=endpoint).stats()
                rounds[0] += 1
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            busy_errors.append(e)

    def async_busy() -> None:
        async def loop() -> None:
            while not stop.is_set():
                await asyncio.gather(*(async_client.verify("pass") for _ in range(4)))
                async_client.stats()

        try:
            asyncio.run(loop())
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            busy_errors.append(e)

    threads = [threading.Thread(target=sync_busy) for _ in range(SYNC_THREADS)]
    threads.append(threading.Thread(target=async_busy))
    for t in threads:
        t.start()
    results = {"ok": 0, "failed": 0, "hung": 0}
    start = time.monotonic()
    try:
        # Every thread is busy before the first fork.
        while rounds[0] < SYNC_THREADS and not busy_errors and time.monotonic() - start < 10:
            time.sleep(0.001)
        for _ in range(FORKS):
            pid = os.fork()
            if pid == 0:
                os._exit(_child(client, endpoint))
            results[_wait(pid)] += 1
            if time.monotonic() - start > BUDGET:
                break
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=10)
    assert not busy_errors, busy_errors
    assert results == {"ok": FORKS, "failed": 0, "hung": 0}
    # The parent still works.
    assert client.verify("pass").accepted
    assert asyncio.run(async_client.verify("pass")).accepted
