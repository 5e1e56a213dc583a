"""Engine.cancel_job: the queue view's per-request Cancel."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from insta_nb import errors
from insta_nb.engine import Engine
from insta_nb.testing import FakeClock

from .fake_api import FakeAPI

Run = Callable[[Callable[[], Awaitable[Any]]], Any]


def test_cancel_job_fails_every_waiter_of_a_queued_job_and_nothing_else(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    async def body() -> None:
        first = asyncio.ensure_future(engine.run(api.request("first")))
        second = asyncio.ensure_future(engine.run(api.request("second")))
        third = asyncio.ensure_future(engine.run(api.request("third")))
        await clock.settle()  # "first" is out; the others wait for their slot
        queued = {j.label: j.id for j in engine.snapshot().queued}
        assert set(queued) == {"second", "third"}
        assert engine.cancel_job(queued["second"]) == 1
        assert engine.cancel_job(queued["second"]) == 0  # already gone
        assert engine.cancel_job(10_000) == 0  # unknown id
        await clock.run_until(lambda: first.done() and third.done())
        assert first.result() == "first"
        assert third.result() == "third"
        with pytest.raises(errors.JobCancelledError, match="cancelled before it was sent"):
            second.result()

    arun(body)
    assert api.labels() == ["first", "third"]
