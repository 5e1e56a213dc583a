"""No create of one name is sent twice from one machine, whatever the timing.

Every scenario ends by reading the simulator's own record: how many clusters of the name
exist and how many create POSTs it applied. The journal is the machine-wide one
(``insta_nb.engine.journal``); "two kernels" are two services with two engines sharing
the machine's slot budget and journal, each on its own fake clock moved in lock-step.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from insta_nb import errors
from insta_nb.engine import MemorySlots
from insta_nb.engine.journal import FileJournal, MemoryJournal
from insta_nb.service import ClusterService

from .support import World, in_lockstep, make_world, outcome, run, spec

NAME = "dupname"


def creates_of(world: World) -> int:
    return sum(
        1
        for r in world.sim.log
        if r.method == "POST" and r.applied and "firewall" not in r.path and r.status < 300
    )


def two_kernels(journal: Any) -> tuple[World, World]:
    slots = MemorySlots()
    first = make_world(seed=1, slots=slots, journal=journal)
    second = make_world(
        seed=2, slots=slots, journal=journal, wrap=lambda _inner, _sim: first.sim.transport()
    )
    return first, second


@pytest.mark.parametrize("apart", [0.0, 0.5, 2.4, 10.0, 21.0, 30.0])
def test_two_kernels_0_to_30_s_apart_make_one_cluster(apart: float) -> None:
    """Injected: kernel B lists (its inventory is fresh), kernel A creates ``dupname``,
    B creates the same name ``apart`` seconds later without listing again.
    Checked: one cluster and one applied POST; B is refused before sending, with a
    message saying where the other create is."""
    first, second = two_kernels(MemoryJournal())

    async def body() -> list[Any]:
        await asyncio.gather(first.drive(second.service.list_clusters()))

        async def later() -> str:
            await second.clock.sleep(apart)
            return await second.service.create_cluster(spec(NAME))

        tasks = [
            asyncio.ensure_future(first.service.create_cluster(spec(NAME))),
            asyncio.ensure_future(later()),
        ]
        return await in_lockstep(first, second, tasks, rounds=4000)

    results = run(body, first)
    assert len(first.clusters_named(NAME)) == 1, results
    assert creates_of(first) == 1
    refused = results[1]
    assert isinstance(refused, errors.ValidationError), results
    message = refused.field_errors["clusterName"]
    assert "nothing was sent" in message
    assert "process" in message or "already exists" in message


def test_two_sessions_in_one_kernel_creating_one_name_concurrently_make_one_cluster() -> None:
    """Injected: the ``connect()`` cell re-run, so two sessions (two services) on one engine
    create one name at the same moment.
    Checked: one cluster; the second is refused naming this process; ``adopt=True``
    returns the first one's id instead of an error, and ``force=True`` still makes a
    second cluster when the user insists."""
    world = make_world()
    other = ClusterService(world.service.backend, world.engine, clock=world.clock)

    async def body() -> tuple[Any, Any, Any, Any]:
        a = asyncio.ensure_future(world.service.create_cluster(spec(NAME)))
        b = asyncio.ensure_future(other.create_cluster(spec(NAME)))
        await world.clock.run_until(lambda: a.done() and b.done(), limit=600)
        adopted = await world.drive(other.create_cluster(spec(NAME), adopt=True))
        forced = await world.drive(other.create_cluster(spec(NAME), force=True))
        await other.aclose()
        return outcome(a), outcome(b), adopted, forced

    first, second, adopted, forced = run(body, world)
    assert isinstance(first, str), first
    assert isinstance(second, errors.ValidationError), second
    assert "this process" in second.field_errors["clusterName"]
    assert adopted == first
    assert forced != first
    assert len(world.clusters_named(NAME)) == 2  # the first, and the forced one only


def _dead_process_intent(directory: Path, key: str, now: float, state: str) -> None:
    """A separate process records an intent for NAME, moves it to ``state`` and exits,
    as a kernel killed between the journal write and the answer would."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from insta_nb.engine.journal import FileJournal\n"
        "j = FileJournal(Path(sys.argv[1]))\n"
        "now = float(sys.argv[3])\n"
        "claim = j.claim(sys.argv[2], sys.argv[5], now, force=False, recent=300.0)\n"
        "assert claim.token is not None\n"
        "if sys.argv[4] != 'queued':\n"
        "    j.update(claim.token, sys.argv[4], now)\n"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(directory), key, repr(now), state, NAME],
        check=True,
        timeout=60,
    )


