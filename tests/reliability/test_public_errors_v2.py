"""v2 product specs with a wrong value in any field get the toolkit's errors only.

Injected: every field of every v2 product spec, of its data centre and of its nested
node groups (Kafka's dedicated ZooKeeper, OpenSearch's data nodes) replaced in turn by
values of the wrong type or shape (None, text, numbers that are not finite, containers,
an arbitrary object). Checked: the backend's validation answers with messages keyed by
the API's field names or raises a ``TypeError``/``ValueError``/toolkit error, never
anything else; the request preview the create form shows does the same; and a session
asked to create such a spec sends nothing when validation found a problem.
(Found: a dedicated ZooKeeper given as text raised a bare ``AttributeError``.)
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from typing import Any

import pytest

from insta_nb import errors, products
from insta_nb.backends import open_backend
from insta_nb.backends.v2 import V2Backend
from insta_nb.config import EngineSettings, ServiceSettings
from insta_nb.credentials import Credentials, Secret
from insta_nb.engine import EngineRunner
from insta_nb.session import Session
from insta_nb.simulator import Simulator, SimulatorSettings
from insta_nb.testing import FakeClock

from .widget_world import simulator_credentials

JUNK: tuple[Any, ...] = (
    None,
    "x",
    "",
    "\ud800",
    -1,
    0,
    1.5,
    math.nan,
    math.inf,
    True,
    {},
    {"a": 1},
    [],
    ("x",),
    (None,),
    object(),
)

DC = {
    products.CassandraDataCentre: {"number_of_nodes": 3, "node_size": "CAS-DEV-t4g.small-5"},
    products.KafkaDataCentre: {"number_of_nodes": 3, "node_size": "KFK-DEV-t4g.small-5"},
    products.RedisDataCentre: {"node_size": "RDS-DEV-t4g.small-20", "master_nodes": 3},
    products.PostgresqlDataCentre: {"number_of_nodes": 1, "node_size": "PGS-DEV-t4g.small-5"},
    products.OpenSearchDataCentre: {},
}
SPECS: dict[type[Any], type[Any]] = {
    products.CassandraClusterSpec: products.CassandraDataCentre,
    products.KafkaClusterSpec: products.KafkaDataCentre,
    products.RedisClusterSpec: products.RedisDataCentre,
    products.PostgresqlClusterSpec: products.PostgresqlDataCentre,
    products.OpenSearchClusterSpec: products.OpenSearchDataCentre,
}
ALLOWED = (errors.InstaError, TypeError, ValueError)


def backend() -> Any:
    creds = Credentials(
        username="fuzz", api_key=Secret("k" * 32), api_url="http://127.0.0.1:9", read_only=False
    )
    return open_backend("v2", creds)


def good_dc(kind: type[Any]) -> Any:
    fields = {f.name for f in dataclasses.fields(kind) if f.init}
    base: dict[str, Any] = {"name": "AWS_VPC_US_EAST_1", "region": "US_EAST_1"}
    base["network"] = "10.0.0.0/16"
    base.update(DC[kind])
    return kind(**{k: v for k, v in base.items() if k in fields})


def good_spec(kind: type[Any]) -> Any:
    more: dict[str, Any] = {}
    if kind is products.OpenSearchClusterSpec:
        more["cluster_manager_node_size"] = "SRH-DM-DEV-t4g.small-5"
    return kind(name="fuzz_demo", version="1.2.3", data_centres=(good_dc(SPECS[kind]),), **more)


def variants() -> Iterator[tuple[str, Any]]:
    """(label, spec) for every field of every spec, data centre and node group, junked."""
    for kind in SPECS:
        spec = good_spec(kind)
        for f in dataclasses.fields(kind):
            if not f.init:
                continue
            for junk in JUNK:
                yield (
                    f"{kind.__name__}.{f.name}={junk!r}",
                    dataclasses.replace(spec, **{f.name: junk}),
                )
        dc = spec.data_centres[0]
        for f in dataclasses.fields(dc):
            if not f.init:
                continue
            for junk in JUNK:
                bad_dc = dataclasses.replace(dc, **{f.name: junk})
                yield (
                    f"{type(dc).__name__}.{f.name}={junk!r}",
                    dataclasses.replace(spec, data_centres=(bad_dc,)),
                )
    kafka = good_spec(products.KafkaClusterSpec)
    for f in dataclasses.fields(products.ZookeeperNodes):
        for junk in JUNK:
            zk = products.ZookeeperNodes(node_size="KDZ-DEV-t4g.small-30")
            yield (
                f"ZookeeperNodes.{f.name}={junk!r}",
                dataclasses.replace(
                    kafka, dedicated_zookeeper=dataclasses.replace(zk, **{f.name: junk})
                ),
            )
    search = good_spec(products.OpenSearchClusterSpec)
    for f in dataclasses.fields(products.OpenSearchNodes):
        for junk in JUNK:
            group = products.OpenSearchNodes(node_size="SRH-DEV-t4g.small-5", node_count=3)
            yield (
                f"OpenSearchNodes.{f.name}={junk!r}",
                dataclasses.replace(
                    search, data_nodes=(dataclasses.replace(group, **{f.name: junk}),)
                ),
            )


VARIANTS = list(variants())


def test_the_fuzz_reaches_every_product_and_nested_group() -> None:
    labels = " ".join(label for label, _ in VARIANTS)
    for name in [*(k.__name__ for k in SPECS), "ZookeeperNodes", "OpenSearchNodes"]:
        assert f"{name}." in labels


def test_validation_and_preview_raise_only_the_toolkits_errors() -> None:
    api = backend()
    escaped: list[str] = []
    for label, spec in VARIANTS:
        for what, call in (("validate", api.validate_spec), ("preview", api.preview_create)):
            try:
                call(spec)
            except ALLOWED:
                pass
            except Exception as exc:  # collected, then asserted on
                escaped.append(f"{what} {label}: {type(exc).__name__}: {exc}")
    assert escaped == [], "\n".join(escaped[:20])


@pytest.mark.parametrize(
    "label",
    [
        "KafkaClusterSpec.dedicated_zookeeper='x'",
        "OpenSearchClusterSpec.data_nodes='x'",
        "KafkaDataCentre.number_of_nodes=nan",
    ],
)
def test_a_wrong_nested_value_is_named_by_its_api_field(label: str) -> None:
    spec = dict(VARIANTS)[label]
    problems = backend().validate_spec(spec)
    assert problems, label
    assert all(isinstance(k, str) and k and isinstance(v, str) and v for k, v in problems.items())


def test_a_v2_session_sends_nothing_for_a_spec_with_a_wrong_part() -> None:
    """Through the public blocking call, as a notebook makes it: refused before queuing."""
    clock = FakeClock()
    sim = Simulator(clock=clock, settings=SimulatorSettings(interval=None, seed=3))
    creds = simulator_credentials(sim)
    runner = EngineRunner(EngineSettings(interval=2.5, shared_slots=False))
    session = Session(
        V2Backend.open(creds, transport=sim.transport()),
        runner,
        ServiceSettings().scaled(0.01),
        simulator=sim,
    )
    try:
        for label in (
            "KafkaClusterSpec.dedicated_zookeeper='x'",
            "CassandraClusterSpec.data_centres=('x',)",
            "OpenSearchNodes.node_count=nan",
            "KafkaClusterSpec.extra=None",
        ):
            with pytest.raises(errors.ValidationError):
                session.sync.create_cluster(dict(VARIANTS)[label])
        assert len(sim.log) == 0
    finally:
        session.close()
        runner.on_loop_sync(runner.engine.aclose, timeout=10)
        loop = runner.thread.loop
        runner.thread.stop()
        loop.close()
