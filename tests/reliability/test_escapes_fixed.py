"""The escapes the public-errors property (``test_public_errors.py``) found, one example
each, so that each fix has a test that failed before it (issue 10 §5)."""

from __future__ import annotations

from typing import Any

import pytest

from insta_nb import errors
from insta_nb.backends.v1 import wire
from insta_nb.models import ClusterStatus

from .support import make_world, run, spec


@pytest.mark.parametrize("numeral", ["--5", "+-3", "-+0"])
def test_a_count_int_refuses_is_absent_not_a_crash(numeral: str) -> None:
    """Injected: a list and a status whose counts are ``"--5"`` (``lstrip("+-")`` let it
    reach ``int()``, whose ValueError escaped the HTTP boundary). Now: read as absent."""
    [summary] = wire.parse_cluster_list([{"id": "c-1", "nodeCount": numeral}])
    assert summary.node_count == 0
    details = wire.parse_cluster_details(
        {"id": "c-1", "dataCentres": [{"id": "d", "nodeCount": numeral, "nodes": []}]}
    )
    assert details.data_centres[0].node_count == 0
    network = {"network": "10.0.0.0", "prefixLength": numeral}
    details = wire.parse_cluster_details({"id": "c-1", "dataCentres": [{"cdcNetwork": network}]})
    assert details.data_centres[0].network == "10.0.0.0"  # the prefix is unreadable


@pytest.mark.parametrize("key", ["privateNetworkCluster", "pciCompliantCluster"])
@pytest.mark.parametrize("value", ["maybe", "", 2, [], {"a": 1}, 0.5])
def test_a_flag_that_is_no_boolean_is_refused_naming_it(key: str, value: Any) -> None:
    """Injected: ``"maybe"`` (or 2, a list...) as a create body's flag. Before: read as
    false, so a body asking for something unclear was sent as a plain cluster. Now: a
    ValidationError naming the field."""
    body = {"clusterName": "x", "bundles": [], "provider": {"name": "AWS_VPC"}, key: value}
    with pytest.raises(errors.ValidationError) as raised:
        wire.spec_from_json(body)
    assert set(raised.value.field_errors) == {key}


@pytest.mark.parametrize(("value", "flag"), [(None, False), ("TRUE", True), ("false", False)])
def test_absent_and_spelled_flags_are_still_read(value: Any, flag: bool) -> None:
    body = {"clusterName": "x", "bundles": [], "provider": {"name": "AWS_VPC"}}
    if value is not None:
        body["pciCompliantCluster"] = value
    assert wire.spec_from_json(body).pci_compliant_cluster is flag


# --- wait_for_status and watch: checked before the first request ----------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"timeout": float("nan")}, "timeout"),
        ({"timeout": float("inf")}, "timeout"),
        ({"timeout": -1.0}, "timeout"),
        ({"timeout": "10"}, "timeout"),
        ({"target": "running"}, "target"),
        ({"target": 5}, "target"),
        ({"on_progress": 5}, "on_progress"),
    ],
)
def test_wait_for_status_refuses_bad_arguments_before_any_request(
    kwargs: dict[str, Any], field: str
) -> None:
    """Injected: a NaN timeout (the wait never ended), a target given as text that is no
    status (it never matched, then ``target.value`` raised AttributeError after the
    requests), an ``on_progress`` that is not callable (TypeError after a request).
    Now: a ValidationError naming the argument, and the simulator received nothing."""
    world = make_world()

    async def body() -> None:
        with pytest.raises(errors.ValidationError) as raised:
            await world.drive(world.service.wait_for_status("c-1", **kwargs), limit=60)
        assert set(raised.value.field_errors) == {field}

    run(body, world)
    assert world.sim.log == []


def test_wait_for_status_takes_a_status_spelled_as_text() -> None:
    world = make_world()

    async def body() -> None:
        cid = await world.drive(world.service.create_cluster(spec("w")))
        # The signature says ClusterStatus; a notebook user typing the text gets the same.
        waiting = world.service.wait_for_status(cid, "GENESIS", timeout=0)  # type: ignore[arg-type]
        details = await world.drive(waiting)
        assert details.status is ClusterStatus.GENESIS

    run(body, world)


@pytest.mark.parametrize("period", [float("nan"), float("inf"), -1.0, 0.0, "5", True])
def test_a_watch_refuses_a_period_that_is_no_positive_number(period: Any) -> None:
    """Injected: ``watch(period=nan)`` (or negative, zero, text). Before: accepted, and
    the poller slept for nothing or failed in the background. Now: a ValidationError
    naming ``period``, from ``watch`` and from ``set_period``."""
    world = make_world()

    async def body() -> None:
        with pytest.raises(errors.ValidationError) as raised:
            world.service.watch(period=period)
        assert set(raised.value.field_errors) == {"period"}
        handle = world.service.watch(period=30.0)
        with pytest.raises(errors.ValidationError):
            handle.set_period(period)
        assert handle.period == 30.0
        handle.stop()

    run(body, world)
