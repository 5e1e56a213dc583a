"""Environment files: every key checked, every mistake named by its TOML key, and nothing
but the toolkit's ValidationError whatever the file holds."""

from __future__ import annotations

import string
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insta_nb.environment_spec import EnvironmentSpec, load_environment, toml_key_for
from insta_nb.errors import ValidationError
from insta_nb.peering import AwsVpcPeeringSpec, GcpVpcPeeringSpec

GOOD = """
name = "ci"

[cluster]
cluster_name = "ci_db"
data_centre = "US_EAST_1"
node_size = "t3.small-v2"
cluster_network = "10.224.0.0/16"
provider = "AWS_VPC"
rack_allocation = { number_of_racks = 3, nodes_per_rack = 1 }
bundles = [{ bundle = "APACHE_CASSANDRA", version = "4.0.1" }]

[[firewall_rules]]
network = "203.0.113.10/32"
rule_types = ["CASSANDRA"]

[[peerings]]
peer_vpc_id = "vpc-0a1b2c3d"
peer_account_id = "123456789012"
peer_subnets = ["10.1.0.0/16"]

[timeouts]
provisioned = 600
running = 1200
"""


def test_a_whole_file_reads_into_the_toolkits_specs() -> None:
    spec = EnvironmentSpec.from_toml(GOOD)
    assert spec.name == "ci"
    assert spec.cluster.cluster_name == "ci_db"
    assert spec.cluster.rack_allocation is not None
    assert spec.cluster.rack_allocation.node_count == 3
    assert spec.cluster.provider.name == "AWS_VPC"
    assert spec.firewall_rules[0].rule_types == ("CASSANDRA",)
    assert spec.peerings == (AwsVpcPeeringSpec("vpc-0a1b2c3d", "123456789012", ("10.1.0.0/16",)),)
    assert (spec.provisioned_timeout, spec.running_timeout) == (600.0, 1200.0)


def test_a_provider_table_and_a_gcp_peering_named_by_provider() -> None:
    text = GOOD.replace(
        'provider = "AWS_VPC"', 'provider = { name = "GCP", tags = { team = "qa" } }'
    )
    text = text.replace(
        'peer_vpc_id = "vpc-0a1b2c3d"\npeer_account_id = "123456789012"',
        'provider = "GCP"\npeer_project_id = "proj"\npeer_vpc_network_name = "net"',
    )
    spec = EnvironmentSpec.from_toml(text)
    assert spec.cluster.provider.tags == {"team": "qa"}
    assert spec.peerings == (GcpVpcPeeringSpec("proj", "net", ("10.1.0.0/16",)),)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (("nodes_per_rack = 1", 'nodes_per_rack = "1"'), "cluster.rack_allocation.nodes_per_rack"),
        (("nodes_per_rack = 1", "nodes_per_rack = 0"), "cluster.rack_allocation.nodes_per_rack"),
        (("nodes_per_rack = 1", "nodes_per_rack = true"), "cluster.rack_allocation.nodes_per_rack"),
        (('cluster_name = "ci_db"', "cluster_name = 7"), "cluster.cluster_name"),
        (('cluster_name = "ci_db"', ""), "cluster.cluster_name"),
        (
            ('cluster_network = "10.224.0.0/16"', 'cluster_network = "10.224.0.1/16"'),
            "cluster.cluster_network",
        ),
        (('network = "203.0.113.10/32"', 'network = "somewhere"'), "firewall_rules[0].network"),
        (('rule_types = ["CASSANDRA"]', "rule_types = []"), "firewall_rules[0].rule_types"),
        (
            ('rule_types = ["CASSANDRA"]', 'rule_types = "CASSANDRA"'),
            "firewall_rules[0].rule_types",
        ),
        (('rule_types = ["CASSANDRA"]', "rule_types = [1]"), "firewall_rules[0].rule_types[0]"),
        (
            ('peer_subnets = ["10.1.0.0/16"]', 'peer_subnets = ["10.1.0.7/16"]'),
            "peerings[0].peer_subnets[0]",
        ),
        (('peer_vpc_id = "vpc-0a1b2c3d"\n', ""), "peerings[0].provider"),
        (
            ('peer_account_id = "123456789012"', "peer_account_id = 123456789012"),
            "peerings[0].peer_account_id",
        ),
        (("running = 1200", "running = -1"), "timeouts.running"),
        (("running = 1200", "runing = 1200"), "timeouts.runing"),
        (('name = "ci"', 'name = "no spaces please"'), "name"),
        (('name = "ci"', 'name = "ci"\nfirewall_rule = []'), "firewall_rule"),
        (("[[firewall_rules]]", "[firewall_rules]"), "firewall_rules"),
        (
            ('bundles = [{ bundle = "APACHE_CASSANDRA", version = "4.0.1" }]', "bundles = []"),
            "cluster.bundles",
        ),
    ],
)
def test_each_mistake_is_named_by_its_toml_key(change: tuple[str, str], key: str) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(ValidationError) as caught:
        EnvironmentSpec.from_toml(GOOD.replace(old, new, 1))
    assert key in caught.value.field_errors, caught.value.field_errors


