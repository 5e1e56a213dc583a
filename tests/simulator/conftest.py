"""Fixtures: an in-process simulator on a fake clock, limiter off unless a test asks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from insta_nb.simulator import Faults, Simulator, SimulatorSettings
from insta_nb.testing import FakeClock
from tests.simulator.support import Harness

MakeApi = Callable[..., Harness]


@pytest.fixture
def make_api() -> Iterator[MakeApi]:
    """Factory: ``make_api(faults=..., **settings)`` -> :class:`Harness` (interval off)."""
    made: list[Harness] = []

    def make(faults: Faults | None = None, **settings: Any) -> Harness:
        settings.setdefault("interval", None)
        clock = FakeClock()
        sim = Simulator(clock=clock, settings=SimulatorSettings(**settings), faults=faults)
        harness = Harness(sim, clock)
        made.append(harness)
        return harness

    yield make
    for harness in made:
        # A route raising is a simulator bug even when the client saw a tidy JSON 500.
        assert harness.sim.app_errors == []


@pytest.fixture
def api(make_api: MakeApi) -> Harness:
    """A simulator with default settings except the rate limiter (off)."""
    return make_api()
