"""A widgets world on the v2 API: the same simulator and fake clock, a v2 session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from insta_nb.backends.v2 import V2Backend
from insta_nb.config import EngineSettings, ServiceSettings
from insta_nb.credentials import Credentials
from insta_nb.engine import EngineRunner
from insta_nb.session import Session
from insta_nb.simulator import Simulator, SimulatorSettings
from insta_nb.testing import FakeClock
from insta_nb.widgets._bridge import ManualTimers

from .conftest import INTERVAL, World, close_world


def make_v2_world(*, read_only: bool = False) -> World:
    clock = FakeClock()
    sim = Simulator(clock=clock, settings=SimulatorSettings(interval=None, seed=3))
    key = sim.credentials.read_only_key if read_only else sim.credentials.api_key
    creds = Credentials.resolve(
        username=sim.credentials.username, api_key=key, api_url=sim.url, read_only=read_only
    )
    assert creds is not None
    runner = EngineRunner(EngineSettings(interval=INTERVAL, shared_slots=False))
    backend = V2Backend.open(creds, transport=sim.transport())
    session = Session(backend, runner, ServiceSettings().scaled(0.01), simulator=sim)
    return World(sim, clock, runner, session, ManualTimers())


@pytest.fixture
def v2_world() -> Iterator[World]:
    w = make_v2_world()
    yield w
    close_world(w)
