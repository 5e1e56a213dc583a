"""The service over the v2 backend and the in-process simulator, on a fake clock.

The same promises as on v1 (test_service.py): a create is never sent twice, a name that
exists is refused before sending, a lost answer is reconciled by name, a read-only key
sends nothing, the machine-wide journal stops a second create of a name from another
session, and a watch brings the cluster to RUNNING without a single 429.
"""

from __future__ import annotations

import asyncio
import random

import pytest

from insta_nb import errors
from insta_nb.backends.v1 import ApiClient, V1Backend
from insta_nb.backends.v2 import V2Backend
from insta_nb.config import EngineSettings, ServiceSettings
from insta_nb.credentials import Credentials
from insta_nb.engine import Engine, MemorySlots
from insta_nb.engine.journal import CreateJournal, MemoryJournal
from insta_nb.models import ClusterStatus, FirewallRuleSpec
from insta_nb.service import ClusterService, OperationState
from insta_nb.simulator import Faults, Simulator, SimulatorSettings
from insta_nb.testing import FakeClock
from tests.client.v2_examples import kafka

from .conftest import INTERVAL, World, run, spec


def make_v2_world(
    *,
    read_only: bool = False,
    faults: Faults | None = None,
    journal: CreateJournal | None = None,
    sim: Simulator | None = None,
    clock: FakeClock | None = None,
    api: str = "v2",
) -> World:
    clock = clock or FakeClock()
    sim = sim or Simulator(
        clock=clock,
        settings=SimulatorSettings(interval=INTERVAL, seed=1),
        faults=faults or Faults(),
    )
    key = sim.credentials.read_only_key if read_only else sim.credentials.api_key
    creds = Credentials.resolve(
        username=sim.credentials.username, api_key=key, api_url=sim.url, read_only=read_only
    )
    assert creds is not None
    engine = Engine(
        EngineSettings(interval=INTERVAL, shared_slots=False),
        clock=clock,
        slots=MemorySlots(),
        rng=random.Random(1),
        journal=journal,
    )
    backend = (
        V2Backend.open(creds, transport=sim.transport())
        if api == "v2"
        else V1Backend(ApiClient(creds, transport=sim.transport()))
    )
    service = ClusterService(backend, engine, ServiceSettings(), clock=clock, rng=random.Random(1))
    return World(clock, sim, engine, service)


async def close(world: World) -> None:
    await world.service.aclose()
    await world.service.backend.aclose()
    await world.engine.aclose()


def posts(world: World) -> int:
    return world.sent("POST", "/applications/")


def test_a_v2_create_is_watched_to_running_without_a_single_429() -> None:
    world = make_v2_world()

    async def body() -> None:
        cluster_id = await world.drive(world.service.create_cluster(kafka("events")))
        stop = world.service.watch().stop
        await world.clock.run_until(
            lambda: (
                (r := world.service.inventory.get(cluster_id)) is not None
                and r.status is ClusterStatus.RUNNING
            ),
            limit=1800,
        )
        stop()
        row = world.service.inventory.get(cluster_id)
        assert row is not None
        assert (row.name, row.provider, row.region) == ("events", "AWS_VPC", "US_EAST_1")
        assert (row.running_node_count, row.node_count) == (3, 3)

    run(body, world)
    assert world.sim.stats.rejected_429 == 0
    assert posts(world) == 1


def test_an_existing_name_is_refused_before_sending_by_asking_v2_by_name() -> None:
    """Another machine's create (no shared journal): the name check finds the cluster."""
    world = make_v2_world()
    elsewhere = make_v2_world(sim=world.sim, clock=world.clock)

    async def body() -> None:
        await world.drive(world.service.create_cluster(kafka("events")))
        with pytest.raises(errors.ValidationError) as info:
            await world.drive(elsewhere.service.create_cluster(kafka("events")))
        assert "already exists" in info.value.field_errors["clusterName"]
        await close(elsewhere)

    run(body, world)
    assert posts(world) == 1
    # The two name checks, one per create.
    assert world.sent("GET", "/data-sources/clusters/v2") == 2


def test_a_lost_v2_create_response_is_reconciled_to_exactly_one_adopted_cluster() -> None:
    world = make_v2_world(faults=Faults(lose_create_response=1))

    async def body() -> str:
        states: list[OperationState] = []
        world.service.subscribe(lambda e: e.operation and states.append(e.operation.state))
        cluster_id: str = await world.drive(world.service.create_cluster(kafka("events")))
        assert OperationState.RECONCILING in states
        assert states[-1] is OperationState.DONE
        return cluster_id

    cluster_id = run(body, world)
    assert [c.id for c in world.sim.cluster_records() if c.name == "events"] == [cluster_id]
    assert posts(world) == 1


def test_a_read_only_key_sends_nothing_on_v2() -> None:
    world = make_v2_world(read_only=True)
    some_id = "00000000-0000-0000-0000-000000000000"

    async def body() -> None:
        with pytest.raises(errors.ReadOnlyKeyError):
            await world.drive(world.service.create_cluster(kafka("events")))
        with pytest.raises(errors.ReadOnlyKeyError):
            await world.drive(world.service.delete_cluster(some_id))
        with pytest.raises(errors.ReadOnlyKeyError):
            await world.drive(
                world.service.add_firewall_rule(
                    some_id, FirewallRuleSpec(("KAFKA",), network="203.0.113.7/32")
                )
            )

    run(body, world)
    assert len(world.sim.log) == 0


