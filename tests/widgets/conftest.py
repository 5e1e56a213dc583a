"""Widgets over a real Session: the in-process simulator on a fake clock, and an engine on
its own loop thread pacing at a tiny real interval. Nothing sleeps: tests wait on the
bridge's ``drain()`` (futures with timeouts)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest

from insta_nb.backends.v1 import ApiClient, V1Backend
from insta_nb.config import EngineSettings, ServiceSettings
from insta_nb.credentials import Credentials
from insta_nb.engine import EngineRunner
from insta_nb.models import BundleSpec, ClusterSpec, ProviderSpec, RackAllocation
from insta_nb.session import Session
from insta_nb.simulator import Faults, Simulator, SimulatorSettings
from insta_nb.testing import FakeClock
from insta_nb.widgets._bridge import Bridge, ManualTimers

T = TypeVar("T")

#: Real seconds between a response and the next send: small, so a test takes milliseconds.
INTERVAL = 0.002


@dataclass
class World:
    """A session on a simulator, and the handles a test needs to drive it."""

    sim: Simulator
    clock: FakeClock
    runner: EngineRunner
    session: Session
    timers: ManualTimers

    def bridge(self) -> Bridge:
        """A headless bridge whose timers move only when the test says so.

        Headless on purpose: after a browser test, Playwright's sync API leaves its own
        loop marked as running in this thread, which a bridge would otherwise adopt.
        """
        return Bridge(self.session, timers=self.timers, headless=True)

    def on_engine(self, fn: Callable[[], Awaitable[T]]) -> T:
        """Run a coroutine on the engine loop and wait for it."""
        return self.runner.on_loop_sync(fn, timeout=10)

    def advance(self, seconds: float) -> None:
        """Move the simulator's clock (clusters progress through their lifecycle)."""
        self.on_engine(lambda: self.clock.advance(seconds))

    def create(self, name: str, tier: str = "NON_PRODUCTION") -> str:
        return self.on_engine(lambda: self.session.service.create_cluster(spec(name, tier)))

    def list(self) -> Any:
        return self.on_engine(self.session.service.list_clusters)

    def sent(self, method: str, fragment: str = "") -> int:
        return sum(1 for r in self.sim.log if r.method == method and fragment in r.path)


def make_world(
    *, read_only: bool = False, faults: Faults | None = None, interval: float = INTERVAL
) -> World:
    clock = FakeClock()
    sim = Simulator(
        clock=clock, settings=SimulatorSettings(interval=None, seed=3), faults=faults or Faults()
    )
    key = sim.credentials.read_only_key if read_only else sim.credentials.api_key
    creds = Credentials.resolve(
        username=sim.credentials.username, api_key=key, api_url=sim.url, read_only=read_only
    )
    assert creds is not None
    runner = EngineRunner(EngineSettings(interval=interval, shared_slots=False))
    client = ApiClient(creds, transport=sim.transport())
    session = Session(V1Backend(client), runner, ServiceSettings().scaled(0.01), simulator=sim)
    return World(sim, clock, runner, session, ManualTimers())


def close_world(world: World) -> None:
    world.session.close()
    world.runner.on_loop_sync(world.runner.engine.aclose, timeout=10)
    loop = world.runner.thread.loop
    world.runner.thread.stop()
    loop.close()  # LoopThread.stop leaves its loop open; tests run with warnings as errors


@pytest.fixture
def world() -> Iterator[World]:
    w = make_world()
    yield w
    close_world(w)


def spec(name: str = "demo", tier: str = "NON_PRODUCTION") -> ClusterSpec:
    return ClusterSpec(
        cluster_name=name,
        bundles=(BundleSpec("APACHE_CASSANDRA", "4.0.1"),),
        provider=ProviderSpec("AWS_VPC"),
        data_centre="US_WEST_2",
        node_size="t3.small-v2" if tier == "NON_PRODUCTION" else "m5l-250-v2",
        sla_tier=tier,
        rack_allocation=RackAllocation(3, 1),
        cluster_network="10.224.0.0/16",
    )