def test_every_mistake_of_a_file_is_reported_at_once() -> None:
    text = GOOD.replace("nodes_per_rack = 1", "nodes_per_rack = -2").replace(
        '"203.0.113.10/32"', '"203.0.113.10"'
    )
    with pytest.raises(ValidationError) as caught:
        EnvironmentSpec.from_toml(text)
    assert set(caught.value.field_errors) == {
        "cluster.rack_allocation.nodes_per_rack",
        "firewall_rules[0].network",
    }


def test_a_file_that_is_not_toml_or_not_text_is_refused_naming_the_file(tmp_path: Path) -> None:
    for raw in (b"name = ", b"\xff\xfe name", b"[cluster\n"):
        path = tmp_path / "env.toml"
        path.write_bytes(raw)
        with pytest.raises(ValidationError) as caught:
            load_environment(path)
        assert "(file)" in caught.value.field_errors
    with pytest.raises(ValidationError, match="Cannot read"):
        load_environment(tmp_path / "missing.toml")


def test_api_field_names_map_onto_toml_keys() -> None:
    assert toml_key_for("rackAllocation.nodesPerRack") == "cluster.rack_allocation.nodes_per_rack"
    assert toml_key_for("bundles[1].version") == "cluster.bundles[1].version"
    assert toml_key_for("bundles[0].options.authnAuthz") == "cluster.bundles[0].options.authnAuthz"
    assert toml_key_for("peerSubnets[0]", "peerings[0]") == "peerings[0].peer_subnets[0]"


# --- hostile input -------------------------------------------------------------------------


def refusal(read: Callable[[], EnvironmentSpec]) -> dict[str, str] | None:
    """The field errors of a refused read, ``None`` when it gave a spec; anything else
    (a TypeError, a KeyError, a RecursionError) fails the test."""
    try:
        read()
    except ValidationError as exc:
        return exc.field_errors
    return None


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.binary(max_size=10),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(string.ascii_lowercase + "_", max_size=25), inner, max_size=5),
    ),
    max_leaves=25,
)
_keys = st.sampled_from(
    [
        "name",
        "cluster",
        "firewall_rules",
        "peerings",
        "timeouts",
        "cluster_name",
        "bundles",
        "provider",
        "data_centre",
        "rack_allocation",
        "network",
        "rule_types",
        "peer_vpc_id",
        "peer_subnets",
        "extra",
        "tags",
        "options",
        "running",
    ]
)
_documents = st.recursive(
    st.dictionaries(_keys, _values, max_size=6),
    lambda inner: st.dictionaries(_keys, st.one_of(inner, st.lists(inner, max_size=3), _values)),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None)
@given(_documents)
def test_any_mapping_gives_a_spec_or_a_validation_error(data: dict[str, object]) -> None:
    problems = refusal(lambda: EnvironmentSpec.from_mapping(data))
    assert problems is None or problems
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in (problems or {}).items())


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300)))
def test_any_bytes_or_text_give_a_spec_or_a_validation_error(raw: bytes | str) -> None:
    problems = refusal(lambda: EnvironmentSpec.from_toml(raw))
    assert problems is None or problems


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_a_good_file_with_one_line_mangled_gives_a_spec_or_a_validation_error(
    data: st.DataObject,
) -> None:
    lines = GOOD.splitlines()
    i = data.draw(st.integers(0, len(lines) - 1))
    lines[i] = data.draw(st.text(max_size=60))
    problems = refusal(lambda: EnvironmentSpec.from_toml("\n".join(lines)))
    assert problems is None or problems
