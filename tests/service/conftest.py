"""A service wired to the in-process simulator, all on one fake clock."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from insta_nb.backends.v1 import ApiClient, V1Backend
from insta_nb.config import EngineSettings, ServiceSettings
from insta_nb.credentials import Credentials
from insta_nb.engine import Engine, MemorySlots
from insta_nb.models import BundleSpec, ClusterSpec, ProviderSpec, RackAllocation
from insta_nb.service import ClusterService
from insta_nb.simulator import Faults, Simulator, SimulatorSettings
from insta_nb.testing import FakeClock

INTERVAL = 2.5


@dataclass
class World:
    clock: FakeClock
    sim: Simulator
    engine: Engine
    service: ClusterService

    async def drive(self, awaitable: Awaitable[Any], limit: float = 3_600) -> Any:
        """Await ``awaitable`` while moving the fake clock from wake-up to wake-up."""
        task = asyncio.ensure_future(awaitable)
        await self.clock.run_until(task.done, limit=limit)
        return task.result()

    def sent(self, method: str, fragment: str = "") -> int:
        """How many requests with this method (and path fragment) the simulator applied."""
        return sum(
            1 for r in self.sim.log if r.method == method and fragment in r.path and r.applied
        )


def make_world(*, read_only: bool = False, faults: Faults | None = None, seed: int = 1) -> World:
    clock = FakeClock()
    sim = Simulator(
        clock=clock,
        settings=SimulatorSettings(interval=INTERVAL, seed=seed),
        faults=faults or Faults(),
    )
    key = sim.credentials.read_only_key if read_only else sim.credentials.api_key
    creds = Credentials.resolve(
        username=sim.credentials.username, api_key=key, api_url=sim.url, read_only=read_only
    )
    assert creds is not None
    client = ApiClient(creds, transport=sim.transport())
    engine = Engine(
        EngineSettings(interval=INTERVAL, shared_slots=False),
        clock=clock,
        slots=MemorySlots(),
        rng=random.Random(seed),
    )
    service = ClusterService(
        V1Backend(client), engine, ServiceSettings(), clock=clock, rng=random.Random(seed)
    )
    return World(clock, sim, engine, service)


@pytest.fixture
def world() -> World:
    return make_world()


def spec(name: str = "demo_cluster", nodes_per_rack: int = 1) -> ClusterSpec:
    return ClusterSpec(
        cluster_name=name,
        bundles=(BundleSpec("APACHE_CASSANDRA", "4.0.1"),),
        provider=ProviderSpec("AWS_VPC"),
        data_centre="US_WEST_2",
        node_size="t3.small-v2",
        rack_allocation=RackAllocation(3, nodes_per_rack),
        cluster_network="10.224.0.0/16",
    )


def run(body: Callable[[], Awaitable[Any]], world: World) -> Any:
    """Run a test body on a fresh loop, then close the world's HTTP client on it."""

    async def main() -> Any:
        try:
            return await body()
        finally:
            await world.service.aclose()
            await world.service.backend.aclose()
            await world.engine.aclose()

    return asyncio.run(main())
