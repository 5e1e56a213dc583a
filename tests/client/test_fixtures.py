"""Conformance of the client side with real bodies written by other Instaclustr clients.

One test per file of ``shared/fixtures/real`` (see its README for what each file is and
what the real API does with it). Response bodies must parse without loss; request
bodies must map onto our models and get the verdict the README expects.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from insta_nb.backends.v1 import ApiClient
from insta_nb.backends.v1 import wire as wire_v1
from insta_nb.backends.v1.validation import validate_firewall_rule, validate_spec
from insta_nb.credentials import Credentials, Secret
from insta_nb.models import ClusterStatus, RackAllocation

FIXTURES = Path(os.environ.get("INSTA_NB_REAL_FIXTURES", "/work/shared/fixtures/real"))

pytestmark = pytest.mark.skipif(not FIXTURES.is_dir(), reason="real fixtures not available")

#: Every fixture file and the test that covers it (checked below, so none is forgotten).
COVERED = {
    "exporter_list_clusters.json",
    "exporter_cluster_status.json",
    "tf_valid_create.json",
    "tf_invalid_create.json",
    "tf_invalid_firewall.json",
    "tf_null_firewall.json",
    "tf_valid_add_dc.json",
}


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def test_every_fixture_file_has_a_test() -> None:
    assert {p.name for p in FIXTURES.glob("*.json")} == COVERED


def test_exporter_list_clusters() -> None:
    body = load("exporter_list_clusters.json")
    (summary,) = wire_v1.parse_cluster_list(body)
    assert (summary.id, summary.name, summary.status) == (
        "cluster-uuid-1",
        "MOCKED_CLUSTER_01",
        ClusterStatus.RUNNING,
    )
    assert (summary.node_count, summary.running_node_count) == (1, 1)
    assert summary.version == "apache-cassandra-2.1.10"  # the legacy version form, kept as sent
    assert summary.raw == body[0]


@pytest.mark.anyio
async def test_exporter_cluster_status() -> None:
    body = load("exporter_cluster_status.json")

    def api(request: httpx.Request) -> httpx.Response:
        return httpx.Response(202, json=body)

    creds = Credentials(username="u", api_key=Secret("k"), api_url="https://example.test")
    async with ApiClient(creds, transport=httpx.MockTransport(api)) as client:
        details = await client.get_cluster("cluster-uuid-1")

    assert details.id == "cluster-uuid-1"  # the body has no id: the asked one is used
    assert details.raw == body
    (dc,) = details.data_centres
    assert dc.raw == body["dataCentres"][0]
    assert dc.network == "a.b.0.0/16"  # the {network, prefixLength} form, normalised
    assert (dc.id, dc.region, dc.provider, dc.node_count) == (
        "datacentre-uuid-1",
        "MOCKED_DATACENTRE_01",
        "AWS_VPC",
        1,
    )
    assert dc.encryption_key_id is None
    assert dc.resize_target_node_size is None
    (node,) = dc.nodes
    assert node.raw == body["dataCentres"][0]["nodes"][0]
    assert (node.id, node.size, node.rack, node.status) == (
        "node-uuid-1",
        "size",
        "MOCKED_RACK_01",
        ClusterStatus.RUNNING,
    )
    assert (node.public_address, node.private_address) == ("a.b.c.d", "e.f.g.h")
    assert details.running_node_count == 1


def test_tf_valid_create() -> None:
    body = load("tf_valid_create.json")
    spec = wire_v1.spec_from_json(body)
    assert spec.cluster_name == "cassandra-spark-zeppelin"
    assert spec.rack_allocation == RackAllocation(3, 1)  # "3" and "1" in the body
    assert spec.node_size == "t3-small"
    assert validate_spec(spec) == {}  # the real API accepts it (202)
    sent = wire_v1.spec_to_json(spec)
    assert sent["rackAllocation"] == {"numberOfRacks": 3, "nodesPerRack": 1}
    # Everything else goes out as it came in (the null accountName is simply omitted).
    expected = {k: v for k, v in body.items() if k != "rackAllocation"}
    expected["provider"] = {"name": "AWS_VPC"}
    assert {k: sent[k] for k in expected} == expected


def test_tf_invalid_create() -> None:
    spec = wire_v1.spec_from_json(load("tf_invalid_create.json"))
    problems = validate_spec(spec)
    assert set(problems) == {"clusterName"}  # the real API answers 400 naming clusterName
    assert "letters" in problems["clusterName"]


def test_tf_invalid_firewall() -> None:
    # The README: the real reason for that provider's mocked 400 is unknown and the id
    # matches the documented pattern, so accepting it is fine; crashing is not.
    rule = wire_v1.firewall_rule_from_json(load("tf_invalid_firewall.json"))
    assert rule.security_group_id == "sg-0123abcde456ffabc"
    assert rule.network is None  # the unknown "rule_cidr" key is ignored
    assert rule.rule_types == ("CASSANDRA",)
    assert validate_firewall_rule(rule) == {}


def test_tf_null_firewall() -> None:
    rule = wire_v1.firewall_rule_from_json(load("tf_null_firewall.json"))
    problems = validate_firewall_rule(rule)
    assert set(problems) == {"network"}  # neither network nor securityGroupId: the API says 400
    assert "security group" in problems["network"]


def test_tf_valid_add_dc() -> None:
    body = load("tf_valid_add_dc.json")
    # An add-DC body has the create body's parts; map it with a name to check them.
    spec = wire_v1.spec_from_json({**body, "clusterName": "add_dc_check"})
    spec = dataclasses.replace(spec, cluster_network=body["network"])
    assert spec.rack_allocation == RackAllocation(3, 1)
    assert spec.provider.name == "AWS_VPC"
    (bundle,) = spec.bundles
    # String booleans and snake_case option keys are kept as sent: tolerated, not rewritten.
    assert bundle.options == body["bundles"][0]["options"]
    assert spec.extra == {"name": "DC2", "network": "10.1.0.0/16"}
    assert validate_spec(spec) == {}