def test_each_api_refuses_the_other_apis_spec_before_anything_is_queued() -> None:
    v2 = make_v2_world()
    v1 = make_v2_world(api="v1")

    async def on_v2() -> None:
        with pytest.raises(errors.ValidationError) as info:
            await v2.drive(v2.service.create_cluster(spec("v1shape")))
        assert "KafkaClusterSpec" in info.value.field_errors["spec"]

    async def on_v1() -> None:
        with pytest.raises(errors.ValidationError) as info:
            await v1.drive(v1.service.create_cluster(kafka("v2shape")))
        assert "api='v2'" in info.value.field_errors["spec"]

    run(on_v2, v2)
    run(on_v1, v1)
    assert v2.sim.log == []
    assert v1.sim.log == []


def test_the_machine_journal_stops_a_v1_and_a_v2_session_creating_one_name() -> None:
    """Both APIs on one host and account share the journal's key (host + account + name)."""
    journal = MemoryJournal()
    first = make_v2_world(journal=journal)
    second = make_v2_world(journal=journal, sim=first.sim, clock=first.clock, api="v1")

    async def body() -> None:
        await first.drive(first.service.create_cluster(kafka("shared")))
        with pytest.raises(errors.ValidationError) as info:
            await first.drive(second.service.create_cluster(spec("shared")))
        assert "nothing was sent" in info.value.field_errors["clusterName"]
        await close(second)

    run(body, first)
    assert sum(1 for c in first.sim.cluster_records() if c.name == "shared") == 1


def test_delete_and_firewall_rules_through_the_service() -> None:
    world = make_v2_world()
    rule = FirewallRuleSpec(("KAFKA",), network="203.0.113.7/32")

    async def body() -> None:
        cluster_id = await world.drive(world.service.create_cluster(kafka("events")))
        await world.drive(world.service.add_firewall_rule(cluster_id, rule))
        listed = await world.drive(world.service.list_firewall_rules(cluster_id))
        assert [(r.network, r.rules[0].type) for r in listed] == [("203.0.113.7/32", "KAFKA")]
        await world.drive(world.service.delete_firewall_rule(cluster_id, rule))
        assert await world.drive(world.service.list_firewall_rules(cluster_id)) == []
        await world.drive(world.service.delete_cluster(cluster_id))
        names = [s.name for s in await world.drive(world.service.list_clusters())]
        assert "events" not in names

    run(body, world)
    assert world.sent("DELETE", "/applications/kafka/") == 1


def test_a_429_storm_on_v2_never_reaches_the_user_and_the_engine_recovers() -> None:
    world = make_v2_world()

    async def body() -> None:
        now = world.clock.monotonic()
        world.sim.faults.storm_429.append((now, now + 30))
        assert await world.drive(world.service.list_clusters()) == []
        assert world.engine.snapshot().rejected_429 >= 1
        rejected = world.sim.stats.rejected_429
        for _ in range(5):
            await world.drive(world.service.list_clusters())
        assert world.sim.stats.rejected_429 == rejected  # no 429 once the storm ended

    run(body, world)


def attempts(world: World) -> int:
    return sum(1 for r in world.sim.log if r.method == "POST" and "/applications/" in r.path)


@pytest.mark.parametrize("applied", [True, False])
def test_a_503_after_a_v2_create_is_reconciled_never_sent_again_blind(applied: bool) -> None:
    """v2 documents no "not processed" status (v1's 503): whether the API applied the
    create or not, it is looked for by name and never sent a second time."""
    world = make_v2_world()

    async def body() -> None:
        faults = world.sim.faults
        faults.error_codes = (503,)
        faults.error_after_apply = 1.0 if applied else 0.0

        async def strike_the_create() -> None:
            # The name check goes through; the create is answered 503.
            while not world.sim.log:
                await world.clock.sleep(0.05)
            faults.error_rate_5xx = 1.0
            while attempts(world) == 0:
                await world.clock.sleep(0.05)
            faults.error_rate_5xx = 0.0

        striker = asyncio.ensure_future(strike_the_create())
        if applied:
            cluster_id = await world.drive(world.service.create_cluster(kafka("events")))
            assert [c.id for c in world.sim.cluster_records()] == [cluster_id]
        else:
            with pytest.raises(errors.CreateNotConfirmedError):
                await world.drive(world.service.create_cluster(kafka("events")))
            assert world.sim.cluster_records() == []
        await striker

    run(body, world)
    assert attempts(world) == 1


def test_two_accounts_on_one_engine_never_receive_each_others_reads() -> None:
    """Sessions to one host share its engine; identical reads are shared per API and
    account only (an account's list once reached another account's waiter)."""
    first = make_v2_world(api="v1")
    other_sim = Simulator(
        clock=first.clock,
        settings=SimulatorSettings(interval=None, seed=2, username="bob", api_key="bob-key-1"),
    )
    second = make_v2_world(api="v1", sim=other_sim, clock=first.clock)
    shared = ClusterService(
        second.service.backend, first.engine, ServiceSettings(), clock=first.clock
    )

    async def body() -> None:
        await first.drive(first.service.create_cluster(spec("alice-only")))
        mine, theirs = await first.drive(
            asyncio.gather(first.service.list_clusters(), shared.list_clusters())
        )
        assert [c.name for c in mine] == ["alice-only"]
        assert theirs == []
        await shared.aclose()
        await close(second)

    run(body, first)
