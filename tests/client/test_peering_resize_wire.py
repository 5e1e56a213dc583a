"""v1 VPC peering and resize below the seam: paths, bodies, parsing and validation."""

from __future__ import annotations

from typing import Any

import pytest

from insta_nb.backends.v1 import peering_validation, peerings, resizing
from insta_nb.errors import UnexpectedResponseError, ValidationError
from insta_nb.models import ClusterDetails, ClusterStatus, DataCentre, Node, ResizeSpec
from insta_nb.peering import (
    AwsVpcPeeringSpec,
    AzureVpcPeeringSpec,
    GcpVpcPeeringSpec,
    PeeringStatus,
)

AWS = AwsVpcPeeringSpec("vpc-0a1b2c3d", "123456789012", ("10.1.0.0/16",))
GCP = GcpVpcPeeringSpec("my-project-1", "default-net", ("10.2.0.0/16",))
AZURE = AzureVpcPeeringSpec(
    "0b1c2d3e-0000-4000-8000-000000000001", "my-group", "my-vnet", ("10.3.0.0/16",)
)


# --- peering: requests -------------------------------------------------------------------------


def test_paths_are_keyed_by_data_centre_and_refuse_odd_ids() -> None:
    assert peerings.peerings_path("cdc-1") == "/provisioning/v1/vpc-peering/cdc-1"
    assert peerings.peering_path("cdc-1", "p-2") == "/provisioning/v1/vpc-peering/cdc-1/p-2"
    with pytest.raises(ValidationError) as caught:
        peerings.peering_path("cdc-1", "../x")
    assert "vpcPeeringId" in caught.value.field_errors


def test_bodies_in_each_clouds_spelling() -> None:
    assert peerings.peering_to_json(AWS) == {
        "peerVpcId": "vpc-0a1b2c3d",
        "peerAccountId": "123456789012",
        "peerSubnets": ["10.1.0.0/16"],
        "addNetworkToFirewallRules": False,
    }
    assert peerings.peering_to_json(GCP)["peerVpcNetworkName"] == "default-net"
    azure = peerings.peering_to_json(AZURE)
    assert azure["peerVNetNetworkName"] == "my-vnet"
    assert "peerAdObjectId" not in azure


@pytest.mark.parametrize(
    ("spec", "fields"),
    [
        (AWS, set()),
        (GCP, set()),
        (AZURE, set()),
        (AwsVpcPeeringSpec("vpc-1", "123456789012"), {"peerVpcId"}),
        (AwsVpcPeeringSpec("vpc-0a1b2c3d", "12345"), {"peerAccountId"}),
        (AwsVpcPeeringSpec("vpc-0a1b2c3d", "123456789012", peer_region="MARS"), {"peerRegion"}),
        (AwsVpcPeeringSpec("vpc-0a1b2c3d", "123456789012", ("10.1.0.1/16",)), {"peerSubnets"}),
        (AwsVpcPeeringSpec("", "", ("x",)), {"peerVpcId", "peerAccountId", "peerSubnets"}),
        (GcpVpcPeeringSpec("Bad_Project", "net"), {"peerProjectId"}),
        (
            AzureVpcPeeringSpec("not-a-uuid", "g", "v"),
            {"peerSubscriptionId", "peerVNetNetworkName"},
        ),
    ],
)
def test_validation_names_the_api_fields(spec: Any, fields: set[str]) -> None:
    assert set(peering_validation.validate_peering(spec)) == fields


def test_subnets_overlapping_the_data_centre_are_refused_when_its_network_is_known() -> None:
    inside = AwsVpcPeeringSpec("vpc-0a1b2c3d", "123456789012", ("10.224.1.0/24",))
    assert peering_validation.validate_peering(inside) == {}
    problems = peering_validation.validate_peering(inside, data_centre_network="10.224.0.0/16")
    assert "overlaps" in problems["peerSubnets"]


def test_validation_never_raises_on_hostile_values() -> None:
    hostile = AwsVpcPeeringSpec(None, 12, object(), 3.5, "yes")  # type: ignore[arg-type]
    problems = peering_validation.validate_peering(hostile)
    assert {"peerVpcId", "peerAccountId", "peerRegion", "addNetworkToFirewallRules"} <= set(
        problems
    )
    assert set(peering_validation.validate_peering("nonsense")) == {"body"}  # type: ignore[arg-type]


def test_request_bodies_written_for_terraform_are_read_loosely() -> None:
    spec = peerings.peering_from_json(
        {
            "peerVpcId": "vpc-0a1b2c3d",
            "peerAccountId": 123456789012,
            "peerSubnet": {"network": "10.0.0.0", "prefixLength": 16},
            "peerSubnets": None,
            "peerRegion": "",
            "addNetworkToFirewallRules": "TRUE",
        },
        "AWS_VPC",
    )
    assert spec == AwsVpcPeeringSpec(
        "vpc-0a1b2c3d", "123456789012", ("10.0.0.0/16",), None, add_network_to_firewall_rules=True
    )
    with pytest.raises(ValidationError) as caught:
        peerings.peering_from_json(
            {"peerSubnet": "10.0.0.0/16", "peerSubnets": ["10.1.0.0/16"]}, "AWS_VPC"
        )
    assert set(caught.value.field_errors) == {"peerSubnet", "peerSubnets"}


# --- peering: responses ------------------------------------------------------------------------


