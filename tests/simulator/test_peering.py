"""VPC peering endpoints, as Terraform and the community provider call them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.simulator.conftest import MakeApi
from tests.simulator.support import ROOT, Harness, create_body

#: GENESIS 30 s + PROVISIONING 120 s: the data centre is PROVISIONED after this.
PROVISIONED_AFTER = 151
AWS_BODY: dict[str, Any] = {
    "peerVpcId": "vpc-0a1b2c3d",
    "peerAccountId": "123456789012",
    "peerSubnets": ["10.1.0.0/16"],
}


def provisioned_dc(api: Harness, **overrides: Any) -> tuple[str, str]:
    cluster_id = api.create(create_body(**overrides))
    api.advance(PROVISIONED_AFTER)
    return cluster_id, api.details(cluster_id)["dataCentres"][0]["id"]


def peer(api: Harness, dc: str, body: dict[str, Any] | None = None) -> str:
    response = api.post(f"{ROOT}/vpc-peering/{dc}", json=body or AWS_BODY)
    assert response.status_code == 202, response.text
    assert list(response.json()) == ["id"]  # Go clients take any single value as the id
    return str(response.json()["id"])


def status_of(api: Harness, dc: str, peering_id: str) -> str:
    response = api.get(f"{ROOT}/vpc-peering/{dc}/{peering_id}")
    assert response.status_code == 202, response.text
    return str(response.json()["statusCode"])


def test_aws_peering_waits_for_the_peer_then_turns_active(make_api: MakeApi) -> None:
    api = make_api(peering_accept_seconds=None)  # only a call accepts
    _, dc = provisioned_dc(api)
    peering_id = peer(api, dc)
    assert status_of(api, dc, peering_id) == "initiating-request"
    api.advance(6)
    assert status_of(api, dc, peering_id) == "pending-acceptance"
    api.advance(3600)  # nobody accepts: it keeps waiting
    assert status_of(api, dc, peering_id) == "pending-acceptance"
    assert api.sim.peerings.accept(peering_id)
    assert status_of(api, dc, peering_id) == "provisioning"
    api.advance(31)
    body = api.get(f"{ROOT}/vpc-peering/{dc}/{peering_id}").json()
    assert body["statusCode"] == "active"
    assert body["aws_vpc_connection_id"].startswith("pcx-")
    assert body["clusterDataCentre"] == dc
    assert body["peerSubnets"] == ["10.1.0.0/16"]
    assert body["peerSubnet"] == "10.1.0.0/16"  # Terraform reads a string
    assert body["peerRegion"] == "US_WEST_2"  # defaults to the data centre's region
    assert not api.sim.peerings.accept(peering_id)  # only a waiting request can be answered


@pytest.mark.parametrize(("action", "final"), [("reject", "rejected"), ("expire", "expired")])
def test_the_peer_can_reject_or_let_it_expire_by_call(
    api: Harness, action: str, final: str
) -> None:
    _, dc = provisioned_dc(api)
    peering_id = peer(api, dc)
    api.advance(6)
    assert getattr(api.sim.peerings, action)(peering_id)
    assert status_of(api, dc, peering_id) == final


def test_time_settings_accept_or_expire_without_a_call(make_api: MakeApi) -> None:
    accepting = make_api(peering_accept_seconds=60)
    _, dc = provisioned_dc(accepting)
    peering_id = peer(accepting, dc)
    accepting.advance(59)
    assert status_of(accepting, dc, peering_id) == "pending-acceptance"
    accepting.advance(31 + 1)
    assert status_of(accepting, dc, peering_id) == "active"

    expiring = make_api(peering_expire_seconds=100)
    _, dc = provisioned_dc(expiring)
    peering_id = peer(expiring, dc)
    expiring.advance(101)
    assert status_of(expiring, dc, peering_id) == "expired"


def test_gcp_peering_speaks_gcp_status_codes_and_reports_failure_reasons(
    make_api: MakeApi,
) -> None:
    api = make_api(peering_reject_seconds=50)
    gcp = {"provider": {"name": "GCP"}, "dataCentre": "us-east1", "nodeSize": "n1-standard-2"}
    _, dc = provisioned_dc(api, **gcp)
    body = {"peerProjectId": "my-project-1", "peerVpcNetworkName": "default-net"}
    peering_id = peer(api, dc, body)
    assert status_of(api, dc, peering_id) == "GENESIS"
    api.advance(6)
    assert status_of(api, dc, peering_id) == "INACTIVE"
    api.advance(50)
    failed = api.get(f"{ROOT}/vpc-peering/{dc}/{peering_id}").json()
    assert failed["statusCode"] == "FAILED"
    assert "rejected" in failed["failureReason"]
    # An AWS body on a GCP data centre names the GCP fields it lacks.
    errors = api.post(f"{ROOT}/vpc-peering/{dc}", json=AWS_BODY).json()["errors"]
    assert set(errors) == {"peerProjectId", "peerVpcNetworkName"}


def test_list_and_delete_lifecycle(api: Harness) -> None:
    _, dc = provisioned_dc(api)
    first = peer(api, dc)
    second = peer(api, dc, {**AWS_BODY, "peerVpcId": "vpc-0a1b2c3e"})
    listed = api.get(f"{ROOT}/vpc-peering/{dc}/")  # either spelling of the path
    assert listed.status_code == 202
    assert [p["id"] for p in listed.json()] == [first, second]
    assert api.delete(f"{ROOT}/vpc-peering/{dc}/{first}").status_code == 202
    assert status_of(api, dc, first) == "deleting"
    assert api.delete(f"{ROOT}/vpc-peering/{dc}/{first}").status_code == 202  # still deleting
    api.advance(21)
    assert api.get(f"{ROOT}/vpc-peering/{dc}/{first}").status_code == 404
    assert api.delete(f"{ROOT}/vpc-peering/{dc}/{first}").status_code == 404
    assert [p["id"] for p in api.get(f"{ROOT}/vpc-peering/{dc}").json()] == [second]


def test_a_data_centre_that_is_not_provisioned_yet_is_refused(api: Harness) -> None:
    cluster_id = api.create()
    dc = api.details(cluster_id)["dataCentres"][0]["id"]
    response = api.post(f"{ROOT}/vpc-peering/{dc}", json=AWS_BODY)
    assert response.status_code == 409
    assert "PROVISIONED or RUNNING" in response.json()["message"]
    api.advance(PROVISIONED_AFTER)
    assert api.post(f"{ROOT}/vpc-peering/{dc}", json=AWS_BODY).status_code == 202


def test_the_same_peer_network_twice_is_a_conflict(api: Harness) -> None:
    _, dc = provisioned_dc(api)
    peer(api, dc)
    assert api.post(f"{ROOT}/vpc-peering/{dc}", json=AWS_BODY).status_code == 409


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"peerVpcId": None}, {"peerVpcId"}),
        ({"peerVpcId": "vpc-XYZ"}, {"peerVpcId"}),
        ({"peerAccountId": "12345"}, {"peerAccountId"}),
        ({"peerSubnets": ["10.1.0.1/16"]}, {"peerSubnets"}),
        ({"peerSubnets": ["192.168.1.0/24"]}, {"peerSubnets"}),  # inside the cluster's
        ({"peerSubnets": ["10.1.0.0/16", "10.1.0.0/16"]}, {"peerSubnets"}),
        ({"peerSubnet": "10.2.0.0/16"}, {"peerSubnets", "peerSubnet"}),
        ({"peerRegion": "MARS_1"}, {"peerRegion"}),
        ({"addNetworkToFirewallRules": "maybe"}, {"addNetworkToFirewallRules"}),
    ],
)
def test_bad_bodies_get_400_naming_the_fields(
    api: Harness, change: dict[str, Any], fields: set[str]
) -> None:
    _, dc = provisioned_dc(api)
    response = api.post(f"{ROOT}/vpc-peering/{dc}", json={**AWS_BODY, **change})
    assert response.status_code == 400, response.text
    assert set(response.json()["errors"]) == fields


@pytest.mark.parametrize(
    "body",
    [
        # Terraform: no omitempty, both subnet keys, string booleans, empty region dropped.
        {**AWS_BODY, "peerSubnet": "", "addNetworkToFirewallRules": "false"},
        {"peerVpcId": "vpc-0a1b2c3d", "peerAccountId": "123456789012", "peerSubnet": "10.0.0.0/16",
         "peerSubnets": None},
        # The community provider: the pre-2019 object form of peerSubnet.
        {"peerVpcId": "vpc-0a1b2c3d", "peerAccountId": 123456789012,
         "peerSubnet": {"network": "10.0.0.0", "prefixLength": 16}},
    ],
)  # fmt: skip
def test_loose_typing_as_real_clients_send_it_is_accepted(
    api: Harness, body: dict[str, Any]
) -> None:
    _, dc = provisioned_dc(api)
    peering_id = peer(api, dc, body)
    assert api.get(f"{ROOT}/vpc-peering/{dc}/{peering_id}").json()["peerSubnets"]


def test_read_only_key_may_read_but_not_change(api: Harness) -> None:
    _, dc = provisioned_dc(api)
    peering_id = peer(api, dc)
    read_only = api.auth_read_only
    assert api.get(f"{ROOT}/vpc-peering/{dc}", auth=read_only).status_code == 202
    assert api.post(f"{ROOT}/vpc-peering/{dc}", json=AWS_BODY, auth=read_only).status_code == 403
    assert api.delete(f"{ROOT}/vpc-peering/{dc}/{peering_id}", auth=read_only).status_code == 403
    assert status_of(api, dc, peering_id) == "initiating-request"


def test_unknown_ids_are_404(api: Harness) -> None:
    cluster_id, dc = provisioned_dc(api)
    peering_id = peer(api, dc)
    other_id = api.create(create_body(clusterName="other"))
    other_dc = api.details(other_id)["dataCentres"][0]["id"]
    assert api.get(f"{ROOT}/vpc-peering/no-such-dc").status_code == 404
    assert api.get(f"{ROOT}/vpc-peering/{dc}/no-such-peering").status_code == 404
    # A peering is only found under its own data centre.
    assert api.get(f"{ROOT}/vpc-peering/{other_dc}/{peering_id}").status_code == 404
    # Once the cluster is deleted and gone, so are its data centre's peerings.
    api.delete(f"{ROOT}/{cluster_id}")
    api.advance(61)
    assert api.get(f"{ROOT}/vpc-peering/{dc}").status_code == 404


def test_add_network_to_firewall_rules_opens_the_subnets(api: Harness) -> None:
    cluster_id, dc = provisioned_dc(api)
    peer(api, dc, {**AWS_BODY, "peerSubnets": ["10.1.0.0/16", "10.2.0.0/16"],
                   "addNetworkToFirewallRules": "true"})  # fmt: skip
    rules = api.get(f"{ROOT}/{cluster_id}/firewallRules").json()
    opened = {(r["network"], tuple(t["type"] for t in r["rules"])) for r in rules}
    assert {("10.1.0.0/16", ("CASSANDRA",)), ("10.2.0.0/16", ("CASSANDRA",))} <= opened
