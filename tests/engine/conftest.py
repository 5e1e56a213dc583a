from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from insta_nb.config import EngineSettings
from insta_nb.engine import Engine, MemorySlots
from insta_nb.testing import FakeClock

from .fake_api import FakeAPI

T = TypeVar("T")

INTERVAL = 2.5


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings() -> EngineSettings:
    return EngineSettings(interval=INTERVAL, shared_slots=False)


@pytest.fixture
def engine(settings: EngineSettings, clock: FakeClock) -> Engine:
    return Engine(settings, clock=clock, slots=MemorySlots(), rng=random.Random(7))


@pytest.fixture
def api(clock: FakeClock) -> FakeAPI:
    return FakeAPI(clock)


@pytest.fixture
def arun() -> Callable[[Callable[[], Awaitable[T]]], T]:
    """Run an async test body on a fresh loop."""

    def runner(body: Callable[[], Awaitable[Any]]) -> Any:
        return asyncio.run(body())

    return runner
