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
    """Injected: a cluster list and a status whose counts (and a network's prefix length)
    read ``"--5"``, ``"+-3"`` or ``"-+0"``. Checked: the count is read as absent (0, or
    the network without its prefix); no exception. Bug (fixed in 0ac0bdf): ``wire._int``
    let ``"--5"`` pass its ``lstrip("+-")`` test, and ``int()`` raised ValueError out of
    the HTTP boundary (found by the public-errors property). Fix: one optional sign,
    then ASCII digits, or absent."""
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
    """Injected: ``"maybe"``, ``""``, 2, a list, an object or 0.5 as a create body's
    ``privateNetworkCluster`` or ``pciCompliantCluster`` (``spec_from_json``). Checked:
    a ValidationError naming exactly that field. Bug (fixed in 0ac0bdf): the flag was
    read as false, so a body asking for something unclear became a plain cluster. Fix:
    absent or null is false; anything but a boolean or its spelling is refused."""
    body = {"clusterName": "x", "bundles": [], "provider": {"name": "AWS_VPC"}, key: value}
    with pytest.raises(errors.ValidationError) as raised:
        wire.spec_from_json(body)
    assert set(raised.value.field_errors) == {key}


@pytest.mark.parametrize(("value", "flag"), [(None, False), ("TRUE", True), ("false", False)])
def test_absent_and_spelled_flags_are_still_read(value: Any, flag: bool) -> None:
    """Injected: a flag absent, ``"TRUE"`` or ``"false"``. Checked: still read as before
    (the fix refuses only what is no boolean)."""
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
    """Injected: ``wait_for_status`` with a NaN, infinite, negative or text timeout, a
    target that is no status (``"running"``, 5), an ``on_progress`` that is not
    callable. Checked: a ValidationError naming the argument, and the simulator received
    no request. Bug (fixed in c9dbed0): a NaN timeout never expired (the wait never
    ended); a text target never matched and, at the timeout, ``target.value`` raised
    AttributeError after the requests; a non-callable ``on_progress`` raised TypeError
    after a request was sent (found by the public-errors property). Fix: the arguments
    are checked before the first request."""
    world = make_world()

    async def body() -> None:
        with pytest.raises(errors.ValidationError) as raised:
            await world.drive(world.service.wait_for_status("c-1", **kwargs), limit=60)
        assert set(raised.value.field_errors) == {field}

    run(body, world)
    assert world.sim.log == []


def test_wait_for_status_takes_a_status_spelled_as_text() -> None:
    """Injected: ``target="GENESIS"`` (the text, as a notebook user types it). Checked: the
    wait ends at once with the GENESIS status, as with the enum."""
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
    """Injected: ``watch(period=...)`` and ``set_period(...)`` with NaN, infinity, -1, 0,
    text or True. Checked: a ValidationError naming ``period``; the watch keeps its
    earlier period. Bug (fixed in c9dbed0): accepted, so the poller slept for nothing (a
    hot loop) or failed in the background where nobody saw it (found by the
    public-errors property). Fix: a period is None or a finite number of seconds > 0."""
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