def test_an_aws_response_with_the_2019_string_shapes() -> None:
    peering = peerings.parse_peering(
        {
            "id": "p-1",
            "aws_vpc_connection_id": "pcx-ff12abc1",
            "clusterDataCentre": "cdc-1",
            "vpcId": "vpc-11112222",
            "peerVpcId": "vpc-0a1b2c3d",
            "peerAccountId": "123456789012",
            "peerSubnet": "10.1.0.0/16",
            "peerSubnets": None,
            "peerRegion": "US_WEST_2",
            "statusCode": "pending-acceptance",
        },
        data_centre_id="cdc-1",
    )
    assert peering.provider == "AWS_VPC"
    assert peering.status is PeeringStatus.PENDING_ACCEPTANCE
    assert peering.peer_subnets == ("10.1.0.0/16",)
    assert peering.connection_id == "pcx-ff12abc1"
    assert peering.peer == "vpc-0a1b2c3d (123456789012)"
    assert not peering.status.is_final


def test_gcp_and_azure_responses_and_the_object_subnet_form() -> None:
    gcp = peerings.parse_peering(
        {
            "id": "p-2",
            "peerProjectId": "my-project-1",
            "peerVpcNetworkName": "net",
            "peerSubnets": {"cidrs": [{"network": "10.2.0.0", "prefixLength": 16}]},
            "statusCode": "FAILED",
            "failureReason": "quota",
        },
        data_centre_id="cdc-2",
    )
    assert (gcp.provider, gcp.status, gcp.failure_reason) == ("GCP", PeeringStatus.FAILED, "quota")
    assert gcp.peer_subnets == ("10.2.0.0/16",)
    assert gcp.data_centre_id == "cdc-2"
    azure = peerings.parse_peering(
        {"id": "p-3", "peerSubscriptionId": "s", "peerVNet": "vnet", "statusCode": "Weird"},
        data_centre_id="cdc-3",
    )
    assert (azure.provider, azure.peer_vnet_network_name) == ("AZURE", "vnet")
    assert azure.status is PeeringStatus.UNKNOWN
    assert azure.status_code == "Weird"


@pytest.mark.parametrize("body", [{"no": "id"}, [1], "text", {"id": None}])
def test_a_peering_of_the_wrong_shape_is_an_unexpected_response(body: Any) -> None:
    with pytest.raises(UnexpectedResponseError):
        peerings.parse_peerings(body if isinstance(body, list) else [body], data_centre_id="c")


def test_status_vocabulary() -> None:
    assert PeeringStatus.parse("ACTIVE") is PeeringStatus.ACTIVE
    assert PeeringStatus.parse("initiating_request") is PeeringStatus.INITIATING_REQUEST
    assert PeeringStatus.parse(None) is PeeringStatus.UNKNOWN
    assert PeeringStatus.REJECTED.is_failure
    assert not PeeringStatus.INACTIVE.is_failure  # GCP: the peer's half is still missing


# --- resize ----------------------------------------------------------------------------------


def dc(size: str = "CAS-DEV-t4g.small-5", provider: str = "AWS_VPC", racks: int = 3) -> DataCentre:
    nodes = tuple(
        Node(id=f"n{i}", size=size, rack=f"r{i % racks}", status=ClusterStatus.RUNNING)
        for i in range(6)
    )
    return DataCentre("cdc-1", "US_WEST_2", provider, ClusterStatus.RUNNING, nodes=nodes)


def details(data_centre: DataCentre) -> ClusterDetails:
    return ClusterDetails("c-1", "demo", ClusterStatus.RUNNING, data_centres=(data_centre,))


def test_resize_path_and_body() -> None:
    assert resizing.resize_path("c-1", "cdc-1") == "/provisioning/v1/c-1/cdc-1/resize"
    assert resizing.resize_to_json(ResizeSpec("m5xl-800-v2", 2, node_purpose="CASSANDRA")) == {
        "newNodeSize": "m5xl-800-v2",
        "concurrentResizes": 2,
        "notifySupportContacts": False,
        "nodePurpose": "CASSANDRA",
    }


@pytest.mark.parametrize(
    ("size", "provider", "offered"),
    [
        ("CAS-DEV-t4g.small-5", "AWS_VPC", ["CAS-DEV-t4g.medium-30"]),
        ("CAS-DEV-t4g.medium-30", "AWS_VPC", []),  # only smaller disks in the family
        ("m5l-400-v2", "AWS_VPC", ["m5xl-400-v2", "m5xl-800-v2", "m5xl-1600-v2"]),
        ("Standard_DS2_v2-256", "AZURE", ["Standard_DS12_v2-512"]),
        ("t3-small", "AWS_VPC", []),  # in no family
    ],
)
def test_sizes_offered_follow_bundle_provider_family_and_disk(
    size: str, provider: str, offered: list[str]
) -> None:
    assert resizing.resize_sizes(details(dc(size, provider)), "cdc-1") == offered


def test_resize_validation_names_the_api_fields() -> None:
    d = details(dc())
    assert resizing.validate_resize(d, "cdc-1", ResizeSpec("CAS-DEV-t4g.medium-30", 2)) == {}
    problems = resizing.validate_resize(
        d,
        "cdc-1",
        ResizeSpec("m5xl-800-v2", 3, "no", "KAFKA_BROKER"),  # type: ignore[arg-type]
    )
    assert set(problems) == {
        "newNodeSize",
        "concurrentResizes",
        "notifySupportContacts",
        "nodePurpose",
    }
    assert "1 to 2" in problems["concurrentResizes"]
    downgrade = resizing.validate_resize(
        details(dc("CAS-DEV-t4g.medium-30")), "cdc-1", ResizeSpec("CAS-DEV-t4g.small-5")
    )
    assert downgrade == {"newNodeSize": "Resize operations do not support downgrading disk sizes."}
    assert "clusterDataCentreId" in resizing.validate_resize(d, "nope", ResizeSpec("x"))
