"""Create specs of every shape, sent through the service: accepted by the simulator or
rejected with a message naming the field; never a crash; never a request for a spec the
client already knows is invalid."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from insta_nb import catalog, errors
from insta_nb.backends.v1 import validation
from insta_nb.models import (
    BundleSpec,
    ClusterSpec,
    FirewallRuleSpec,
    ProviderSpec,
    RackAllocation,
)
from insta_nb.simulator import Faults

from .support import World, make_world, outcome, run, spec

ALL_REGIONS = sorted({r for p in catalog.PROVIDERS for r in catalog.regions(p)})
ALL_SIZES = sorted(
    {s for b in catalog.BUNDLES for p in catalog.PROVIDERS for s in catalog.node_sizes(b, p)}
)
ALL_VERSIONS = sorted({v for info in catalog.BUNDLES.values() for v in info.versions})

#: Any text: unicode, control characters, lone surrogates, and now and then a huge one.
ANY_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec=None), max_size=10),
    st.sampled_from(["", " ", "\x00", "a\nb", "名前", "ｆｕｌｌ", "\u202eevil", "x" * 100_000]),
)
#: Text the JSON encoder can always carry (no lone surrogates): for fields the client
#: sends without checking (their crash is a separate, known bug below).
SAFE_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40)
WRONG_TYPES = st.one_of(st.none(), st.integers(), st.floats(), st.booleans(), st.just([1]))
CIDRS = st.one_of(
    st.sampled_from(
        [
            "10.224.0.0/16",
            "192.168.0.0/18",
            "172.16.0.0/12",
            "10.0.0.0/33",
            "10.0.0.1/16",
            "256.0.0.0/16",
            "10.0.0.0",
            "10.0.0.0/",
            "::1/64",
            "fd00::/8",
            "１０.0.0.0/16",
            "10.0.0.0/16 ",
            "8.8.8.0/24",
            "10.0.0.0/08",
            "10.0.0.0/16\n",
            "0x0a.0.0.0/16",
        ]
    ),
    ANY_TEXT,
)


def one_of_known(known: list[str]) -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(known), ANY_TEXT, WRONG_TYPES)


BUNDLE = st.builds(
    BundleSpec,
    bundle=one_of_known(list(catalog.BUNDLES)),
    version=one_of_known(ALL_VERSIONS),
    options=st.one_of(
        st.just({}),
        st.dictionaries(
            st.sampled_from(["clientEncryption", "authnAuthz", "masterNodeSize", "x"]),
            st.one_of(st.booleans(), SAFE_TEXT, st.integers(), st.sampled_from(ALL_SIZES)),
            max_size=3,
        ),
    ),
)
RULE = st.builds(
    FirewallRuleSpec,
    rule_types=st.one_of(
        st.lists(one_of_known(list(catalog.RULE_TYPES)), max_size=3).map(tuple), WRONG_TYPES
    ),
    network=st.one_of(st.none(), CIDRS),
    security_group_id=st.one_of(st.none(), st.sampled_from(["sg-0123abcd", "sg-1", "x"])),
)
SPECS = st.builds(
    ClusterSpec,
    cluster_name=st.one_of(
        st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,40}", fullmatch=True), ANY_TEXT, WRONG_TYPES
    ),
    bundles=st.one_of(st.lists(BUNDLE, min_size=0, max_size=3).map(tuple), WRONG_TYPES),
    provider=st.builds(
        ProviderSpec,
        name=one_of_known(list(catalog.PROVIDERS)),
        disk_encryption_key=st.one_of(st.none(), SAFE_TEXT),
    ),
    data_centre=one_of_known(ALL_REGIONS),
    node_size=one_of_known(ALL_SIZES),
    sla_tier=one_of_known(list(catalog.SLA_TIERS)),
    cluster_network=st.one_of(st.none(), CIDRS, WRONG_TYPES),
    private_network_cluster=st.one_of(st.booleans(), WRONG_TYPES),
    pci_compliant_cluster=st.one_of(st.booleans(), WRONG_TYPES),
    rack_allocation=st.one_of(
        st.none(),
        st.builds(
            RackAllocation,
            number_of_racks=st.one_of(st.integers(-3, 12), WRONG_TYPES),
            nodes_per_rack=st.one_of(st.integers(-3, 12), WRONG_TYPES),
        ),
    ),
    data_centre_custom_name=st.one_of(st.none(), SAFE_TEXT),
    firewall_rules=st.one_of(st.lists(RULE, max_size=2).map(tuple), WRONG_TYPES),
)
#: A third of the examples start from a valid spec and change one field, so that the
#: simulator's own checks (not only the client's) are reached often.
NEAR_VALID = st.one_of(
    SPECS,
    st.builds(
        lambda s, field, value: replace(spec("near_valid"), **{field: getattr(s, field)}),
        SPECS,
        st.sampled_from(
            [
                "cluster_name",
                "data_centre",
                "node_size",
                "sla_tier",
                "cluster_network",
                "rack_allocation",
                "firewall_rules",
                "data_centre_custom_name",
                "provider",
                "bundles",
            ]
        ),
        st.none(),
    ),
)


def attempt(candidate: ClusterSpec) -> tuple[World, Any]:
    world = make_world(limiter=False)  # the limiter is not what this test is about

    async def body() -> Any:
        task = asyncio.ensure_future(world.service.create_cluster(candidate))
        await world.clock.run_until(task.done, limit=600)
        return outcome(task)

    return world, run(body, world)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(candidate=NEAR_VALID)
def test_any_create_spec_is_accepted_or_refused_naming_the_field(candidate: ClusterSpec) -> None:
    """Injected: hypothesis-generated create specs: any bundle/provider/region/size
    combination, broken CIDRs, names with unicode, control characters and 100,000
    characters, wrong types in every field.
    Checked: when validation knows the spec is invalid, a ValidationError names exactly
    those fields and the simulator received no request at all; otherwise the simulator
    either created that one cluster (and the id returned is its id) or answered 400
    naming the offending field; no other exception ever escapes."""
    problems = validation.validate_spec(candidate)
    world, result = attempt(candidate)
    assert isinstance(result, str | errors.InstaError), f"crash: {result!r}"
    event("refused locally" if problems else type(result).__name__)
    if problems:
        assert isinstance(result, errors.ValidationError), (problems, result)
        assert result.field_errors == problems
        assert world.sim.log == []
        return
    if isinstance(result, str):
        assert world.clusters_named(candidate.cluster_name) == [result]
        return
    assert isinstance(result, errors.BadRequestError), repr(result)
    assert result.field_errors, f"400 without a field: {result}"
    assert all(str(field) and str(message) for field, message in result.field_errors.items())
    assert world.sim.cluster_records() == []


@pytest.mark.parametrize(
    "field",
    ["clusterName", "rackAllocation", "slaTier", "provider"],
)
def test_extra_cannot_override_a_checked_field(field: str) -> None:
    """Injected: ``ClusterSpec.extra`` repeats a field the client validates.
    Checked: either refused locally naming the field, or the API receives the checked
    value (the body sent carries what was validated).
    Bug (fixed in 2d7aa75): ``wire_v1.spec_to_json`` merges ``extra`` last, over the
    fields validation, the duplicate-name check and reconciliation look at.
    Fix: validation refuses, naming ``extra.<key>``, an ``extra`` key that a ClusterSpec
    field already maps."""
    overrides: dict[str, Any] = {
        "clusterName": "not valid name!",
        "rackAllocation": {"numberOfRacks": 99, "nodesPerRack": 99},
        "slaTier": "GOLD",
        "provider": {"name": "MARS"},
    }
    world, result = attempt(replace(spec("checked"), extra={field: overrides[field]}))
    refused_locally = isinstance(result, errors.ValidationError) and world.sim.log == []
    assert refused_locally, repr(result)


def test_extra_cluster_name_and_a_lost_response_loses_no_cluster() -> None:
    """Injected: ``extra={'clusterName': 'renamed'}`` and the create's response lost.
    Checked: the cluster the simulator created is adopted (or the spec refused).
    Bug (fixed in 2d7aa75): the create was sent as "renamed"; reconciliation looked for
    "asked", reported "not created", and the cluster that exists was never adopted (a
    lost, billed cluster).
    Fix: as above: ``extra`` may not carry ``clusterName`` (or any mapped field)."""
    world = make_world(faults=Faults(lose_create_response=1))

    async def body() -> Any:
        task = asyncio.ensure_future(
            world.service.create_cluster(replace(spec("asked"), extra={"clusterName": "renamed"}))
        )
        await world.clock.run_until(task.done, limit=3600)
        return outcome(task)

    result = run(body, world)
    created = [c.id for c in world.sim.cluster_records()]
    assert result in created or (isinstance(result, errors.ValidationError) and not created)


UNSENDABLE: dict[str, ClusterSpec] = {
    "option value not JSON": replace(
        spec("a"), bundles=(BundleSpec("APACHE_CASSANDRA", "4.0.1", {"x": object()}),)
    ),
    "option value NaN": replace(
        spec("a"), bundles=(BundleSpec("APACHE_CASSANDRA", "4.0.1", {"x": float("nan")}),)
    ),
    "option key lone surrogate": replace(
        spec("a"), bundles=(BundleSpec("APACHE_CASSANDRA", "4.0.1", {"\udcff": True}),)
    ),
    "extra holds a set": replace(spec("a"), extra={"twoFactorDelete": {1, 2}}),
    "tags is a list": replace(spec("a"), provider=ProviderSpec("AWS_VPC", tags=[1, 2])),  # type: ignore[arg-type]
    "custom DC name lone surrogate": replace(spec("a"), data_centre_custom_name="dc\ud800"),
}


@pytest.mark.parametrize("case", list(UNSENDABLE))
def test_a_spec_the_client_cannot_encode_is_refused_naming_the_field(case: str) -> None:
    """Injected: values no JSON body can carry, in fields the client does not validate.
    Checked: a ValidationError naming the field, and no request sent.
    Bug (fixed in 2d7aa75): fields validation did not check (bundle options, provider
    tags, ``extra``, ``dataCentreCustomName``) were first encoded inside the engine's job:
    json.dumps raised TypeError or UnicodeEncodeError there (a crash, after a slot was
    taken), and NaN was sent as invalid JSON.
    Fix: validation encodes those fields (``allow_nan=False``, UTF-8) and names the field
    that cannot be sent."""
    world, result = attempt(UNSENDABLE[case])
    assert isinstance(result, errors.ValidationError), repr(result)
    assert world.sim.log == []
    assert world.engine.sent == 0
