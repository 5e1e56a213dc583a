"""Requests and wall time of ``env up`` + ``env down`` for one cluster, two firewall rules
and one VPC peering, at the real interval (2.5 s) and the real lifecycle speed.

Time is simulated: the engine, the service and the simulator share one fake clock that
jumps to the next wake-up whenever everything waits (the same pump as
``tests/environment/conftest.py``), so the run takes seconds while every figure comes from
the simulator's log at the pace a real run would have. Provisioning goes through
``session.sync.environment`` exactly as ``insta-nb env up FILE -- COMMAND`` does.

Usage::

    .venv/bin/python bench/environment.py [--speed 1]

Human-readable lines, then one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import random

from insta_nb.backends.v1 import ApiClient, V1Backend
from insta_nb.config import EngineSettings, ServiceSettings
from insta_nb.credentials import Credentials
from insta_nb.engine import EngineRunner
from insta_nb.environment_spec import EnvironmentSpec
from insta_nb.session import Session
from insta_nb.simulator import Simulator, SimulatorSettings
from insta_nb.testing import FakeClock

INTERVAL = 2.5
SPEC = """
name = "bench"
[cluster]
cluster_name = "bench_db"
data_centre = "US_EAST_1"
node_size = "t3.small-v2"
cluster_network = "10.224.0.0/16"
provider = "AWS_VPC"
rack_allocation = { number_of_racks = 3, nodes_per_rack = 1 }
bundles = [{ bundle = "APACHE_CASSANDRA", version = "4.0.1" }]
[[firewall_rules]]
network = "203.0.113.10/32"
rule_types = ["CASSANDRA"]
[[firewall_rules]]
network = "198.51.100.0/24"
rule_types = ["CASSANDRA"]
[[peerings]]
peer_vpc_id = "vpc-0a1b2c3d"
peer_account_id = "123456789012"
peer_subnets = ["10.1.0.0/16"]
"""
#: The fewest requests this can take: a name check, the create, two rules, one status
#: read that finds the data centre PROVISIONED, the peering, one status read that finds
#: RUNNING, then the peering's delete and the cluster's.
MINIMUM = 9


class PumpedClock(FakeClock):
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
        wake = clock.next_wakeup()
        if wake is not None:
            await clock.advance_to(wake)
            continue
        clock.poke.clear()
        poked = asyncio.ensure_future(clock.poke.wait())
        await asyncio.wait({poked, stopping}, return_when=asyncio.FIRST_COMPLETED)
        poked.cancel()


def kind(method: str, path: str) -> str:
    parts = [p for p in path.split("/") if p][2:]  # drop "provisioning", "v1"
    if "vpc-peering" in parts:
        return f"{method} vpc-peering"
    if "firewallRules" in parts:
        return f"{method} firewallRules"
    if method == "GET":
        return "GET list" if not parts else "GET status"
    return f"{method} cluster"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--speed", type=float, default=1.0, help="simulator lifecycle speed")
    args = parser.parse_args()
    clock = PumpedClock()
    sim = Simulator(
        clock=clock,
        settings=SimulatorSettings(interval=INTERVAL, speed=args.speed, seed=1),
    )
    creds = Credentials.resolve(
        username=sim.credentials.username, api_key=sim.credentials.api_key, api_url=sim.url
    )
    assert creds is not None
    runner = EngineRunner(EngineSettings(interval=INTERVAL, shared_slots=False), clock=clock)
    session = Session(
        V1Backend(ApiClient(creds, transport=sim.transport())),
        runner,
        ServiceSettings(),
        simulator=sim,
    )
    random.seed(1)

    async def start() -> asyncio.Event:
        stop = asyncio.Event()
        asyncio.get_running_loop().create_task(pump(clock, stop))
        return stop

    stop = runner.on_loop_sync(start, timeout=10)
    spec = EnvironmentSpec.from_toml(SPEC)
    with session.sync.environment(spec) as env:
        up_requests = len(sim.log)
        up_end = clock.monotonic()
        assert env.peering_ids
    log = list(sim.log)
    runner.thread.loop.call_soon_threadsafe(stop.set)
    session.close()
    counts = collections.Counter(kind(r.method, r.path) for r in log)
    wall_up = up_end - log[0].time
    wall_total = log[-1].time - log[0].time
    rejected = sum(1 for r in log if r.status == 429)
    print(
        f"env up + env down: {len(log)} requests ({up_requests} up, "
        f"{len(log) - up_requests} down); the minimum is {MINIMUM}; 429s: {rejected}"
    )
    for name, count in sorted(counts.items()):
        print(f"  {name:<22} {count}")
    print(
        f"simulated wall time at {INTERVAL} s and speed {args.speed:g}: up {wall_up:.0f} s, "
        f"up + down {wall_total:.0f} s"
    )
    print(
        json.dumps(
            {
                "requests": len(log),
                "requests_up": up_requests,
                "requests_down": len(log) - up_requests,
                "minimum": MINIMUM,
                "by_kind": dict(sorted(counts.items())),
                "rejected_429": rejected,
                "wall_up_s": round(wall_up, 1),
                "wall_total_s": round(wall_total, 1),
                "interval_s": INTERVAL,
                "speed": args.speed,
            }
        )
    )


if __name__ == "__main__":
    main()