def _journal_world(tmp_path: Path) -> tuple[World, str]:
    world = make_world(journal=FileJournal(tmp_path))
    backend = world.service.backend
    return world, f"{backend.api_url}|{backend.username}"


def test_a_kernel_killed_after_sending_whose_create_arrived_is_not_duplicated(
    tmp_path: Path,
) -> None:
    """Injected: a kernel wrote its intent, sent the create (the API applied it) and was
    killed before the answer. Checked: the next create of that name finds the cluster by
    name and is refused; no second POST is applied."""
    world, key = _journal_world(tmp_path)

    async def body() -> Any:
        await world.client.create_cluster(spec(NAME))  # the dead kernel's POST, applied
        _dead_process_intent(tmp_path, key, world.clock.time(), "sent")
        task = asyncio.ensure_future(world.service.create_cluster(spec(NAME)))
        await world.clock.run_until(task.done, limit=900)
        return outcome(task)

    result = run(body, world)
    assert isinstance(result, errors.ValidationError), result
    assert "already exists" in result.field_errors["clusterName"]
    assert len(world.clusters_named(NAME)) == 1
    assert creates_of(world) == 1


def test_a_kernel_killed_after_sending_whose_create_was_lost_is_created_once(
    tmp_path: Path,
) -> None:
    """Injected: the dead kernel's create never arrived. Checked: the next create looks for
    the name during the reconcile window (it does not hang beyond it), then creates the
    cluster exactly once."""
    world, key = _journal_world(tmp_path)
    window = world.service.ctx.settings.reconcile_window

    async def body() -> tuple[Any, float]:
        _dead_process_intent(tmp_path, key, world.clock.time(), "sent")
        start = world.clock.monotonic()
        task = asyncio.ensure_future(world.service.create_cluster(spec(NAME)))
        await world.clock.run_until(task.done, limit=window + 600)
        return outcome(task), world.clock.monotonic() - start

    result, took = run(body, world)
    assert isinstance(result, str), result
    assert window <= took <= window + 60
    assert world.clusters_named(NAME) == [result]
    assert creates_of(world) == 1
    assert [e.state for e in FileJournal(tmp_path).entries()] == ["created"]


def test_a_kernel_killed_before_sending_leaves_nothing_to_wait_for(tmp_path: Path) -> None:
    """Injected: the dead kernel's intent was still queued (never handed to the
    transport). Checked: the next create goes straight out (one list, one POST)."""
    world, key = _journal_world(tmp_path)

    async def body() -> tuple[Any, float]:
        _dead_process_intent(tmp_path, key, world.clock.time(), "queued")
        start = world.clock.monotonic()
        task = asyncio.ensure_future(world.service.create_cluster(spec(NAME)))
        await world.clock.run_until(task.done, limit=600)
        return outcome(task), world.clock.monotonic() - start

    result, took = run(body, world)
    assert isinstance(result, str), result
    assert took < 30
    assert creates_of(world) == 1


def test_a_name_deleted_through_the_toolkit_can_be_created_again_at_once(
    tmp_path: Path,
) -> None:
    """Checked: a test environment torn down and built again under the same name is not
    blocked by the journal's "created recently" rule once the toolkit deleted it, while
    a re-create before the delete is refused."""
    world, _key = _journal_world(tmp_path)

    async def body() -> tuple[Any, Any, Any]:
        first = await world.drive(world.service.create_cluster(spec(NAME)))
        again = asyncio.ensure_future(world.service.create_cluster(spec(NAME)))
        await world.clock.run_until(again.done, limit=600)
        await world.drive(world.service.delete_cluster(first))
        await world.drive(world.clock.sleep(300))  # the API finishes deleting it
        second = await world.drive(world.service.create_cluster(spec(NAME)))
        return first, outcome(again), second

    first, refused, second = run(body, world)
    assert isinstance(refused, errors.ValidationError)
    assert isinstance(second, str)
    assert second != first
