"""VPC peerings and resizes through the service, on the fake clock: what a user notices."""

from __future__ import annotations

import pytest

from insta_nb import errors
from insta_nb.models import ClusterDetails, ClusterStatus, DataCentre, ResizeSpec
from insta_nb.peering import AwsVpcPeeringSpec, GcpVpcPeeringSpec, PeeringStatus
from insta_nb.service import OperationState, ServiceEvent
from insta_nb.service.data_centres import pick_data_centre

from .conftest import World, make_world, run, spec

AWS = AwsVpcPeeringSpec("vpc-0a1b2c3d", "123456789012", ("10.1.0.0/16",))
#: The data centre is PROVISIONED after GENESIS 30 s + PROVISIONING 120 s.
PROVISIONED_AFTER = 151.0
RUNNING_AFTER = 30 + 120 + 30 + 3 * 80 + 1.0


async def provisioned(world: World) -> tuple[str, str]:
    cluster_id = await world.drive(world.service.create_cluster(spec()))
    await world.clock.advance(PROVISIONED_AFTER)
    details = await world.drive(world.service.get_cluster(cluster_id))
    return cluster_id, details.data_centres[0].id


def test_a_peering_on_the_only_data_centre_waits_for_the_peer_then_is_active(
    world: World,
) -> None:
    events: list[ServiceEvent] = []
    ids: list[str] = []

    async def body() -> None:
        cluster_id, dc = await provisioned(world)
        ids.append(cluster_id)
        world.service.subscribe(events.append)
        peering_id = await world.drive(world.service.peerings.create(cluster_id, AWS))
        waiting = await world.drive(
            world.service.peerings.wait(
                dc, peering_id, until={PeeringStatus.PENDING_ACCEPTANCE}, timeout=600
            )
        )
        assert waiting.peer_vpc_id == "vpc-0a1b2c3d"
        assert world.sim.peerings.accept(peering_id)
        active = await world.drive(
            world.service.peerings.wait(dc, peering_id, until={PeeringStatus.ACTIVE}, timeout=600)
        )
        assert active.connection_id is not None
        row = world.service.inventory.get(cluster_id)
        assert row is not None
        assert [(p.id, p.status) for p in row.vpc_peerings or ()] == [
            (peering_id, PeeringStatus.ACTIVE)
        ]
        listed = await world.drive(world.service.peerings.list(cluster_id))
        assert [p.id for p in listed] == [peering_id]

    run(body, world)
    assert world.sent("POST", "vpc-peering") == 1
    # Views were told: the row changed when the peering landed in it.
    assert any(ids[0] in e.rows for e in events)
    assert any(e.operation is not None and e.operation.action == "add VPC peering" for e in events)
    ops = [o for o in world.service.operations if o.action == "add VPC peering"]
    assert [o.state for o in ops] == [OperationState.DONE]
    assert world.sim.stats.rejected_429 == 0


def test_refusals_happen_before_any_request() -> None:
    world = make_world(read_only=True)

    async def body() -> None:
        with pytest.raises(errors.ReadOnlyKeyError):
            await world.drive(world.service.peerings.create("c-1", AWS))
        with pytest.raises(errors.ReadOnlyKeyError):
            await world.drive(world.service.peerings.delete("cdc-1", "p-1"))
        with pytest.raises(errors.ReadOnlyKeyError):
            await world.drive(world.service.resizes.resize("c-1", _resize("t3.medium-v2")))

    run(body, world)
    assert world.sim.log == []


def test_an_invalid_spec_is_refused_naming_the_field_before_any_request(world: World) -> None:
    async def body() -> None:
        bad = AwsVpcPeeringSpec("vpc-zz", "123456789012")
        with pytest.raises(errors.ValidationError) as caught:
            await world.drive(world.service.peerings.create("c-1", bad))
        assert set(caught.value.field_errors) == {"peerVpcId"}

    run(body, world)
    assert world.sim.log == []


def test_a_spec_of_another_cloud_or_overlapping_the_cluster_is_refused_unsent(
    world: World,
) -> None:
    async def body() -> None:
        cluster_id, _ = await provisioned(world)
        gcp = GcpVpcPeeringSpec("my-project-1", "default-net")
        with pytest.raises(errors.ValidationError) as caught:
            await world.drive(world.service.peerings.create(cluster_id, gcp))
        assert "AWS_VPC" in caught.value.field_errors["provider"]
        inside = AwsVpcPeeringSpec("vpc-0a1b2c3d", "123456789012", ("10.224.3.0/24",))
        with pytest.raises(errors.ValidationError) as caught:
            await world.drive(world.service.peerings.create(cluster_id, inside))
        assert "overlaps" in caught.value.field_errors["peerSubnets"]

    run(body, world)
    assert world.sent("POST", "vpc-peering") == 0


