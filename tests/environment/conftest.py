"""A session whose engine and simulator share one fake clock that moves by itself.

The blocking form of an environment waits on the engine thread from the test's thread,
so nobody could call ``FakeClock.advance``. A *pump* on the engine loop does it instead:
whenever every task there is waiting for time, it jumps to the next wake-up. Provisioning
that takes simulated minutes takes milliseconds, nothing sleeps for real, and requests
are paced in simulated time exactly as at the real interval.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from insta_nb.backends.v1 import ApiClient, V1Backend
from insta_nb.config import EngineSettings, ServiceSettings
from insta_nb.credentials import Credentials
from insta_nb.engine import EngineRunner
from insta_nb.environment import context as env_context
from insta_nb.environment_spec import EnvironmentSpec
from insta_nb.models import BundleSpec, ClusterSpec, FirewallRuleSpec, ProviderSpec, RackAllocation
from insta_nb.peering import AwsVpcPeeringSpec
from insta_nb.session import Session
from insta_nb.simulator import Faults, Simulator, SimulatorSettings
from insta_nb.testing import FakeClock

INTERVAL = 2.5


class PumpedClock(FakeClock):
    """A fake clock that tells its pump when someone starts waiting."""

    def __init__(self) -> None:
        super().__init__()
        self.poke: asyncio.Event | None = None

    async def sleep(self, seconds: float) -> None:
        if self.poke is not None:
            self.poke.set()
        await super().sleep(seconds)


async def pump(clock: PumpedClock, stop: asyncio.Event) -> None:
    clock.poke = asyncio.Event()
    stopping = asyncio.ensure_future(stop.wait())
    while not stop.is_set():
        await clock.settle()
        if clock.next_wakeup() is not None:
            await clock.advance_to(clock.next_wakeup() or 0.0)
            continue
        clock.poke.clear()
        poked = asyncio.ensure_future(clock.poke.wait())
        await asyncio.wait({poked, stopping}, return_when=asyncio.FIRST_COMPLETED)
        poked.cancel()


@dataclass
class EnvWorld:
    clock: PumpedClock
    sim: Simulator
    runner: EngineRunner
    session: Session
    _stop: asyncio.Event

    def close(self) -> None:
        self.runner.thread.loop.call_soon_threadsafe(self._stop.set)
        self.session.close()
        self.runner.on_loop_sync(self.runner.engine.aclose, timeout=10)
        loop = self.runner.thread.loop
        self.runner.thread.stop()
        loop.close()

    def undeleted(self) -> list[str]:
        """Names of the clusters the simulator holds that nobody asked to delete."""
        return [c.name for c in self.sim.cluster_records() if c.deleted_at is None]

    def sent(self, method: str, fragment: str) -> int:
        """How many applied requests had this method and path fragment."""
        return sum(
            1 for r in self.sim.log if r.method == method and fragment in r.path and r.applied
        )

    def created(self) -> list[str]:
        """Names of every cluster ever created, in order (a duplicate shows twice)."""
        return [c.name for c in self.sim.cluster_records()]


def make_env_world(faults: Faults | None = None, *, read_only: bool = False) -> EnvWorld:
    clock = PumpedClock()
    sim = Simulator(
        clock=clock,
        settings=SimulatorSettings(interval=INTERVAL, seed=5, peering_accept_seconds=30.0),
        faults=faults or Faults(),
    )
    creds = Credentials.resolve(
        username=sim.credentials.username,
        api_key=sim.credentials.read_only_key if read_only else sim.credentials.api_key,
        api_url=sim.url,
        read_only=read_only,
    )
    assert creds is not None
    runner = EngineRunner(EngineSettings(interval=INTERVAL, shared_slots=False), clock=clock)
    session = Session(
        V1Backend(ApiClient(creds, transport=sim.transport())),
        runner,
        ServiceSettings(),
        simulator=sim,
    )

    async def start() -> asyncio.Event:
        stop = asyncio.Event()
        asyncio.get_running_loop().create_task(pump(clock, stop))
        return stop

    stop = runner.on_loop_sync(start, timeout=10)
    return EnvWorld(clock, sim, runner, session, stop)


@pytest.fixture
def world() -> Iterator[EnvWorld]:
    env_context._PROCESS_RECORDS._records.clear()
    made = make_env_world()
    yield made
    made.close()


def env_spec(
    name: str = "ci", *, peerings: bool = True, nodes_per_rack: int = 1
) -> EnvironmentSpec:
    return EnvironmentSpec(
        name=name,
        cluster=ClusterSpec(
            cluster_name=f"{name}_db",
            bundles=(BundleSpec("APACHE_CASSANDRA", "4.0.1"),),
            provider=ProviderSpec("AWS_VPC"),
            data_centre="US_EAST_1",
            node_size="t3.small-v2",
            rack_allocation=RackAllocation(3, nodes_per_rack),
            cluster_network="10.224.0.0/16",
        ),
        firewall_rules=(
            FirewallRuleSpec(("CASSANDRA",), network="203.0.113.10/32"),
            FirewallRuleSpec(("CASSANDRA",), network="198.51.100.0/24"),
        ),
        peerings=(AwsVpcPeeringSpec("vpc-0a1b2c3d", "123456789012", ("10.1.0.0/16",)),)
        if peerings
        else (),
    )


def ctrl_c() -> None:
    """Send SIGINT to the main thread (from any thread): a KeyboardInterrupt there."""
    ident = threading.main_thread().ident
    assert ident is not None
    signal.pthread_kill(ident, signal.SIGINT)
