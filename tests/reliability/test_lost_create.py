"""Creates whose outcome the client cannot know: one cluster per intent, adopted by id."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from insta_nb import errors
from insta_nb.engine import MemorySlots
from insta_nb.engine.journal import MemoryJournal
from insta_nb.service import OperationState
from insta_nb.simulator import Faults, Simulator

from .faultplan import AMBIGUOUS, NEVER_ARRIVED, FaultPlan, create_name
from .support import World, in_lockstep, make_world, outcome, run, spec

INTENTS = 20


def plan_for(seed: int, names: list[str]) -> dict[str, str]:
    """Which fault meets each create: mostly "applied but response lost", some others."""
    rng = random.Random(seed)
    kinds = list(AMBIGUOUS) + list(NEVER_ARRIVED) + ["none", "503_before"]
    weights = [6, 2, 2, 2, 2, 1, 1, 2, 1]
    return {name: rng.choices(kinds, weights)[0] for name in names}


KNOBS: dict[str, dict[str, Any]] = {
    **AMBIGUOUS,
    **NEVER_ARRIVED,
    "none": {},
    "503_before": {"error_rate_5xx": 1.0, "error_codes": (503,), "error_after_apply": 0.0},
}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_twenty_creates_with_lost_responses_at_random_times(
    seed: int, figure: Callable[[str, object], None]
) -> None:
    """Injected: 20 creates started at random times over 5 minutes, with 0-3 s random
    latency; each create's first attempt meets a fault chosen at random: response lost
    after the API applied it (lost response, dropped connection, 502/504 after apply),
    never arrived (dropped connection, 500/502 before the API), 503, or none.
    Checked: per intent, the simulator holds exactly as many clusters as it applied
    creates (0 or 1); an applied create is adopted by its id (the id returned is the
    simulator's); a create that never arrived ends in CreateNotConfirmedError and the
    operation says "not created"; nothing else was created."""
    names = [f"intent_{seed}_{i:02d}" for i in range(INTENTS)]
    plan = plan_for(seed, names)
    first_attempt: set[str] = set()

    def choose(request: httpx.Request) -> dict[str, Any] | None:
        name = create_name(request)
        if name is None or name in first_attempt:
            return None
        first_attempt.add(name)
        return KNOBS[plan[name]]

    holder: list[FaultPlan] = []

    def wrap(inner: httpx.AsyncBaseTransport, sim: Simulator) -> httpx.AsyncBaseTransport:
        holder.append(FaultPlan(inner, sim, choose))
        return holder[0]

    world: World = make_world(faults=Faults(latency=0.0, jitter=3.0), seed=seed, wrap=wrap)
    rng = random.Random(seed)

    async def one(name: str, delay: float) -> Any:
        await world.clock.sleep(delay)
        return await world.service.create_cluster(spec(name))

    async def body() -> dict[str, Any]:
        tasks = {n: asyncio.ensure_future(one(n, rng.uniform(0, 300))) for n in names}
        await world.clock.run_until(lambda: all(t.done() for t in tasks.values()), limit=7200)
        return {n: outcome(t) for n, t in tasks.items()}

    results = run(body, world)
    applied = Counter(create_name_of(world, r.time) for r in world.applied_creates())
    ops = {op.target: op for op in world.service.operations if op.action == "create"}
    for name in names:
        clusters = world.clusters_named(name)
        result = results[name]
        assert len(clusters) == applied[name] <= 1, (name, plan[name], clusters)
        if clusters:
            assert result == clusters[0], (name, plan[name], result)
            assert ops[name].state is OperationState.DONE
            assert ops[name].cluster_id == clusters[0]
        else:
            assert plan[name] in {*NEVER_ARRIVED, "503_before"}, (name, plan[name], result)
            assert isinstance(result, errors.CreateNotConfirmedError), (name, result)
            assert ops[name].state is OperationState.NOT_CREATED
    assert set(world.names_created()) <= set(names)
    kinds = Counter(plan.values())
    figure("creates with the response lost after apply", sum(kinds[k] for k in AMBIGUOUS))
    figure("creates that never arrived", sum(kinds[k] for k in NEVER_ARRIVED))
    figure("clusters created", len(world.sim.cluster_records()))
    figure("duplicates", sum(max(0, c - 1) for c in world.names_created().values()))


def create_name_of(world: World, at: float) -> str:
    """The name of the cluster the simulator created at ``at`` (creates are logged then)."""
    (record,) = [c for c in world.sim.cluster_records() if c.created_at == at]
    return record.name


def test_a_create_lost_then_an_outage_longer_than_the_list_budget_is_still_found() -> None:
    """Injected: the create is applied and its response lost; then the API is down
    for 400 s, longer than the reconciliation window and the list's retry budget.
    Checked: the create is not reported "not created" while its cluster exists; it is
    adopted by id once the API answers again.
    Bug (fixed in e883667): reconciliation took a failed list for "no match" and, once its
    window was over, reported NOT_CREATED with no successful list after the create.
    Fix: report "not created" only after a list that succeeded after the create."""
    world = make_world(faults=Faults(lose_create_response=1))
    seen: list[tuple[OperationState, list[str]]] = []

    def watch_ops(event: Any) -> None:
        if event.operation is not None and event.operation.state.finished:
            seen.append((event.operation.state, world.clusters_named("x")))

    async def body() -> Any:
        world.service.subscribe(watch_ops)
        create = asyncio.ensure_future(world.service.create_cluster(spec("x")))
        await world.clock.run_until(lambda: world.sim.stats.lost_responses >= 1)
        now = world.clock.monotonic()
        world.sim.faults.outages.append((now, now + 400))
        await world.clock.run_until(create.done, limit=3600)
        return outcome(create)

    result = run(body, world)
    contradictions = [s for s, clusters in seen if s is OperationState.NOT_CREATED and clusters]
    assert contradictions == [], (
        f"reported not created while the simulator holds {world.clusters_named('x')}: {result!r}"
    )
    assert result == world.clusters_named("x")[0]


def test_two_concurrent_creates_of_one_name_make_one_cluster() -> None:
    """Injected: nothing; two cells create the same name at the same moment.
    Checked: the simulator holds one cluster of that name; the second intent is refused
    before sending (as a create of an existing name is).
    Bug (fixed in e883667): the duplicate-name check read only the inventory, so a create
    of the same name still in flight was not seen and both were sent.
    Fix: the service remembers the names of creates in flight and refuses a second one."""
    world = make_world()

    async def body() -> list[Any]:
        tasks = [
            asyncio.ensure_future(world.service.create_cluster(spec("same"), owner=f"cell:{i}"))
            for i in range(2)
        ]
        await world.clock.run_until(lambda: all(t.done() for t in tasks))
        return [outcome(t) for t in tasks]

    results = run(body, world)
    assert len(world.clusters_named("same")) == 1, results
    assert sum(isinstance(r, errors.ValidationError) for r in results) == 1


def test_two_forced_creates_of_one_name_both_ambiguous_each_adopt_their_own() -> None:
    """Injected: the user insists (force=True) on two clusters of one name; both
    responses are lost after the API applied them.
    Checked: each intent is adopted by a different id, so neither cluster is orphaned.
    Bug (fixed in e883667): reconciliation adopted the first cluster of the name not in
    ``before``, even one another create had already adopted.
    Fix: exclude ids already claimed by other operations when reconciling."""
    world = make_world(faults=Faults(lose_create_response=2))

    async def body() -> list[Any]:
        tasks = [
            asyncio.ensure_future(world.service.create_cluster(spec("same"), force=True))
            for _ in range(2)
        ]
        await world.clock.run_until(lambda: all(t.done() for t in tasks))
        return [outcome(t) for t in tasks]

    results = run(body, world)
    assert sorted(results) == sorted(world.clusters_named("same"))


def test_two_kernels_creating_one_name_at_once_make_one_cluster() -> None:
    """Injected: two kernels of one user on one machine (two services, two engines sharing
    the machine's slot budget and create journal) create the same name 2.4 s apart, so
    that the second one's duplicate check (a list) is sent before the first one's POST.
    Checked: the simulator holds one cluster of that name; the later kernel is refused
    before sending, as it is when it starts a moment later (once the cluster is listed).
    Was a bug (strict xfail until the create journal): the duplicate-name check saw the
    inventory and this process's creates in flight; another process's create was
    invisible until it was listed. Fixed by the machine-wide create journal
    (``insta_nb.engine.journal``), checked before a create is queued."""
    slots = MemorySlots()  # one machine: the engines share the slot budget and journal
    journal = MemoryJournal()
    first = make_world(seed=1, slots=slots, journal=journal)
    # The second kernel's requests go to the first one's simulator (its own is unused).
    second = make_world(
        seed=2, slots=slots, journal=journal, wrap=lambda _inner, _sim: first.sim.transport()
    )

    async def second_kernel() -> str:
        await second.clock.sleep(2.4)
        return await second.service.create_cluster(spec("shared"))

    async def body() -> list[Any]:
        tasks = [
            asyncio.ensure_future(first.service.create_cluster(spec("shared"))),
            asyncio.ensure_future(second_kernel()),
        ]
        return await in_lockstep(first, second, tasks, rounds=2000)

    results = run(body, first)
    assert len(first.clusters_named("shared")) == 1, results
