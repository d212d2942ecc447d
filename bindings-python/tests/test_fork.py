"""A multiprocessing child started with fork verifies after its parent did."""

from __future__ import annotations

import asyncio
import multiprocessing
import sys
from typing import Any, Dict

import pytest

import siteverify
from conftest import SECRET, Mock

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="no fork on Windows"),
    # Python 3.12+ warns on every fork of a process with threads; forking one
    # whose native runtime threads exist is exactly what this test checks.
    pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning"),
]


def _child(
    sync_client: siteverify.Client,
    async_client: siteverify.AsyncClient,
    endpoint: str,
    queue: "multiprocessing.Queue[Dict[str, Any]]",
) -> None:
    try:
        # The parent's clients, whose runtime threads and pooled connections
        # did not survive the fork...
        inherited = sync_client.verify("pass:action=child-sync")
        inherited_async = asyncio.run(async_client.verify("pass:action=child-async"))
        # ...and a client built in the child.
        fresh = siteverify.Client(provider="gatekeeper", secret=SECRET, endpoint=endpoint).verify(
            "pass:action=child-fresh"
        )
        queue.put(
            {
                "inherited": inherited.to_dict(),
                "inherited_async": inherited_async.to_dict(),
                "fresh": fresh.to_dict(),
                "stats": sync_client.stats().verifications,
            }
        )
    except BaseException as e:  # report, do not hang the parent
        queue.put({"error": repr(e)})


def test_fork_child_verifies_after_parent(mock: Mock) -> None:
    sync_client = siteverify.Client(provider="gatekeeper", secret=SECRET, endpoint=mock.gatekeeper)
    async_client = siteverify.AsyncClient(provider="gatekeeper", secret=SECRET, endpoint=mock.gatekeeper)
    # The parent verifies first: the shared runtime and the pools now exist.
    assert sync_client.verify("pass:action=parent").accepted
    assert asyncio.run(async_client.verify("pass:action=parent-async")).accepted

    ctx = multiprocessing.get_context("fork")
    queue: "multiprocessing.Queue[Dict[str, Any]]" = ctx.Queue()
    child = ctx.Process(target=_child, args=(sync_client, async_client, mock.gatekeeper, queue))
    child.start()
    try:
        result = queue.get(timeout=60)
    finally:
        child.join(timeout=30)
        if child.is_alive():
            child.kill()
    assert "error" not in result, result["error"]
    assert child.exitcode == 0
    assert result["inherited"]["accepted"] and result["inherited"]["action"] == "child-sync"
    assert result["inherited_async"]["accepted"] and result["inherited_async"]["action"] == "child-async"
    assert result["fresh"]["accepted"] and result["fresh"]["action"] == "child-fresh"
    # The child's counters continued from the parent's copy.
    assert result["stats"] == 2
    # And the parent still works after the fork.
    assert sync_client.verify("pass:action=parent-again").action == "parent-again"
    assert asyncio.run(async_client.verify("pass")).accepted


def _child_on_parents_loop(
    async_client: siteverify.AsyncClient,
    loop: asyncio.AbstractEventLoop,
    queue: "multiprocessing.Queue[Dict[str, Any]]",
) -> None:
    try:
        outcome = loop.run_until_complete(asyncio.wait_for(async_client.verify("pass:action=child-loop"), timeout=30))
        queue.put({"action": outcome.action})
    except BaseException as e:  # report, do not hang the parent
        queue.put({"error": repr(e)})


def test_fork_child_runs_the_parents_event_loop(mock: Mock) -> None:
    # The loop's wake-up socket (registered while the parent verified on it)
    # is inherited: the child needs its own, and must leave the parent's
    # registered (epoll is shared across fork).
    async_client = siteverify.AsyncClient(provider="gatekeeper", secret=SECRET, endpoint=mock.gatekeeper)
    loop = asyncio.new_event_loop()
    try:
        assert loop.run_until_complete(async_client.verify("pass:action=parent")).action == "parent"
        ctx = multiprocessing.get_context("fork")
        queue: "multiprocessing.Queue[Dict[str, Any]]" = ctx.Queue()
        child = ctx.Process(target=_child_on_parents_loop, args=(async_client, loop, queue))
        child.start()
        try:
            result = queue.get(timeout=60)
        finally:
            child.join(timeout=30)
            if child.is_alive():
                child.kill()
        assert result == {"action": "child-loop"}
        assert child.exitcode == 0
        # The parent's loop is still woken by its own results.
        again = loop.run_until_complete(asyncio.wait_for(async_client.verify("pass:action=again"), timeout=30))
        assert again.action == "again"
    finally:
        loop.close()
