"""The service against the in-process simulator on a fake clock: what a user notices."""

from __future__ import annotations

import asyncio

import pytest

from insta_nb import errors
from insta_nb.backends.v1 import ApiClient
from insta_nb.credentials import Credentials
from insta_nb.models import ClusterStatus, FirewallRuleSpec
from insta_nb.service import OperationState
from insta_nb.simulator import Faults

from .conftest import World, make_world, run, spec


def test_create_then_watch_reaches_running_without_a_single_429(world: World) -> None:
    async def body() -> None:
        cluster_id = await world.drive(world.service.create_cluster(spec()))
        row = world.service.inventory.get(cluster_id)
        assert row is not None
        assert row.name == "demo_cluster"
        stop = world.service.watch().stop
        await world.clock.run_until(
            lambda: (
                (r := world.service.inventory.get(cluster_id)) is not None
                and r.status is ClusterStatus.RUNNING
            ),
            limit=1200,
        )
        stop()
        row = world.service.inventory.get(cluster_id)
        assert row is not None
        assert (row.running_node_count, row.node_count) == (3, 3)
        assert (row.provider, row.region) == ("AWS_VPC", "US_WEST_2")
        await world.service.aclose()

    run(body, world)
    assert world.sim.stats.rejected_429 == 0


def test_an_existing_name_is_refused_before_sending(world: World) -> None:
    async def body() -> None:
        await world.drive(world.service.create_cluster(spec()))
        with pytest.raises(errors.ValidationError) as info:
            await world.drive(world.service.create_cluster(spec()))
        assert "clusterName" in info.value.field_errors

    run(body, world)
    assert world.sent("POST") == 1


def test_an_invalid_spec_is_refused_with_field_messages_and_nothing_is_sent(world: World) -> None:
    async def body() -> None:
        with pytest.raises(errors.ValidationError) as info:
            await world.drive(world.service.create_cluster(spec(name="bad name!")))
        assert "clusterName" in info.value.field_errors

    run(body, world)
    assert len(world.sim.log) == 0


def test_a_lost_create_response_is_reconciled_to_exactly_one_adopted_cluster() -> None:
    world = make_world(faults=Faults(lose_create_response=1))

    async def body() -> str:
        states: list[OperationState] = []
        world.service.subscribe(lambda e: e.operation and states.append(e.operation.state))
        cluster_id = await world.drive(world.service.create_cluster(spec()))
        assert OperationState.RECONCILING in states
        assert states[-1] is OperationState.DONE
        return cluster_id

    cluster_id = run(body, world)
    records = [c for c in world.sim.cluster_records() if c.name == "demo_cluster"]
    assert [c.id for c in records] == [cluster_id]
    assert world.sent("POST") == 1


def test_a_create_that_never_arrived_is_reported_not_created() -> None:
    # The create's own list goes through; then connections drop before the API sees
    # them, just long enough to lose the create.
    world = make_world(faults=Faults(drop_rate=0.0, drop_after_apply=0.0))

    async def body() -> None:
        def seen(method: str) -> int:
            return sum(1 for r in world.sim.log if r.method == method)

        async def drop_the_create() -> None:
            while seen("GET") == 0:
                await world.clock.sleep(0.05)
            world.sim.faults.drop_rate = 1.0
            while seen("POST") == 0:
                await world.clock.sleep(0.05)
            world.sim.faults.drop_rate = 0.0

        saboteur = asyncio.ensure_future(drop_the_create())
        with pytest.raises(errors.CreateNotConfirmedError):
            await world.drive(world.service.create_cluster(spec()))
        await saboteur
        op = world.service.operations[-1]
        assert op.state is OperationState.NOT_CREATED

    run(body, world)
    assert world.sim.cluster_records() == []


def test_a_read_only_key_refuses_every_mutation_without_sending() -> None:
    world = make_world(read_only=True)

    async def body() -> None:
        with pytest.raises(errors.ReadOnlyKeyError):
            await world.drive(world.service.create_cluster(spec()))
        with pytest.raises(errors.ReadOnlyKeyError):
            await world.drive(world.service.delete_cluster("00000000-0000-0000-0000-000000000000"))
        with pytest.raises(errors.ReadOnlyKeyError):
            await world.drive(
                world.service.add_firewall_rule(
                    "00000000-0000-0000-0000-000000000000",
                    FirewallRuleSpec(("CASSANDRA",), network="203.0.113.7/32"),
                )
            )

    run(body, world)
    assert len(world.sim.log) == 0


def test_delete_marks_the_row_then_the_cluster_disappears(world: World) -> None:
    async def body() -> None:
        cluster_id = await world.drive(world.service.create_cluster(spec()))
        stop = world.service.watch().stop
        await world.drive(world.service.delete_cluster(cluster_id))
        row = world.service.inventory.get(cluster_id)
        assert row is not None
        assert row.status is ClusterStatus.DELETING
        await world.clock.run_until(
            lambda: world.service.inventory.get(cluster_id) is None, limit=1200
        )
        stop()
        await world.service.aclose()

    run(body, world)
    assert world.sent("DELETE") == 1