def test_a_rejected_peering_ends_the_wait_with_an_error(world: World) -> None:
    async def body() -> None:
        cluster_id, dc = await provisioned(world)
        peering_id = await world.drive(world.service.peerings.create(cluster_id, AWS))
        await world.clock.advance(10)
        assert world.sim.peerings.reject(peering_id)
        with pytest.raises(errors.InstaError, match="rejected"):
            await world.drive(
                world.service.peerings.wait(
                    dc, peering_id, until={PeeringStatus.ACTIVE}, timeout=60
                )
            )
        other = await world.drive(
            world.service.peerings.create(
                cluster_id, AwsVpcPeeringSpec("vpc-0a1b2c3e", "123456789012")
            )
        )
        with pytest.raises(errors.DeadlineExceededError):
            await world.drive(
                world.service.peerings.wait(dc, other, until={PeeringStatus.ACTIVE}, timeout=60)
            )

    run(body, world)


def test_a_lost_create_answer_finds_the_peering_instead_of_sending_twice(world: World) -> None:
    async def body() -> None:
        cluster_id, dc = await provisioned(world)
        world.sim.faults.lose_create_response = 1  # the next create is applied, unanswered
        peering_id = await world.drive(world.service.peerings.create(cluster_id, AWS))
        listed = await world.drive(world.service.peerings.list_for_data_centre(dc))
        assert [p.id for p in listed] == [peering_id]

    run(body, world)
    assert world.sim.stats.lost_responses == 1
    assert world.sent("POST", "vpc-peering") == 1


def test_delete_removes_the_peering_from_the_row(world: World) -> None:
    async def body() -> None:
        cluster_id, dc = await provisioned(world)
        peering_id = await world.drive(world.service.peerings.create(cluster_id, AWS))
        await world.drive(world.service.peerings.list(cluster_id))
        await world.drive(world.service.peerings.delete(dc, peering_id))
        row = world.service.inventory.get(cluster_id)
        assert row is not None
        assert row.vpc_peerings == ()
        await world.clock.advance(30)
        with pytest.raises(errors.NotFoundError):
            await world.drive(world.service.peerings.get(dc, peering_id))

    run(body, world)
    assert world.sent("DELETE", "vpc-peering") == 1


def test_the_data_centre_must_be_named_when_there_are_several() -> None:
    def dc(i: int) -> DataCentre:
        return DataCentre(f"cdc-{i}", "US_WEST_2", "AWS_VPC", ClusterStatus.RUNNING)

    two = ClusterDetails("c-1", "demo", ClusterStatus.RUNNING, data_centres=(dc(1), dc(2)))
    with pytest.raises(errors.ValidationError) as caught:
        pick_data_centre(two, None)
    assert "cdc-1" in caught.value.field_errors["data_centre_id"]
    assert pick_data_centre(two, "cdc-2").id == "cdc-2"
    with pytest.raises(errors.ValidationError):
        pick_data_centre(two, "cdc-3")


# --- resize ----------------------------------------------------------------------------------


def _resize(size: str, concurrent: int = 1) -> ResizeSpec:
    return ResizeSpec(size, concurrent)


def test_a_resize_rolls_through_the_nodes_and_the_row_shows_it_until_done(
    world: World,
) -> None:
    async def body() -> None:
        cluster_id = await world.drive(world.service.create_cluster(spec()))
        await world.clock.advance(RUNNING_AFTER)
        assert await world.drive(world.service.resizes.sizes(cluster_id)) == ["t3.medium-v2"]
        await world.drive(world.service.resizes.resize(cluster_id, _resize("t3.medium-v2")))
        row = world.service.inventory.get(cluster_id)
        assert row is not None
        assert row.pending == "resizing"
        progress = []
        for _ in range(3):
            await world.clock.advance(300)
            details = await world.drive(world.service.get_cluster(cluster_id))
            dc = details.data_centres[0]
            progress.append((details.resize_progress, dc.resize_target_node_size))
        assert progress == [((1, 3), "t3.medium-v2"), ((2, 3), "t3.medium-v2"), (None, None)]
        row = world.service.inventory.get(cluster_id)
        assert row is not None
        assert row.pending is None
        assert {n.size for n in details.nodes} == {"t3.medium-v2"}

    run(body, world)
    assert world.sent("POST", "/resize") == 1


