"""Widgets over a real Session, headless: the in-process simulator on a fake clock, the
engine on its own loop thread pacing at a tiny real interval. Tests wait on futures
(``bridge.drain()``, ``on_engine``), never on sleeps."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import httpx

from insta_nb.backends.v1 import ApiClient, V1Backend
from insta_nb.config import EngineSettings, ServiceSettings
from insta_nb.engine import EngineRunner
from insta_nb.session import Session
from insta_nb.simulator import Faults, Simulator, SimulatorSettings
from insta_nb.testing import FakeClock

from .support import simulator_credentials, spec

T = TypeVar("T")

#: Real seconds between a response and the next send: tiny, so a test takes milliseconds.
INTERVAL = 0.002


@dataclass
class WidgetWorld:
    sim: Simulator
    clock: FakeClock
    runner: EngineRunner
    session: Session

    def on_engine(self, fn: Callable[[], Awaitable[T]]) -> T:
        return self.runner.on_loop_sync(fn, timeout=10)

    def create(self, name: str) -> str:
        return self.on_engine(lambda: self.session.service.create_cluster(spec(name)))

    def watches(self) -> int:
        async def count() -> int:
            return len(self.session.service.watches)

        return self.on_engine(count)

    @contextlib.contextmanager
    def engine_busy(self) -> Iterator[None]:
        """Keep the engine's loop busy inside the block (as a long parse or GC would):
        work handed to it meanwhile waits, in the order it was handed over."""
        release = threading.Event()
        running = threading.Event()

        def block() -> None:
            running.set()
            release.wait(10)

        self.runner.thread.loop.call_soon_threadsafe(block)
        assert running.wait(10)
        try:
            yield
        finally:
            release.set()

    def close(self) -> None:
        self.session.close()
        self.runner.on_loop_sync(self.runner.engine.aclose, timeout=10)
        loop = self.runner.thread.loop
        self.runner.thread.stop()
        loop.close()


def make_widget_world(
    *,
    read_only: bool = False,
    faults: Faults | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    engine_settings: EngineSettings | None = None,
) -> WidgetWorld:
    clock = FakeClock()
    sim = Simulator(
        clock=clock, settings=SimulatorSettings(interval=None, seed=3), faults=faults or Faults()
    )
    creds = simulator_credentials(sim, read_only=read_only)
    runner = EngineRunner(engine_settings or EngineSettings(interval=INTERVAL, shared_slots=False))
    client = ApiClient(creds, transport=transport or sim.transport())
    session = Session(V1Backend(client), runner, ServiceSettings().scaled(0.01), simulator=sim)
    return WidgetWorld(sim, clock, runner, session)
