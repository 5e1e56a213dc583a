"""The engine and ApiClient over real HTTP: concurrent callers, one paced stream, no 429."""

from __future__ import annotations

import asyncio
import statistics
import threading
from pathlib import Path

import pytest

from insta_nb.backends.v1 import ApiClient
from insta_nb.engine import Engine, EngineRunner, JobKind, Request
from tests.loopback.conftest import (
    INTERVAL,
    LIST,
    Served,
    assert_paced,
    close_runner,
    engine_settings,
    list_request,
)

pytestmark = pytest.mark.loopback


def test_concurrent_tasks_are_paced_without_a_single_429(served: Served, tmp_path: Path) -> None:
    tasks, per_task = 6, 4
    spans: list[tuple[float, float]] = []

    async def body() -> list[object]:
        engine = Engine(engine_settings(tmp_path))
        async with ApiClient(served.credentials()) as client:

            async def task() -> list[object]:
                return [await engine.run(list_request(client, spans)) for _ in range(per_task)]

            results = await asyncio.gather(*(task() for _ in range(tasks)))
            await engine.aclose()
        assert engine.rejected_429 == 0
        assert engine.retried == 0
        return [r for rs in results for r in rs]

    results = asyncio.run(body())

    count = tasks * per_task
    assert results == [[]] * count  # the account is empty: the API's 404 is an empty list
    assert served.sim.stats.requests == count  # nothing retried, nothing coalesced
    served.assert_no_429()
    assert_paced(spans)
    # Paced, not dawdling: one interval plus a round trip per request, with room for a
    # busy machine.
    assert statistics.fmean(served.arrival_gaps()) < 1.5 * INTERVAL


def test_callers_on_several_loops_and_threads_share_the_engine_thread(
    served: Served, tmp_path: Path
) -> None:
    runner = EngineRunner(engine_settings(tmp_path))
    creds = served.credentials()

    async def make_client() -> ApiClient:
        return ApiClient(creds)  # lives on the engine's loop, like every httpx client

    client = runner.on_loop_sync(make_client, timeout=10)
    spans: list[tuple[float, float]] = []
    failures: list[BaseException] = []

    def async_caller() -> None:  # a notebook cell's loop, or any other
        async def body() -> None:
            async def task() -> None:
                for _ in range(3):
                    await runner.run(list_request(client, spans))

            await asyncio.gather(task(), task())

        try:
            asyncio.run(body())
        except BaseException as exc:
            failures.append(exc)

    def sync_caller() -> None:
        try:
            for _ in range(3):
                assert runner.run_sync(list_request(client, spans), timeout=30) == []
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=async_caller) for _ in range(3)]
    threads.append(threading.Thread(target=sync_caller))
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not failures
        assert len(spans) == 3 * 2 * 3 + 3
        assert runner.snapshot().rejected_429 == 0
    finally:
        close_runner(runner, client)
    served.assert_no_429()
    assert_paced(spans)


def test_identical_gets_in_flight_share_one_request(served: Served, tmp_path: Path) -> None:
    async def body() -> list[object]:
        engine = Engine(engine_settings(tmp_path))
        async with ApiClient(served.credentials()) as client:
            request = Request(
                call=client.list_clusters,
                kind=JobKind.READ,
                label=LIST,
                idempotent=True,
                key=("list",),
            )
            results = await asyncio.gather(*(engine.run(request) for _ in range(10)))
            await engine.aclose()
        return list(results)

    assert asyncio.run(body()) == [[]] * 10
    assert served.sim.stats.requests == 1
