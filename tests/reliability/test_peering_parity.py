"""Client and simulator validation agree on which VPC peering bodies to refuse.

The client judges a body with ``peerings.peering_from_json`` and ``validate_peering``
(given the data centre's network, as the service does); the simulator with its own
rules (it imports neither). On generated bodies for the three clouds, valid ones and
variants with one field made awkward, both must give the same verdict. There is no
intended difference.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insta_nb import catalog
from insta_nb.backends.v1.peering_validation import validate_peering
from insta_nb.backends.v1.peerings import peering_from_json
from insta_nb.errors import ValidationError
from insta_nb.simulator import Simulator, SimulatorSettings
from insta_nb.testing import FakeClock
from tests.simulator.support import ROOT, Harness, create_body

NETWORK = "192.168.0.0/18"
CLOUDS = {
    "AWS_VPC": {"provider": {"name": "AWS_VPC"}, "nodeSize": "t3.small-v2"},
    "GCP": {"provider": {"name": "GCP"}, "dataCentre": "us-east1", "nodeSize": "n1-standard-2"},
    "AZURE_AZ": {
        "provider": {"name": "AZURE_AZ"},
        "dataCentre": "CENTRAL_US",
        "nodeSize": "Standard_DS2_v2-256",
    },
}


class World:
    """One provisioned data centre per cloud, on a fake clock."""

    def __init__(self) -> None:
        clock = FakeClock()
        self.api = Harness(Simulator(clock=clock, settings=SimulatorSettings(interval=None)), clock)
        ids = {
            cloud: self.api.create(create_body(clusterName=f"parity-{i}", **fields))
            for i, (cloud, fields) in enumerate(CLOUDS.items())
        }
        self.api.advance(151)
        self.dcs = {c: self.api.details(i)["dataCentres"][0]["id"] for c, i in ids.items()}

    def client(self, cloud: str, body: Any) -> dict[str, str]:
        try:
            spec = peering_from_json(copy.deepcopy(body), cloud)
        except ValidationError as exc:
            return dict(exc.field_errors)
        return validate_peering(spec, data_centre_network=NETWORK)

    def simulator(self, cloud: str, body: Any) -> dict[str, str]:
        path = f"{ROOT}/vpc-peering/{self.dcs[cloud]}"
        response = self.api.post(path, json=body)
        assert response.status_code in (202, 400), response.text
        assert self.api.sim.app_errors == []
        if response.status_code == 202:
            # Gone from the duplicate check at once, so the next body is judged alone.
            self.api.delete(f"{path}/{response.json()['id']}")
            return {}
        errors: dict[str, str] = response.json()["errors"]
        return errors


WORLD = World()

SUBNETS = st.lists(
    st.sampled_from(["10.1.0.0/16", "10.2.0.0/24", "172.16.0.0/12", "100.64.0.0/10"]),
    unique=True,
    max_size=3,
)
FLAG = st.sampled_from([None, True, False, "true", "false", "TRUE", ""])


@st.composite
def valid_bodies(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A body for one cloud, in the spellings real clients use."""
    cloud = draw(st.sampled_from(list(CLOUDS)))
    subnets = draw(SUBNETS)
    body: dict[str, Any]
    if cloud == "AWS_VPC":
        body = {
            "peerVpcId": draw(st.sampled_from(["vpc-0a1b2c3d", "vpc-0123456789abcdef0"])),
            "peerAccountId": draw(st.sampled_from(["123456789012", 123456789012])),
            "peerRegion": draw(st.sampled_from([None, "", "US_WEST_2", "EU_CENTRAL_2"])),
        }
        if subnets and draw(st.booleans()):  # Terraform's deprecated single subnet
            body["peerSubnet"] = subnets[0]
            body["peerSubnets"] = draw(st.sampled_from([None, []]))
        else:
            body["peerSubnets"] = subnets
            body["peerSubnet"] = draw(st.sampled_from([None, ""]))
    elif cloud == "GCP":
        body = {"peerProjectId": "my-project-1", "peerVpcNetworkName": "default-net"}
        body["peerSubnets"] = subnets
    else:
        body = {
            "peerSubscriptionId": "0b1c2d3e-0000-4000-8000-000000000001",
            "peerResourceGroup": "rg_(1).x",
            "peerVNetNetworkName": "vnet_1",
            "peerAdObjectId": draw(
                st.sampled_from([None, "", "0b1c2d3e-0000-4000-8000-0000000000aa"])
            ),
            "peerSubnets": subnets,
        }
    flag = draw(FLAG)
    if flag is not None:
        body["addNetworkToFirewallRules"] = flag
    return cloud, body


AWKWARD = st.sampled_from(
    [
        None,
        "",
        " ",
        "x",
        5,
        True,
        [],
        {},
        ["10.1.0.1/16"],
        ["192.168.1.0/24"],  # inside the data centre's network
        ["10.1.0.0/16", "10.1.0.0/16"],
        "10.3.0.0/16",
        {"network": "10.4.0.0", "prefixLength": 16},
        "vpc-0A1B2C3D",
        "12345678901",
        "MARS_1",
        "maybe",
        "demo\n",
        "x" * 300,
    ]
)


@st.composite
def near_valid_bodies(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A valid body with one field (or a known field of another cloud) made awkward."""
    cloud, body = draw(valid_bodies())
    keys = sorted({*body, "peerSubnet", "peerSubnets", "peerRegion", "addNetworkToFirewallRules"})
    key = draw(st.sampled_from(keys))
    body[key] = draw(AWKWARD)
    return cloud, body


PARITY = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PARITY
@given(case=valid_bodies())
def test_valid_bodies_are_accepted_by_both(case: tuple[str, dict[str, Any]]) -> None:
    cloud, body = case
    assert WORLD.client(cloud, body) == {}
    assert WORLD.simulator(cloud, body) == {}


@PARITY
@given(case=near_valid_bodies())
def test_both_sides_refuse_the_same_bodies(case: tuple[str, dict[str, Any]]) -> None:
    cloud, body = case
    client, simulator = WORLD.client(cloud, body), WORLD.simulator(cloud, body)
    assert bool(client) == bool(simulator), (cloud, body, client, simulator)


def test_every_aws_peer_region_is_accepted_by_both() -> None:
    base = {"peerVpcId": "vpc-0a1b2c3d", "peerAccountId": "123456789012"}
    for region in catalog.AWS_PEER_REGIONS:
        body = {**base, "peerRegion": region}
        assert WORLD.client("AWS_VPC", body) == WORLD.simulator("AWS_VPC", body) == {}


def test_a_number_is_text_only_for_the_account_id() -> None:
    """Found by the property: the client once read ``peerResourceGroup: 5`` as "5"."""
    azure = {
        "peerSubscriptionId": "0b1c2d3e-0000-4000-8000-000000000001",
        "peerResourceGroup": 5,
        "peerVNetNetworkName": "vnet_1",
    }
    assert WORLD.client("AZURE_AZ", azure)
    assert WORLD.simulator("AZURE_AZ", azure)
    aws = {"peerVpcId": "vpc-0a1b2c3d", "peerAccountId": 123456789012}
    assert WORLD.client("AWS_VPC", aws) == WORLD.simulator("AWS_VPC", aws) == {}
