"""The soak's invariants, in-process on the fake clock, over many random runs."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from insta_nb import errors
from insta_nb.models import FirewallRuleSpec
from insta_nb.simulator import Faults

from .support import World, make_world, run, spec

OPS = st.lists(
    st.tuples(
        st.sampled_from(["create", "create", "firewall", "status", "list", "delete"]),
        st.floats(0, 60),  # simulated seconds after the previous arrival
    ),
    min_size=5,
    max_size=25,
)
FAULTS = st.builds(
    Faults,
    jitter=st.sampled_from([0.0, 0.5, 3.0]),
    drop_rate=st.sampled_from([0.0, 0.05, 0.2]),
    drop_after_apply=st.floats(0, 1),
    error_rate_5xx=st.sampled_from([0.0, 0.05, 0.2]),
    error_after_apply=st.floats(0, 1),
    lose_create_response=st.sampled_from([0.0, 0.1, 0.5]),
)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=OPS, faults=FAULTS, seed=st.integers(0, 1000), outage=st.booleans())
def test_random_operations_under_random_faults_lose_and_duplicate_nothing(
    ops: list[tuple[str, float]], faults: Faults, seed: int, outage: bool
) -> None:
    """Injected: hypothesis-chosen mixes of up to 25 creates, firewall rules, reads, lists
    and deletes arriving at random times, concurrently, under random rates of drops,
    5xx and lost create responses (before or after apply), latency jitter, and sometimes
    a 2-minute outage in the middle.
    Checked, against the simulator's record: no duplicate cluster for any create intent;
    no operation lost (each completed or failed with an InstaError carrying a message);
    every completed create is the simulator's cluster of that name, every completed
    delete deleted exactly that cluster, every completed rule add was applied; a create
    reported not created has no cluster (or was adopted later)."""
    world = make_world(faults=faults, seed=seed)
    rng = random.Random(seed)
    results: list[tuple[str, str | None, Any]] = []
    live: list[str] = []

    async def one(kind: str, target: str | None, index: int) -> None:
        calls: dict[str, Callable[[], Awaitable[Any]]] = {
            "create": lambda: world.service.create_cluster(spec(f"mix_{index}")),
            "list": world.service.list_clusters,
            "status": lambda: world.service.get_cluster(str(target)),
            "delete": lambda: world.service.delete_cluster(str(target)),
            "firewall": lambda: world.service.add_firewall_rule(
                str(target), FirewallRuleSpec(("CASSANDRA",), network=f"203.0.113.{index}/32")
            ),
        }
        try:
            value = await calls[kind]()
        except errors.InstaError as exc:
            value = exc
        except Exception as exc:  # a crash: recorded, then asserted on
            value = ("crash", exc)
        if kind == "create" and isinstance(value, str):
            live.append(value)
        results.append((kind, f"mix_{index}" if kind == "create" else target, value))

    async def body() -> None:
        if outage:
            now = world.clock.monotonic()
            world.sim.faults.outages.append((now + 60, now + 180))
        tasks = []
        for index, (kind, delay) in enumerate(ops):
            await world.clock.sleep(delay)
            target = None
            if kind in ("status", "delete", "firewall"):
                if not live:
                    kind = "list"
                else:
                    target = rng.choice(live)
                    if kind == "delete":
                        live.remove(target)
            tasks.append(asyncio.ensure_future(one(kind, target, index)))
        await asyncio.gather(*tasks)
        await world.service.list_clusters()  # lets a late cluster be adopted

    async def drive() -> None:
        task = asyncio.ensure_future(body())
        await world.clock.run_until(task.done, limit=4 * 3600)
        task.result()

    run(drive, world)
    check(world, results)


def check(world: World, results: list[tuple[str, str | None, Any]]) -> None:
    records = world.sim.cluster_records()
    names: dict[str, list[str]] = {}
    for record in records:
        names.setdefault(record.name, []).append(record.id)
    assert all(len(ids) == 1 for ids in names.values()), names
    deleted = {r.id for r in records if r.deleted_at is not None}
    ops = {op.target: op for op in world.service.operations if op.action == "create"}
    for kind, target, value in results:
        assert not (isinstance(value, tuple) and value[:1] == ("crash",)), value
        if isinstance(value, errors.InstaError):
            assert str(value).strip(), (kind, value)
            event(f"{kind}: {type(value).__name__}")
            if kind == "create" and names.get(str(target)):
                # A create that failed visibly although its cluster exists must have
                # been adopted later: the operation says so, with the cluster's id.
                op = ops[str(target)]
                assert op.cluster_id in names[str(target)], (target, value, op.describe())
            continue
        event(f"{kind}: ok")
        if kind == "create":
            assert names.get(str(target)) == [value], (target, value)
        elif kind == "delete":
            assert target in deleted
        elif kind == "firewall":
            assert world.applied("POST", f"{target}/firewallRules")
    assert deleted <= {t for k, t, v in results if k == "delete"}