def test_a_bad_resize_is_refused_before_it_is_sent(world: World) -> None:
    async def body() -> None:
        cluster_id = await world.drive(world.service.create_cluster(spec()))
        await world.clock.advance(RUNNING_AFTER)
        with pytest.raises(errors.ValidationError) as caught:
            await world.drive(world.service.resizes.resize(cluster_id, _resize("m5xl-800-v2", 9)))
        assert set(caught.value.field_errors) == {"newNodeSize", "concurrentResizes"}
        with pytest.raises(errors.ValidationError) as caught:
            await world.drive(world.service.resizes.resize(cluster_id, _resize("", 0)))
        assert set(caught.value.field_errors) == {"newNodeSize", "concurrentResizes"}

    run(body, world)
    assert world.sent("POST", "/resize") == 0


def test_a_resize_before_the_cluster_is_ready_reports_the_apis_reason(world: World) -> None:
    async def body() -> None:
        cluster_id = await world.drive(world.service.create_cluster(spec()))
        await world.clock.advance(PROVISIONED_AFTER)
        with pytest.raises(errors.APIError) as caught:
            await world.drive(world.service.resizes.resize(cluster_id, _resize("t3.medium-v2")))
        assert caught.value.status == 412
        assert "not currently in a state to support a resize" in caught.value.message
        op = world.service.operations[-1]
        assert (op.action, op.state) == ("resize", OperationState.FAILED)

    run(body, world)


def test_a_watched_row_follows_its_peering_until_it_settles(world: World) -> None:
    async def body() -> None:
        cluster_id, dc = await provisioned(world)
        peering_id = await world.drive(world.service.peerings.create(cluster_id, AWS))
        row = world.service.inventory.get(cluster_id)
        assert row is not None
        assert [p.id for p in row.vpc_peerings or ()] == [peering_id]  # shown at once
        watch = world.service.watch()

        def peering_status() -> PeeringStatus | None:
            row = world.service.inventory.get(cluster_id)
            peerings = (row.vpc_peerings or ()) if row is not None else ()
            return peerings[0].status if peerings else None

        await world.clock.run_until(
            lambda: peering_status() is PeeringStatus.PENDING_ACCEPTANCE, limit=600
        )
        assert world.sim.peerings.accept(peering_id)
        await world.clock.run_until(lambda: peering_status() is PeeringStatus.ACTIVE, limit=600)
        lists = world.sent("GET", f"vpc-peering/{dc}")
        await world.clock.advance(600)  # settled: refreshes send nothing more for it
        assert world.sent("GET", f"vpc-peering/{dc}") == lists
        watch.stop()

    run(body, world)


def test_the_queue_view_names_each_request_in_words(world: World) -> None:
    labels: list[str] = []
    backend = world.service.backend
    plain = backend.label

    def spy(op: object, subject: str = "") -> str:
        text = plain(op, subject)  # type: ignore[arg-type]
        labels.append(text)
        return text

    backend.label = spy  # type: ignore[method-assign]

    async def body() -> None:
        cluster_id, dc = await provisioned(world)
        await world.clock.advance(RUNNING_AFTER)
        peering_id = await world.drive(world.service.peerings.create(cluster_id, AWS))
        await world.drive(world.service.peerings.list(cluster_id))
        await world.drive(world.service.peerings.delete(dc, peering_id))
        await world.drive(world.service.resizes.resize(cluster_id, _resize("t3.medium-v2")))

    run(body, world)
    assert {
        "add VPC peering to demo_cluster",
        "VPC peerings of demo_cluster",
        "resize demo_cluster to t3.medium-v2",
    } <= set(labels)
    assert any(label.startswith("delete VPC peering ") for label in labels)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"until": {PeeringStatus.ACTIVE}, "timeout": float("nan")}, "timeout"),
        ({"until": {PeeringStatus.ACTIVE}, "timeout": -1.0}, "timeout"),
        ({"until": (), "timeout": 10.0}, "until"),
        ({"until": ["ACTIVE!"], "timeout": 10.0}, "until"),
    ],
)
def test_a_wait_that_could_never_end_or_never_match_is_refused_unsent(
    world: World, kwargs: dict[str, object], field: str
) -> None:
    async def body() -> None:
        with pytest.raises(errors.ValidationError) as caught:
            await world.drive(world.service.peerings.wait("cdc-1", "p-1", **kwargs))  # type: ignore[arg-type]
        assert set(caught.value.field_errors) == {field}

    run(body, world)
    assert world.sim.log == []
