"""Real HTTP on 127.0.0.1: the engine, the client and sessions against a served simulator.

The simulator is strict (one arrival per interval per IP, and a rejected arrival
restarts the window), and its interval equals the engine's: any request sent too early
is a 429, so "zero 429s" is the pacing assertion. Intervals are scaled down so that
every test takes seconds.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from insta_nb.backends.v1 import ApiClient
from insta_nb.config import EngineSettings
from insta_nb.credentials import Credentials
from insta_nb.engine import EngineRunner, JobKind, Request
from insta_nb.models import BundleSpec, ClusterSpec, ProviderSpec, RackAllocation
from insta_nb.simulator import Simulator, SimulatorSettings

#: The engine's interval and the simulator's limit, in seconds.
INTERVAL = 0.1
LIST = "GET /provisioning/v1"


@dataclass
class Served:
    """A strict simulator served on loopback."""

    sim: Simulator
    url: str

    def credentials(self) -> Credentials:
        creds = self.sim.credentials
        return Credentials(creds.username, creds.api_key, api_url=self.url)

    def arrival_gaps(self) -> list[float]:
        times = [r.time for r in self.sim.log]
        return [b - a for a, b in itertools.pairwise(times)]

    def assert_no_429(self) -> None:
        stats = self.sim.stats
        assert stats.rejected_429 == 0, stats
        assert stats.rate_limited == 0, stats
        # The same fact from the other side: every arrival kept the interval.
        assert all(gap >= INTERVAL for gap in self.arrival_gaps())


@pytest.fixture
def served() -> Iterator[Served]:
    sim = Simulator(settings=SimulatorSettings(interval=INTERVAL, count_rejected=True))
    with sim.serve() as url:
        assert url.startswith("http://127.0.0.1:")
        yield Served(sim, url)
    assert sim.app_errors == []


def engine_settings(state_dir: Path, *, shared: bool = True) -> EngineSettings:
    return EngineSettings(
        shared_slots=shared, state_dir=state_dir, budget_key="loopback-tests"
    ).scaled(INTERVAL)


def list_request(
    client: ApiClient,
    spans: list[tuple[float, float]],
    now: Callable[[], float] = time.monotonic,
) -> Request:
    """A list call without a coalescing key (each is its own send), timing each attempt.

    ``spans`` receives (send, response) per attempt, read from ``now`` inside the call:
    exactly what the engine paces.
    """

    async def call() -> object:
        sent = now()
        try:
            return await client.list_clusters()
        finally:
            spans.append((sent, now()))

    return Request(call=call, kind=JobKind.READ, label=LIST, idempotent=True)


def assert_paced(spans: Sequence[tuple[float, float]]) -> None:
    """Every send started at least one interval after the previous response."""
    ordered = sorted(spans)
    for (_, response), (send, _) in itertools.pairwise(ordered):
        assert send - response >= INTERVAL - 1e-6, (send - response, ordered)


def close_runner(runner: EngineRunner, *clients: ApiClient) -> None:
    """Close the engine and the clients on their loop, stop the thread, close the loop."""

    async def shutdown() -> None:
        await runner.engine.aclose()
        for client in clients:
            await client.aclose()

    loop = runner.thread.loop
    runner.on_loop_sync(shutdown, timeout=10)
    runner.thread.stop()
    loop.close()


def spec(name: str) -> ClusterSpec:
    return ClusterSpec(
        cluster_name=name,
        bundles=(BundleSpec("APACHE_CASSANDRA", "4.0.1"),),
        provider=ProviderSpec("AWS_VPC"),
        data_centre="US_WEST_2",
        node_size="t3.small-v2",
        rack_allocation=RackAllocation(3, 1),
        cluster_network="10.224.0.0/16",
    )
