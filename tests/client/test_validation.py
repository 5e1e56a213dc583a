"""Client-side validation: each rule, its field name and message, and properties.

Properties: the validators never raise and never give up on a rule, whatever they get;
every field name is spelled as the API spells it; every valid catalogue combination
passes.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insta_nb import catalog, errors
from insta_nb.backends.v1.validation import (
    UNCHECKED,
    check_firewall_rule,
    check_legacy_spec,
    check_spec,
    validate_firewall_rule,
    validate_legacy_spec,
    validate_spec,
)
from insta_nb.models import (
    BundleSpec,
    ClusterSpec,
    FirewallRuleSpec,
    LegacyClusterSpec,
    LegacyRack,
    ProviderSpec,
    RackAllocation,
)

FIELD_NAME = re.compile(r"[A-Za-z]+(\[\d+\])?(\.[A-Za-z]+(\[\d+\])?)*")
KEY_ID = "5b8a7c4e-1f2d-4e3a-9b6c-7d8e9f0a1b2c"


def cassandra(**overrides: Any) -> ClusterSpec:
    values: dict[str, Any] = {
        "cluster_name": "demo_cluster-1",
        "bundles": (BundleSpec("APACHE_CASSANDRA", "4.0.1"),),
        "provider": ProviderSpec("AWS_VPC"),
        "data_centre": "US_WEST_2",
        "node_size": "m5l-250-v2",
        "cluster_network": "10.224.0.0/16",
        "rack_allocation": RackAllocation(3, 1),
    }
    values.update(overrides)
    return ClusterSpec(**values)


def problems(**overrides: Any) -> dict[str, str]:
    return validate_spec(cassandra(**overrides))


def test_baseline_is_valid() -> None:
    assert problems() == {}
    check_spec(cassandra())


# --- clusterName ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("", "Enter a cluster name"),
        ("   ", "Enter a cluster name"),
        ("a" * 33, "at most 32 characters (now 33)"),
        ("bad name!", "letters, digits"),
        ("name\n", "letters, digits"),  # the catalogue's ``$`` would let this through
        ("-leading", "starting with a letter or digit"),
        ("naïve", "letters, digits"),
        ("x" * 1_000_000, "at most 32"),
        (None, "Enter a cluster name"),
        (42, "Enter a cluster name"),
    ],
)
def test_cluster_name(name: Any, needle: str) -> None:
    assert needle in problems(cluster_name=name)["clusterName"]


@pytest.mark.parametrize("name", ["a", "A" * 32, "cassandra-spark-zeppelin", "x_1-Y"])
def test_good_cluster_names(name: str) -> None:
    assert "clusterName" not in problems(cluster_name=name)


# --- provider and region ----------------------------------------------------------------------


def test_unknown_provider() -> None:
    found = problems(provider=ProviderSpec("AWS"))
    assert found["provider.name"] == "Choose AWS_VPC, AZURE_AZ or GCP."
    assert "dataCentre" not in found  # no region check against an unknown provider


def test_region_must_belong_to_the_provider() -> None:
    assert (
        problems(data_centre="us-east1")["dataCentre"] == "'us-east1' is not a region of AWS_VPC."
    )
    assert problems(data_centre="")["dataCentre"] == "Choose a region."


# --- bundles and versions ---------------------------------------------------------------------


def test_bundles_required() -> None:
    assert problems(bundles=())["bundles"] == "Choose at least one bundle."


@pytest.mark.parametrize(
    ("bundles", "field", "needle"),
    [
        ((BundleSpec("MONGO", "1"),), "bundles[0].bundle", "Unknown bundle 'MONGO'"),
        ((BundleSpec("SPARK", "2.3.2"),), "bundles[0].bundle", "add-on: put APACHE_CASSANDRA"),
        (
            (BundleSpec("APACHE_CASSANDRA", "4.0.1"), BundleSpec("KAFKA_REST_PROXY", "5.0.0")),
            "bundles[1].bundle",
            "goes only with KAFKA",
        ),
        (
            (BundleSpec("APACHE_CASSANDRA", "4.0.1"), BundleSpec("KAFKA", "3.1.2")),
            "bundles[1].bundle",
            "Only one main bundle",
        ),
        (
            (
                BundleSpec("APACHE_CASSANDRA", "4.0.1"),
                BundleSpec("SPARK", "2.3.2"),
                BundleSpec("SPARK", "2.1.3"),
            ),
            "bundles[2].bundle",
            "listed twice",
        ),
        (
            (BundleSpec("APACHE_CASSANDRA", "9.9"),),
            "bundles[0].version",
            "Not a version of APACHE_CASSANDRA",
        ),
        ((BundleSpec("APACHE_CASSANDRA", ""),), "bundles[0].version", "Choose a version"),
        (
            (BundleSpec("APACHE_CASSANDRA", "4.0.1"), BundleSpec("SPARK", "9")),
            "bundles[1].version",
            "choose 2.1.3 or 2.3.2.",
        ),
        (
            (BundleSpec("APACHE_CASSANDRA", "4.0.1", options=[1]),),  # type: ignore[arg-type]
            "bundles[0].options",
            "map names to values",
        ),
    ],
)
def test_bundle_rules(bundles: tuple[BundleSpec, ...], field: str, needle: str) -> None:
    found = problems(bundles=bundles)
    assert needle in found[field], found


@pytest.mark.parametrize(
    "bundles",
    [
        (BundleSpec("APACHE_CASSANDRA", "apache-cassandra-3.11.4.ic2"),),
        (BundleSpec("APACHE_CASSANDRA", "3.11.4"), BundleSpec("SPARK", "apache-spark:2.3.2.ic3")),
        (
            BundleSpec("APACHE_CASSANDRA", "3.11.4"),
            BundleSpec("ZEPPELIN", "apache-zeppelin:0.8.0-spark-2.3.2"),
        ),
    ],
)
def test_prefixed_versions_are_accepted(bundles: tuple[BundleSpec, ...]) -> None:
    assert problems(bundles=bundles) == {}


def test_client_encryption_with_spark() -> None:
    found = problems(
        bundles=(
            BundleSpec("APACHE_CASSANDRA", "3.11.4", {"clientEncryption": "true"}),
            BundleSpec("SPARK", "2.3.2"),
        )
    )
    assert found == {
        "bundles[0].options.clientEncryption": "Client encryption cannot be combined with SPARK."
    }


# --- node sizes and SLA tier ------------------------------------------------------------------


def test_node_size_rules() -> None:
    assert problems(node_size=None)["nodeSize"] == "Choose a node size."
    assert problems(node_size="KFK-DEV-t4g.small-5")["nodeSize"] == (
        "Not offered for APACHE_CASSANDRA on AWS_VPC."
    )
    assert problems(node_size="t3-small") == {}  # the Terraform fixtures' spelling


def opensearch(options: dict[str, Any], node_size: str | None = None) -> ClusterSpec:
    return cassandra(bundles=(BundleSpec("OPENSEARCH", "2.2.1", options),), node_size=node_size)


def test_opensearch_sizes_come_from_options() -> None:
    assert validate_spec(opensearch({"masterNodeSize": "SRH-DEV-t4g.small-5"})) == {}
    assert validate_spec(opensearch({})) == {
        "bundles[0].options.masterNodeSize": "Choose a master node size."
    }
    assert "bundles[0].options.masterNodeSize" in validate_spec(opensearch({"masterNodeSize": "x"}))


def test_sla_tier() -> None:
    assert problems(sla_tier="GOLD")["slaTier"] == "Choose NON_PRODUCTION or PRODUCTION."
    assert problems(sla_tier="PRODUCTION") == {}
    dev = problems(sla_tier="PRODUCTION", node_size="CAS-DEV-t4g.small-5")
    assert dev == {"slaTier": "PRODUCTION is not available with developer (-DEV-) node sizes."}
    assert problems(sla_tier="NON_PRODUCTION", node_size="CAS-DEV-t4g.small-5") == {}


# --- networks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("network", "message"),
    [
        ("10.0.0.0/8", "Use a prefix from /12 to /22."),
        ("10.0.0.0/24", "Use a prefix from /12 to /22."),
        ("8.8.0.0/16", "Use a private range: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16."),
        ("100.64.0.0/16", "Use a private range: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16."),
        ("10.0.0.1/16", "Host bits are set: use 10.0.0.0/16."),
        ("fd00::/16", "Use IPv4, not IPv6."),
        ("10.224.0.0/255.240.0.0", "Enter an IPv4 network in CIDR form, e.g. 10.224.0.0/12."),
        ("10.224.0.0/12\n", "Enter an IPv4 network in CIDR form, e.g. 10.224.0.0/12."),
        ("１０.0.0.0/16", "Enter an IPv4 network in CIDR form, e.g. 10.224.0.0/12."),
        ("10.224.0.0", "Enter an IPv4 network in CIDR form, e.g. 10.224.0.0/12."),
        (
            "300.0.0.0/16",
            "Not a valid IPv4 network (e.g. 10.224.0.0/12).",
        ),
        ("", "Enter an IPv4 network in CIDR form, e.g. 10.224.0.0/12."),
    ],
)
def test_cluster_network(network: str, message: str) -> None:
    assert problems(cluster_network=network) == {"clusterNetwork": message}


@pytest.mark.parametrize(
    "network", [None, "10.224.0.0/12", "172.16.0.0/12", "192.168.0.0/18", "10.1.0.0/22"]
)
def test_good_cluster_networks(network: str | None) -> None:
    assert problems(cluster_network=network) == {}


# --- racks ------------------------------------------------------------------------------------


def redis(**overrides: Any) -> ClusterSpec:
    values: dict[str, Any] = {
        "bundles": (BundleSpec("REDIS", "6.2.7"),),
        "node_size": "t3.small-20-r",
        "rack_allocation": None,
    }
    values.update(overrides)
    return cassandra(**values)


def test_redis_takes_no_rack_allocation() -> None:
    assert validate_spec(redis()) == {}
    assert validate_spec(redis(rack_allocation=RackAllocation(3, 1))) == {
        "rackAllocation": "REDIS takes no rack allocation: remove it."
    }


@pytest.mark.parametrize(
    ("racks", "expected"),
    [
        (None, {"rackAllocation": "Set the number of racks and nodes per rack."}),
        (RackAllocation(0, 1), {"rackAllocation.numberOfRacks": "Use 1 to 5 racks."}),
        (RackAllocation(6, 1), {"rackAllocation.numberOfRacks": "Use 1 to 5 racks."}),
        (RackAllocation(3, 11), {"rackAllocation.nodesPerRack": "Use 1 to 10 nodes per rack."}),
        (RackAllocation(3, 0), {"rackAllocation.nodesPerRack": "Use 1 to 10 nodes per rack."}),
        (
            RackAllocation("3", True),  # type: ignore[arg-type]
            {
                "rackAllocation.numberOfRacks": "Enter a whole number.",
                "rackAllocation.nodesPerRack": "Enter a whole number.",
            },
        ),
    ],
)
def test_rack_allocation_limits(racks: RackAllocation | None, expected: dict[str, str]) -> None:
    assert problems(rack_allocation=racks) == expected


# --- PCI, encryption keys, flags --------------------------------------------------------------


def test_pci_only_on_aws_and_not_with_spark_or_zeppelin() -> None:
    assert problems(pci_compliant_cluster=True) == {}
    gcp = problems(
        pci_compliant_cluster=True,
        provider=ProviderSpec("GCP"),
        data_centre="us-east1",
        node_size="n1-standard-2",
    )
    assert gcp == {"pciCompliantCluster": "PCI compliance is only available on AWS_VPC."}
    spark = problems(
        pci_compliant_cluster=True,
        bundles=(BundleSpec("APACHE_CASSANDRA", "4.0.1"), BundleSpec("SPARK", "2.3.2")),
    )
    assert spark == {
        "pciCompliantCluster": "PCI compliance cannot be combined with SPARK or ZEPPELIN."
    }


def test_flags_must_be_booleans() -> None:
    assert problems(pci_compliant_cluster="true") == {
        "pciCompliantCluster": "Must be true or false."
    }
    assert problems(private_network_cluster=1) == {
        "privateNetworkCluster": "Must be true or false."
    }


def test_disk_encryption_key() -> None:
    aws = ProviderSpec("AWS_VPC", disk_encryption_key=KEY_ID)
    assert validate_spec(cassandra(provider=aws)) == {}
    assert validate_spec(cassandra(provider=aws), encryption_key_ids=[KEY_ID]) == {}
    assert validate_spec(cassandra(provider=aws), encryption_key_ids=[]) == {
        "provider.diskEncryptionKey": "No such key in this account: register it first."
    }
    azure = cassandra(
        provider=ProviderSpec("AZURE_AZ", disk_encryption_key=KEY_ID),
        data_centre="CENTRAL_US",
        node_size="Standard_DS2_v2-256",
    )
    assert validate_spec(azure) == {
        "provider.diskEncryptionKey": "Disk encryption keys are only available on AWS_VPC."
    }


def test_spec_firewall_rules_are_checked_with_indexed_fields() -> None:
    rules = (
        FirewallRuleSpec(("CASSANDRA",), network="203.0.113.7/32"),
        FirewallRuleSpec(("CASSANDRA", "NOPE"), network="1.2.3.4/33"),
    )
    assert problems(firewall_rules=rules) == {
        "firewallRules[1].network": "Not a valid IPv4 network (e.g. 203.0.113.7/32).",
        "firewallRules[1].rules[1].type": "Unknown rule type 'NOPE'.",
    }


def test_check_spec_raises_with_field_errors() -> None:
    with pytest.raises(errors.ValidationError) as info:
        check_spec(cassandra(cluster_name="bad!"))
    assert set(info.value.field_errors) == {"clusterName"}
    assert info.value.sent is False
    assert "clusterName" in str(info.value)


# --- firewall rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (FirewallRuleSpec(("CASSANDRA",), network="203.0.113.7/32"), {}),
        (FirewallRuleSpec(("CASSANDRA",), network="0.0.0.0/0"), {}),
        (FirewallRuleSpec(("KAFKA",), security_group_id="sg-0123abcd"), {}),
        (FirewallRuleSpec(("KAFKA",), security_group_id="sg-0123abcde456ffabc"), {}),
        (
            FirewallRuleSpec(("KAFKA",), network="1.2.3.4/32", security_group_id="sg-0123abcd"),
            {"network": "Give a network or a security group id, not both."},
        ),
        (
            FirewallRuleSpec(("KAFKA",)),
            {"network": "Give a network (CIDR) or a security group id."},
        ),
        (
            FirewallRuleSpec(("KAFKA",), network="", security_group_id=""),
            {"network": "Give a network (CIDR) or a security group id."},
        ),
        (
            FirewallRuleSpec(("KAFKA",), network="1.2.3.4/24"),
            {"network": "Host bits are set: use 1.2.3.0/24."},
        ),
        (
            FirewallRuleSpec(("KAFKA",), network="1.2.3.4"),
            {"network": "Enter an IPv4 network in CIDR form, e.g. 203.0.113.7/32."},
        ),
        (
            FirewallRuleSpec(("KAFKA",), security_group_id="sg-0123abc"),
            {"securityGroupId": "Use sg- followed by 8 or 17 hex digits."},
        ),
        (
            FirewallRuleSpec(("KAFKA",), security_group_id="sg-0123abcd\n"),
            {"securityGroupId": "Use sg- followed by 8 or 17 hex digits."},
        ),
        (
            FirewallRuleSpec((), network="1.2.3.4/32"),
            {"rules": "Choose at least one rule type."},
        ),
        (
            FirewallRuleSpec(("KAFKA", "KAFKA", 7), network="1.2.3.4/32"),  # type: ignore[arg-type]
            {"rules[1].type": "KAFKA is listed twice.", "rules[2].type": "Unknown rule type 7."},
        ),
    ],
)
def test_firewall_rules(rule: FirewallRuleSpec, expected: dict[str, str]) -> None:
    assert validate_firewall_rule(rule) == expected


def test_check_firewall_rule() -> None:
    check_firewall_rule(FirewallRuleSpec(("REDIS",), network="10.0.0.0/16"))
    with pytest.raises(errors.ValidationError):
        check_firewall_rule(FirewallRuleSpec(("REDIS",)))


# --- legacy create ----------------------------------------------------------------------------


def legacy(**overrides: Any) -> LegacyClusterSpec:
    values: dict[str, Any] = {
        "cluster_name": "legacy",
        "provider": "AWS_VPC",
        "version": "apache-cassandra-3.11.4",
        "size": "t2.small",
        "data_centre": "US_WEST_2",
        "racks": (LegacyRack("us-west-2a", 2), LegacyRack("us-west-2b", 2)),
    }
    values.update(overrides)
    return LegacyClusterSpec(**values)


def test_legacy_baseline_is_valid() -> None:
    assert validate_legacy_spec(legacy()) == {}
    assert validate_legacy_spec(legacy(default_network="10.0.0.0/16")) == {}
    check_legacy_spec(legacy())


def test_legacy_azure_is_spelled_azure() -> None:
    spec = legacy(
        provider="AZURE",
        data_centre="CENTRAL_US",
        size="Standard_DS2_v2-256",
        racks=(LegacyRack("centralus-1", 1),),
    )
    assert validate_legacy_spec(spec) == {}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"provider": "SOFTLAYER"}, {"provider": "Choose AWS_VPC, AZURE or GCP."}),
        (
            {"version": "2.1.13"},
            {
                "version": (
                    "Not a version of APACHE_CASSANDRA; "
                    "choose 2.2.18, 3.0.19, 3.11.4, 3.11.8, 4.0, 4.0.1 or 4.1.3."
                )
            },
        ),
        ({"size": "n1-standard-2"}, {"size": "Not offered for APACHE_CASSANDRA on AWS_VPC."}),
        ({"data_centre": "MARS_1"}, {"region.dataCentre": "'MARS_1' is not a region of AWS_VPC."}),
        ({"racks": ()}, {"region.rackAllocation": "Add at least one rack."}),
        (
            {"racks": (LegacyRack("us-east-1a", 1),)},
            {
                "region.rackAllocation[0].name": (
                    "Not a rack of US_WEST_2; use us-west-2a, us-west-2b or us-west-2c."
                )
            },
        ),
        (
            {"racks": (LegacyRack("us-west-2a", 1), LegacyRack("us-west-2a", 1))},
            {"region.rackAllocation[1].name": "us-west-2a is listed twice."},
        ),
        (
            {"racks": (LegacyRack("us-west-2a", 0),)},
            {"region.rackAllocation[0].nodeCount": "Use 1 to 10 nodes."},
        ),
        (
            {"racks": (LegacyRack("us-west-2a", "2"),)},
            {"region.rackAllocation[0].nodeCount": "Enter a whole number."},
        ),
        (
            {"default_network": "8.8.8.0/22"},
            {
                "region.defaultNetwork": (
                    "Use a private range: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16."
                )
            },
        ),
        ({"authn_authz": "true"}, {"region.authnAuthz": "Must be true or false."}),
        (
            {
                "provider": "GCP",
                "data_centre": "us-east1",
                "size": "n1-standard-2",
                "racks": (LegacyRack("us-east1-b", 1),),
                "disk_encryption_key": KEY_ID,
            },
            {"region.diskEncryptionKey": "Disk encryption keys are only available on AWS_VPC."},
        ),
    ],
)
def test_legacy_rules(overrides: dict[str, Any], expected: dict[str, str]) -> None:
    assert validate_legacy_spec(legacy(**overrides)) == expected


def test_check_legacy_spec_raises() -> None:
    with pytest.raises(errors.ValidationError) as info:
        check_legacy_spec(legacy(cluster_name=""))
    assert set(info.value.field_errors) == {"clusterName"}


# --- properties -------------------------------------------------------------------------------


def _private_network(draw: st.DrawFn) -> str:
    base = ipaddress.IPv4Network(
        draw(st.sampled_from(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]))
    )
    prefix = draw(
        st.integers(max(base.prefixlen, catalog.NETWORK_PREFIX_MIN), catalog.NETWORK_PREFIX_MAX)
    )
    index = draw(st.integers(0, 2 ** (prefix - base.prefixlen) - 1))
    address = base.network_address + index * 2 ** (32 - prefix)
    return f"{address}/{prefix}"


@st.composite
def valid_specs(draw: st.DrawFn) -> tuple[ClusterSpec, list[str]]:
    base = draw(st.sampled_from(catalog.base_bundles()))
    info = catalog.BUNDLES[base]
    provider = draw(st.sampled_from(catalog.PROVIDERS))
    size = draw(st.sampled_from(catalog.node_sizes(base, provider)))
    addons = draw(st.lists(st.sampled_from(catalog.addons_for(base) or ("-",)), unique=True))
    addons = [a for a in addons if a != "-"]
    options = {"masterNodeSize": size} if info.sizes_in_options else {}
    main = BundleSpec(base, draw(st.sampled_from(info.versions)), options)
    extras = [BundleSpec(a, draw(st.sampled_from(catalog.BUNDLES[a].versions))) for a in addons]
    bundles = (main, *extras)
    racks = None
    if info.supports_rack_allocation:
        racks = RackAllocation(
            draw(st.integers(catalog.RACKS_MIN, catalog.RACKS_MAX)),
            draw(st.integers(catalog.NODES_PER_RACK_MIN, catalog.NODES_PER_RACK_MAX)),
        )
    tiers = ["NON_PRODUCTION"] + ([] if "-DEV-" in size.upper() else ["PRODUCTION"])
    pci_ok = provider == "AWS_VPC" and not {"SPARK", "ZEPPELIN"} & set(addons)
    key = draw(st.sampled_from([None, KEY_ID])) if provider == "AWS_VPC" else None
    rules = draw(
        st.lists(
            st.builds(
                FirewallRuleSpec,
                rule_types=st.lists(
                    st.sampled_from(catalog.RULE_TYPES), min_size=1, unique=True
                ).map(tuple),
                network=st.sampled_from(["203.0.113.7/32", "10.0.0.0/16", "0.0.0.0/0"]),
            ),
            max_size=2,
        )
    )
    spec = ClusterSpec(
        cluster_name=draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}", fullmatch=True)),
        bundles=bundles,
        provider=ProviderSpec(provider, disk_encryption_key=key),
        data_centre=draw(st.sampled_from(catalog.regions(provider))),
        node_size=None if info.sizes_in_options else size,
        sla_tier=draw(st.sampled_from(tiers)),
        cluster_network=_private_network(draw) if draw(st.booleans()) else None,
        private_network_cluster=draw(st.booleans()),
        pci_compliant_cluster=draw(st.booleans()) if pci_ok else False,
        rack_allocation=racks,
        firewall_rules=tuple(rules),
    )
    return spec, [KEY_ID]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_specs())
def test_every_valid_catalogue_combination_passes(case: tuple[ClusterSpec, list[str]]) -> None:
    spec, keys = case
    assert validate_spec(spec, encryption_key_ids=keys) == {}


anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=64),
    st.sampled_from(["\x00", "\u202e", "a\nb", "10.0.0.0/16\n", "x" * 200_000, "🔑" * 50]),
    st.binary(max_size=8),
    st.lists(st.text(max_size=4), max_size=3),
    st.dictionaries(st.text(max_size=4), st.text(max_size=4), max_size=3),
)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(strategy, anything)


weird_bundles = _maybe(
    st.lists(
        _maybe(
            st.builds(
                BundleSpec,
                bundle=_maybe(st.sampled_from(list(catalog.BUNDLES))),
                version=anything,
                options=_maybe(
                    st.dictionaries(
                        st.sampled_from(["masterNodeSize", "clientEncryption"]), anything
                    )
                ),
            )
        ),
        max_size=3,
    ).map(tuple)
)
weird_rules = st.builds(
    FirewallRuleSpec,
    rule_types=_maybe(st.lists(anything, max_size=3).map(tuple)),
    network=anything,
    security_group_id=anything,
)
weird_specs = st.builds(
    ClusterSpec,
    cluster_name=anything,
    bundles=weird_bundles,
    provider=_maybe(
        st.builds(
            ProviderSpec,
            name=_maybe(st.sampled_from(catalog.PROVIDERS)),
            disk_encryption_key=anything,
        )
    ),
    data_centre=anything,
    node_size=anything,
    sla_tier=anything,
    cluster_network=anything,
    private_network_cluster=anything,
    pci_compliant_cluster=anything,
    rack_allocation=_maybe(
        st.builds(RackAllocation, number_of_racks=anything, nodes_per_rack=anything)
    ),
    firewall_rules=_maybe(st.lists(_maybe(weird_rules), max_size=2).map(tuple)),
)


def _assert_well_formed(found: Any) -> None:
    assert isinstance(found, dict)
    for field, message in found.items():
        assert FIELD_NAME.fullmatch(field), field
        assert isinstance(message, str)
        assert message != UNCHECKED, field  # every rule copes with the input
        assert 0 < len(message) <= 120, message  # short enough to sit next to a field


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=weird_specs, keys=st.none() | st.lists(st.text(max_size=8), max_size=3))
def test_validate_spec_never_raises(spec: ClusterSpec, keys: list[str] | None) -> None:
    _assert_well_formed(validate_spec(spec, encryption_key_ids=keys))


@settings(max_examples=300, deadline=None)
@given(rule=weird_rules)
def test_validate_firewall_rule_never_raises(rule: FirewallRuleSpec) -> None:
    _assert_well_formed(validate_firewall_rule(rule))


weird_legacy = st.builds(
    LegacyClusterSpec,
    cluster_name=anything,
    provider=_maybe(st.sampled_from(["AWS_VPC", "AZURE", "GCP"])),
    version=anything,
    size=anything,
    data_centre=anything,
    racks=_maybe(
        st.lists(_maybe(st.builds(LegacyRack, name=anything, node_count=anything)), max_size=3).map(
            tuple
        )
    ),
    account=anything,
    authn_authz=anything,
    client_encryption=anything,
    use_private_broadcast_rpc_address=anything,
    default_network=anything,
    disk_encryption_key=anything,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=weird_legacy)
def test_validate_legacy_spec_never_raises(spec: LegacyClusterSpec) -> None:
    _assert_well_formed(validate_legacy_spec(spec))


@pytest.mark.parametrize("thing", [None, 42, "spec", object()])
def test_not_even_a_spec_does_not_raise(thing: Any) -> None:
    found = validate_spec(thing)
    assert found  # every field reports something; nothing raises
    assert validate_firewall_rule(thing)
    assert validate_legacy_spec(thing)


def test_unchecked_is_reported_rather_than_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    # Patched where validate_spec looks it up (validation.py only re-exports it).
    from insta_nb.backends.v1 import validation_spec

    def boom(*args: Any) -> None:
        raise RuntimeError("rule bug")

    monkeypatch.setattr(validation_spec, "_check_racks", boom)
    assert validate_spec(cassandra()) == {"rackAllocation": UNCHECKED}


def test_replace_keeps_validity_of_a_valid_spec() -> None:
    spec = dataclasses.replace(cassandra(), cluster_name="renamed")
    assert validate_spec(spec) == {}
