"""A world for fault scenarios: the service, its engine and the in-process simulator,
all on one fake clock, and what a scenario checks at its end.

Every scenario ends by reading the simulator's own record (``sim.log``, the requests it
applied, and ``sim.cluster_records()``) and comparing it with what the user asked for.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from insta_nb.backends.v1 import ApiClient, V1Backend
from insta_nb.config import EngineSettings, ServiceSettings
from insta_nb.credentials import Credentials, Secret
from insta_nb.engine import Engine, EngineSnapshot, MemorySlots, SlotStore
from insta_nb.engine.journal import CreateJournal
from insta_nb.models import BundleSpec, ClusterSpec, ProviderSpec, RackAllocation
from insta_nb.service import ClusterService
from insta_nb.simulator import Faults, RequestRecord, Simulator, SimulatorSettings
from insta_nb.testing import FakeClock

#: The real API's pacing: these scenarios run at full scale on the fake clock.
INTERVAL = 2.5
ROOT = "/provisioning/v1"
CREATE_PATHS = frozenset({f"{ROOT}/extended/", f"{ROOT}/extended", f"{ROOT}/", ROOT})

TransportWrapper = Callable[[httpx.AsyncBaseTransport, Simulator], httpx.AsyncBaseTransport]


@dataclass
class World:
    """One user's toolkit against one simulator, on one fake clock."""

    clock: FakeClock
    sim: Simulator
    client: ApiClient
    engine: Engine
    service: ClusterService
    #: Engine snapshots taken at every engine change, with the fake time they were taken.
    snapshots: list[tuple[float, EngineSnapshot]] = field(default_factory=list)

    async def drive(self, awaitable: Awaitable[Any], limit: float = 3_600) -> Any:
        """Await ``awaitable`` while moving the fake clock from wake-up to wake-up."""
        task = asyncio.ensure_future(awaitable)
        await self.clock.run_until(task.done, limit=limit)
        return task.result()

    def record_snapshots(self) -> Callable[[], None]:
        """Keep every engine snapshot in :attr:`snapshots` until the returned stop()."""

        def take() -> None:
            self.snapshots.append((self.clock.monotonic(), self.engine.snapshot()))

        return self.engine.subscribe(take)

    # --- the simulator's record ---------------------------------------------------------

    def applied(self, method: str, fragment: str = "") -> list[RequestRecord]:
        """Requests with this method (and path fragment) that the API applied."""
        return [r for r in self.sim.log if r.method == method and fragment in r.path and r.applied]

    def applied_creates(self) -> list[RequestRecord]:
        return [
            r for r in self.sim.log if r.method == "POST" and r.path in CREATE_PATHS and r.applied
        ]

    def clusters_named(self, name: str) -> list[str]:
        """Ids of every cluster the simulator ever created with this name."""
        return [c.id for c in self.sim.cluster_records() if c.name == name]

    def names_created(self) -> Counter[str]:
        return Counter(c.name for c in self.sim.cluster_records())


#: One Secret per simulator key for the whole run, rather than one per world (per test,
#: per hypothesis example): fewer live entries in the registry that log redaction scans.
_KEYS: dict[str, Secret] = {}


def simulator_credentials(sim: Simulator, *, read_only: bool = False) -> Credentials:
    """Credentials for ``sim``, reusing one :class:`Secret` per key."""
    raw = sim.credentials.read_only_key if read_only else sim.credentials.api_key
    key = _KEYS.setdefault(raw, Secret(raw))
    return Credentials(sim.credentials.username, key, api_url=sim.url, read_only=read_only)


def make_world(
    *,
    faults: Faults | None = None,
    read_only: bool = False,
    seed: int = 1,
    retry_after: float | None = None,
    interval: float = INTERVAL,
    engine_settings: EngineSettings | None = None,
    service_settings: ServiceSettings | None = None,
    wrap: TransportWrapper | None = None,
    count_rejected: bool = False,
    limiter: bool = True,
    slots: SlotStore | None = None,
    journal: CreateJournal | None = None,
    lifecycle: Mapping[str, Any] | None = None,
) -> World:
    """A fresh world; ``wrap`` may put a transport of the test's in front of the simulator;
    ``lifecycle`` overrides the simulator's durations (e.g. ``deleted_retention``)."""
    clock = FakeClock()
    sim = Simulator(
        clock=clock,
        settings=SimulatorSettings(
            interval=interval if limiter else None,
            seed=seed,
            retry_after=retry_after,
            count_rejected=count_rejected,
            **(lifecycle or {}),
        ),
        faults=faults or Faults(),
    )
    creds = simulator_credentials(sim, read_only=read_only)
    transport = sim.transport()
    if wrap is not None:
        transport = wrap(transport, sim)
    client = ApiClient(creds, transport=transport)
    engine = Engine(
        engine_settings or EngineSettings(interval=interval, shared_slots=False),
        clock=clock,
        slots=slots or MemorySlots(),
        rng=random.Random(seed),
        journal=journal,
    )
    service = ClusterService(
        V1Backend(client),
        engine,
        service_settings or ServiceSettings(),
        clock=clock,
        rng=random.Random(seed),
    )
    return World(clock, sim, client, engine, service)


def run(body: Callable[[], Awaitable[Any]], world: World) -> Any:
    """Run a scenario on a fresh loop, then close the world on it."""

    async def main() -> Any:
        try:
            return await body()
        finally:
            await world.service.aclose()
            await world.client.aclose()
            await world.engine.aclose()

    result = asyncio.run(main())
    assert world.sim.app_errors == []
    return result


def spec(name: str, nodes_per_rack: int = 1) -> ClusterSpec:
    """A small, valid Cassandra cluster."""
    return ClusterSpec(
        cluster_name=name,
        bundles=(BundleSpec("APACHE_CASSANDRA", "4.0.1"),),
        provider=ProviderSpec("AWS_VPC"),
        data_centre="US_WEST_2",
        node_size="t3.small-v2",
        rack_allocation=RackAllocation(3, nodes_per_rack),
        cluster_network="10.224.0.0/16",
    )


def outcome(task: asyncio.Future[Any]) -> Any:
    """A finished task's result, or its exception (never raises)."""
    assert task.done()
    if task.cancelled():
        return asyncio.CancelledError()
    return task.exception() or task.result()


def exceptions(tasks: Iterable[asyncio.Future[Any]]) -> list[BaseException]:
    return [e for t in tasks if isinstance(e := outcome(t), BaseException)]


async def in_lockstep(
    first: World, second: World, tasks: list[asyncio.Task[Any]], rounds: int
) -> list[Any]:
    """Move two kernels' clocks together until ``tasks`` end; close the second kernel
    (``run`` closes the first) and return each task's outcome."""
    for _ in range(rounds):
        await first.clock.advance(0.05)
        await second.clock.advance(0.05)
        if all(t.done() for t in tasks):
            break
    await second.service.aclose()
    await second.client.aclose()
    await second.engine.aclose()
    return [outcome(t) for t in tasks]
