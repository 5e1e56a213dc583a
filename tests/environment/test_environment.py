"""An environment provisions in order and is always torn down: after an error, an
exception in the block, a KeyboardInterrupt, a cancelled task, and a second interrupt
during teardown. On the fake clock (see conftest): nothing sleeps."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from insta_nb import errors
from insta_nb.environment import EnvironmentEvent, Step
from insta_nb.session import ServiceEvent
from insta_nb.simulator import Faults

from .conftest import EnvWorld, ctrl_c, env_spec, make_env_world

pytestmark = pytest.mark.timeout(60)


class Boom(Exception):
    pass


def steps(events: list[EnvironmentEvent]) -> list[tuple[str, str]]:
    return [(e.step.value, e.state) for e in events if e.state != "progress"]


def test_provisioning_runs_in_order_and_teardown_removes_everything(world: EnvWorld) -> None:
    events: list[EnvironmentEvent] = []
    with world.session.sync.environment(env_spec(), on_event=events.append) as env:
        assert env.details.status.value == "RUNNING"
        assert len(env.contact_points) == 3
        rules = world.session.sync.list_firewall_rules(env.cluster_id)
        assert {r.network for r in rules} == {"203.0.113.10/32", "198.51.100.0/24"}
        peerings = world.session.sync.list_vpc_peerings(env.cluster_id)
        assert [p.id for p in peerings] == list(env.peering_ids)
        assert [e.name for e in world.session.sync.list_environments()] == ["ci"]
    assert steps(events) == [
        ("check", "started"),
        ("check", "done"),
        ("create cluster", "started"),
        ("create cluster", "done"),
        ("firewall rule", "started"),
        ("firewall rule", "done"),
        ("firewall rule", "started"),
        ("firewall rule", "done"),
        ("wait for data centre", "started"),
        ("wait for data centre", "done"),
        ("VPC peering", "started"),
        ("VPC peering", "done"),
        ("wait for RUNNING", "started"),
        ("wait for RUNNING", "done"),
        ("ready", "done"),
        ("teardown", "started"),
        ("delete VPC peering", "started"),
        ("delete VPC peering", "done"),
        ("delete cluster", "started"),
        ("delete cluster", "done"),
        ("teardown", "done"),
    ]
    # The peering was asked for once the data centre was PROVISIONED, before RUNNING.
    waited = next(e for e in events if e.step is Step.WAIT_PROVISIONED and e.state == "done")
    assert waited.message in ("PROVISIONED", "RUNNING")
    assert world.undeleted() == []
    assert world.created() == ["ci_db"]
    assert world.session.sync.list_environments() == []
    assert world.session.undeleted_clusters() == {}


def test_an_exception_in_the_block_tears_down_and_propagates(world: EnvWorld) -> None:
    seen: list[list[str]] = []

    def use_then_fail() -> None:
        with world.session.sync.environment(env_spec()):
            seen.append(world.undeleted())
            raise Boom

    with pytest.raises(Boom):
        use_then_fail()
    assert seen == [["ci_db"]]
    assert world.undeleted() == []


def test_a_failing_step_tears_down_what_was_made_and_raises_that_steps_error() -> None:
    world = make_env_world(Faults(node_failure_pattern="ci_db", node_failure_status=_failed()))
    try:
        events: list[EnvironmentEvent] = []
        with (
            pytest.raises(errors.InstaError, match="will not reach RUNNING"),
            world.session.sync.environment(env_spec(), on_event=events.append),
        ):
            pytest.fail("the block must not run")
        assert world.undeleted() == []
        assert ("delete cluster", "done") in steps(events)
    finally:
        world.close()


def _failed():  # type: ignore[no-untyped-def]
    from insta_nb.models import ClusterStatus

    return ClusterStatus.FAILED


def test_an_invalid_environment_is_refused_before_anything_is_sent(world: EnvWorld) -> None:
    spec = env_spec()
    bad = type(spec)(
        name=spec.name,
        cluster=spec.cluster.__class__(**{**spec.cluster.__dict__, "data_centre": "MARS_1"}),
        firewall_rules=spec.firewall_rules,
        peerings=spec.peerings,
    )
    before = len(world.sim.log)
    with pytest.raises(errors.ValidationError) as caught, world.session.sync.environment(bad):
        pytest.fail("the block must not run")
    assert "cluster.data_centre" in caught.value.field_errors
    assert len(world.sim.log) == before


def test_a_keyboard_interrupt_while_provisioning_tears_down(world: EnvWorld) -> None:
    events: list[EnvironmentEvent] = []

    def on_event(event: EnvironmentEvent) -> None:
        events.append(event)
        if event.step is Step.WAIT_RUNNING and event.state == "started":
            ctrl_c()

    with (
        pytest.raises(KeyboardInterrupt),
        world.session.sync.environment(env_spec(), on_event=on_event),
    ):
        pytest.fail("the block must not run")
    assert ("teardown", "done") in steps(events)
    assert world.undeleted() == []
    assert world.session.sync.list_environments() == []


def test_a_keyboard_interrupt_in_the_block_tears_down(world: EnvWorld) -> None:
    with pytest.raises(KeyboardInterrupt), world.session.sync.environment(env_spec(peerings=False)):
        raise KeyboardInterrupt
    assert world.undeleted() == []


def test_a_second_keyboard_interrupt_returns_at_once_and_teardown_goes_on(
    world: EnvWorld, caplog: pytest.LogCaptureFixture
) -> None:
    released = threading.Event()
    finished = threading.Event()

    def on_event(event: EnvironmentEvent) -> None:
        if event.step is Step.WAIT_RUNNING and event.state == "started":
            ctrl_c()
        if event.step is Step.DELETE_CLUSTER and event.state == "started":
            ctrl_c()  # the impatient second Ctrl-C
            assert released.wait(20)  # the teardown goes on only once the caller is back
        if event.step is Step.TEARDOWN and event.state == "done":
            finished.set()

    with (
        caplog.at_level(logging.WARNING, "insta_nb"),
        pytest.raises(KeyboardInterrupt),
        world.session.sync.environment(env_spec(), on_event=on_event),
    ):
        pytest.fail("the block must not run")
    assert not finished.is_set()
    warning = caplog.text
    assert "NOT waiting for the teardown of environment 'ci'" in warning
    assert "cluster ci_db (" in warning
    released.set()
    assert finished.wait(20)
    assert world.undeleted() == []


def test_a_cancelled_task_tears_down_in_the_async_form(world: EnvWorld) -> None:
    async def main() -> list[EnvironmentEvent]:
        events: list[EnvironmentEvent] = []
        task: asyncio.Task[None] | None = None

        def on_event(event: EnvironmentEvent) -> None:
            events.append(event)
            if event.step is Step.WAIT_RUNNING and event.state == "started":
                assert task is not None
                task.cancel()  # what a kernel interrupt does to a cell's await

        async def cell() -> None:
            async with world.session.environment(env_spec(), on_event=on_event):
                pytest.fail("the block must not run")

        task = asyncio.ensure_future(cell())
        with pytest.raises(asyncio.CancelledError):
            await task
        return events

    events = asyncio.run(main())
    assert ("teardown", "done") in steps(events)
    assert world.undeleted() == []


def test_a_second_cancel_leaves_teardown_running_in_the_async_form(
    world: EnvWorld, caplog: pytest.LogCaptureFixture
) -> None:
    finished = threading.Event()

    async def main() -> None:
        task: asyncio.Task[None] | None = None

        def on_event(event: EnvironmentEvent) -> None:
            assert task is not None
            if event.step is Step.WAIT_RUNNING and event.state == "started":
                task.cancel()
            if event.step is Step.TEARDOWN and event.state == "started":
                task.cancel()
            if event.step is Step.TEARDOWN and event.state == "done":
                finished.set()

        async def cell() -> None:
            async with world.session.environment(env_spec(), on_event=on_event):
                pytest.fail("the block must not run")

        task = asyncio.ensure_future(cell())
        with pytest.raises(asyncio.CancelledError):
            await task

    with caplog.at_level(logging.WARNING, "insta_nb"):
        asyncio.run(main())
    assert "NOT waiting for the teardown" in caplog.text
    assert finished.wait(20)
    assert world.undeleted() == []


def test_an_async_block_that_raises_tears_down(world: EnvWorld) -> None:
    async def main() -> None:
        async with world.session.environment(env_spec(peerings=False)) as env:
            assert env.cluster_id
            raise Boom

    with pytest.raises(Boom):
        asyncio.run(main())
    assert world.undeleted() == []


def test_a_create_whose_response_was_lost_is_adopted_and_torn_down() -> None:
    world = make_env_world(Faults(lose_create_response=1))
    try:
        with world.session.sync.environment(env_spec(peerings=False)) as env:
            assert env.cluster_id
        assert world.created() == ["ci_db"]
        assert world.undeleted() == []
    finally:
        world.close()


def test_a_teardown_that_cannot_delete_names_what_is_left(world: EnvWorld) -> None:
    def on_event(event: EnvironmentEvent) -> None:
        if event.step is Step.DELETE_CLUSTER and event.state == "started":
            now = world.clock.monotonic()
            world.sim.faults.outages = [(now, now + 10_000)]

    with (
        pytest.raises(errors.TeardownError) as caught,
        world.session.sync.environment(env_spec(), on_event=on_event) as env,
    ):
        cluster_id = env.cluster_id
    assert caught.value.cluster_ids == (cluster_id,)
    assert any("cluster ci_db" in item for item in caught.value.left)
    world.sim.faults.outages = []
    listed = world.session.sync.list_environments()
    assert [(e.name, e.state) for e in listed] == [("ci", "teardown incomplete")]
    assert world.undeleted() == ["ci_db"]
    # Another try, by name, as `insta-nb env down ci` does.
    report = world.session.sync.teardown_environment("ci")
    assert report.complete
    assert world.undeleted() == []


def test_keep_leaves_it_up_and_teardown_by_name_removes_it_later(world: EnvWorld) -> None:
    with world.session.sync.environment(env_spec(), keep=True) as env:
        pass
    assert world.undeleted() == ["ci_db"]
    [entry] = world.session.sync.list_environments()
    assert (entry.name, entry.cluster_id, entry.state, entry.status) == (
        "ci",
        env.cluster_id,
        "up",
        "RUNNING",
    )
    assert entry.peering_ids == env.peering_ids
    report = world.session.sync.teardown_environment("ci")
    assert len(report.removed) == 2
    assert world.undeleted() == []
    with pytest.raises(errors.ValidationError, match="no environment named 'ci'"):
        world.session.sync.teardown_environment("ci")


def test_a_read_only_key_is_refused_before_anything_is_sent() -> None:
    world = make_env_world(read_only=True)
    try:
        with pytest.raises(errors.ReadOnlyKeyError), world.session.sync.environment(env_spec()):
            pytest.fail("the block must not run")
        assert world.sim.log == []
    finally:
        world.close()


def test_a_create_interrupted_after_it_was_sent_is_still_torn_down() -> None:
    world = make_env_world(Faults(latency=20.0))  # the create's answer takes 20 s
    sent = threading.Event()

    def on_service_event(event: ServiceEvent) -> None:
        op = event.operation
        if op and op.action == "create" and op.state.value == "sent" and not sent.is_set():
            sent.set()
            ctrl_c()

    unsubscribe = world.session.subscribe(on_service_event)
    try:
        with (
            pytest.raises(KeyboardInterrupt),
            world.session.sync.environment(env_spec(peerings=False)),
        ):
            pytest.fail("the block must not run")
        assert sent.is_set()
        assert world.created() == ["ci_db"]  # it was created after the interrupt ...
        assert world.undeleted() == []  # ... and torn down all the same
    finally:
        unsubscribe()
        world.close()


def test_a_second_environment_of_a_recorded_name_is_refused_and_the_first_kept(
    world: EnvWorld,
) -> None:
    with world.session.sync.environment(env_spec(), keep=True) as first:
        pass
    before = len(world.sim.log)
    with (
        pytest.raises(errors.ValidationError, match="already recorded") as caught,
        world.session.sync.environment(env_spec()),
    ):
        pytest.fail("the block must not run")
    assert "name" in caught.value.field_errors
    assert len(world.sim.log) == before  # nothing sent
    [entry] = world.session.sync.list_environments()
    assert (entry.name, entry.cluster_id, entry.state) == ("ci", first.cluster_id, "up")
    world.session.sync.teardown_environment("ci")
    assert world.undeleted() == []


def test_a_peering_whose_outcome_is_unknown_is_found_and_deleted(world: EnvWorld) -> None:
    def on_event(event: EnvironmentEvent) -> None:
        if event.step is Step.PEERING and event.state == "started":
            # From here the API applies what it gets and answers 502 (until teardown).
            world.sim.faults.error_rate_5xx = 1.0
            world.sim.faults.error_after_apply = 1.0
            world.sim.faults.error_codes = (502,)
        if event.step is Step.TEARDOWN and event.state == "started":
            world.sim.faults.error_rate_5xx = 0.0

    with (
        pytest.raises(errors.ServerError),
        world.session.sync.environment(env_spec(), on_event=on_event),
    ):
        pytest.fail("the block must not run")
    assert world.sent("POST", "vpc-peering") == 1
    assert world.sent("DELETE", "vpc-peering") == 1  # its id was never returned: listed
    assert world.undeleted() == []