def test_queued_actions_survive_a_three_minute_outage_and_run_once(world: World) -> None:
    async def body() -> None:
        existing = await world.drive(world.service.create_cluster(spec("first")))
        start = world.clock.monotonic()
        world.sim.faults.outages.append((start, start + 180))
        stop = world.service.watch().stop
        create = asyncio.ensure_future(world.service.create_cluster(spec("second")))
        delete = asyncio.ensure_future(world.service.delete_cluster(existing))
        await world.clock.run_until(lambda: create.done() and delete.done(), limit=900)
        assert world.clock.monotonic() >= start + 180
        new_id = create.result()
        assert delete.result() is None
        stop()
        await world.service.aclose()
        names = [c.name for c in world.sim.cluster_records()]
        assert names.count("second") == 1
        assert new_id in {c.id for c in world.sim.cluster_records()}

    run(body, world)
    assert world.sent("DELETE") == 1


def test_a_429_storm_never_reaches_the_user_and_the_engine_recovers(world: World) -> None:
    async def body() -> None:
        now = world.clock.monotonic()
        world.sim.faults.storm_429.append((now, now + 30))
        clusters = await world.drive(world.service.list_clusters())
        assert clusters == []
        assert world.engine.snapshot().rejected_429 >= 1
        rejected = world.sim.stats.rejected_429
        for _ in range(5):
            await world.drive(world.service.list_clusters())
        assert world.sim.stats.rejected_429 == rejected  # no 429 once the storm ended

    run(body, world)


def test_firewall_rule_add_is_safe_to_repeat(world: World) -> None:
    """A cell run twice adds its rule once: the repeat's 409 is checked against a fresh
    list, which shows the rule, so the repeat is done and says the rule was there."""

    async def body() -> None:
        cluster_id = await world.drive(world.service.create_cluster(spec()))
        rule = FirewallRuleSpec(("CASSANDRA",), network="203.0.113.7/32")
        await world.drive(world.service.add_firewall_rule(cluster_id, rule))
        await world.drive(world.service.add_firewall_rule(cluster_id, rule))
        assert world.service.operations[-1].state is OperationState.DONE
        assert world.service.operations[-1].message == "rule already present"
        rules = await world.drive(world.service.list_firewall_rules(cluster_id))
        assert [r.network for r in rules] == ["203.0.113.7/32"]

    run(body, world)
    assert world.sent("POST", "firewallRules") == 1  # the repeat was answered 409, not applied


def test_a_firewall_rule_added_to_a_cluster_being_deleted_fails(world: World) -> None:
    """409 also means "being deleted": an add that meets it while the rule is not there is
    a failure the user sees, never "done" (found by the random mix: an add queued behind
    an outage, sent after a delete of the same cluster, was reported added)."""

    async def body() -> None:
        cluster_id = await world.drive(world.service.create_cluster(spec()))
        await world.drive(world.service.delete_cluster(cluster_id))
        rule = FirewallRuleSpec(("CASSANDRA",), network="203.0.113.8/32")
        with pytest.raises(errors.ConflictError, match="being deleted"):
            await world.drive(world.service.add_firewall_rule(cluster_id, rule))
        assert world.service.operations[-1].state is OperationState.FAILED

    run(body, world)


def test_a_retried_firewall_add_that_meets_being_deleted_is_not_reported_added(
    world: World,
) -> None:
    """Found by the random mix: an add that failed during an outage (503, maybe applied) was
    retried after another kernel deleted the cluster; the API's 409 "being deleted" was read
    as "the rule already exists" and the add reported done. It must fail, with the API's
    words, and nothing may say the rule is there."""

    async def body() -> None:
        cluster_id = await world.drive(world.service.create_cluster(spec()))
        start = world.clock.monotonic()
        world.sim.faults.outages.append((start, start + 60))
        rule = FirewallRuleSpec(("CASSANDRA",), network="203.0.113.9/32")
        add = asyncio.ensure_future(world.service.add_firewall_rule(cluster_id, rule))
        creds = Credentials.resolve(
            username=world.sim.credentials.username,
            api_key=world.sim.credentials.api_key,
            api_url=world.sim.url,
        )
        assert creds is not None

        async def other_kernel_deletes() -> None:
            await world.clock.sleep(61)  # just after the outage, before the add's retry
            assert not add.done()
            other = ApiClient(creds, transport=world.sim.transport(client_ip="127.0.0.2"))
            await other.delete_cluster(cluster_id)
            await other.aclose()

        deleter = asyncio.ensure_future(other_kernel_deletes())
        await world.clock.run_until(add.done, limit=900)
        deleter.result()
        with pytest.raises(errors.ConflictError, match="being deleted"):
            add.result()
        assert world.service.operations[-1].state is OperationState.FAILED

    run(body, world)
    assert world.sent("POST", "firewallRules") == 0


def test_a_delete_whose_response_was_lost_succeeds_without_a_second_visible_error(
    world: World,
) -> None:
    async def body() -> None:
        cluster_id = await world.drive(world.service.create_cluster(spec()))
        world.sim.faults.drop_rate, world.sim.faults.drop_after_apply = 1.0, 1.0
        delete = asyncio.ensure_future(world.service.delete_cluster(cluster_id))
        await world.clock.run_until(lambda: world.sim.stats.dropped >= 1)
        world.sim.faults.drop_rate = 0.0
        await world.clock.run_until(delete.done)
        assert delete.result() is None
        assert world.service.operations[-1].state is OperationState.DONE

    run(body, world)
    assert world.sent("DELETE") == 1
