"""v2 AWS VPC peers: 202/200/204/404, the data centre's precondition, one peering book."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.simulator.support import ROOT
from tests.simulator.v2_support import (
    PEER_LIST,
    PEERS,
    body,
    collection,
    dc_body,
    error_names,
    item,
)

if TYPE_CHECKING:
    from tests.simulator.support import Harness

PROVISIONED = 180  # a new data centre is PROVISIONED after 30 + 120 + 30 s


def running_cdc(api: Harness, product: str = "kafka", **dc: Any) -> tuple[str, str]:
    created = api.post(
        collection(product), json=dc_body(product, **dc) if dc else body(product)
    ).json()
    api.advance(PROVISIONED)
    return created["id"], created["dataCentres"][0]["id"]


def peer(cdc_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "cdcId": cdc_id,
        "peerAwsAccountId": "123456789123",
        "peerVpcId": "vpc-0123abcd",
        "peerSubnets": ["172.31.0.0/16"],
        "peerRegion": "US_EAST_1",
        **overrides,
    }


def test_peer_lifecycle(api: Harness) -> None:
    _, cdc_id = running_cdc(api)
    response = api.post(PEERS + "/", json=peer(cdc_id))
    assert response.status_code == 202
    created = response.json()
    assert created["cdcId"] == cdc_id
    assert created["peerAwsAccountId"] == "123456789123"
    assert created["peerSubnets"] == ["172.31.0.0/16"]
    assert created["dataCentreVpcId"].startswith("vpc-")
    assert created["statusCode"] == "pending-acceptance"
    path = f"{PEERS}/{created['id']}"
    assert api.get(path).json() == created
    # The peer side accepts (no AWS account here: the simulator's control does it).
    api.advance(5)
    assert api.sim.peerings.accept(created["id"])
    api.advance(30)
    assert api.get(path).json()["statusCode"] == "active"
    response = api.delete(path + "/")
    assert response.status_code == 204
    assert api.get(path).json()["statusCode"] == "deleting"
    assert api.delete(path).status_code == 204
    api.advance(20)
    response = api.get(path)
    assert response.status_code == 404
    assert error_names(response.json()) == {"vpcPeerId"}
    assert api.delete(path).status_code == 404


def test_peer_region_defaults_to_the_data_centres(api: Harness) -> None:
    _, cdc_id = running_cdc(api)
    sent = peer(cdc_id)
    del sent["peerRegion"]  # the operator leaves an empty region out
    assert api.post(PEERS, json=sent).json()["peerRegion"] == "US_EAST_1"


def test_put_changes_only_the_subnets(api: Harness) -> None:
    _, cdc_id = running_cdc(api)
    created = api.post(PEERS, json=peer(cdc_id)).json()
    path = f"{PEERS}/{created['id']}"
    response = api.put(path, json={"peerSubnets": ["172.31.0.0/16", "172.30.0.0/16"]})
    assert response.status_code == 202
    assert response.json()["peerSubnets"] == ["172.31.0.0/16", "172.30.0.0/16"]
    assert api.get(path).json()["peerSubnets"] == ["172.31.0.0/16", "172.30.0.0/16"]
    for subnets in (["nonsense"], ["10.1.128.0/24"], [], "172.31.0.0/16"):
        bad = api.put(path, json={"peerSubnets": subnets})
        assert bad.status_code == 400, subnets
        assert error_names(bad.json()) == {"peerSubnets"}
    assert api.put(f"{PEERS}/nothing", json={"peerSubnets": ["10.9.0.0/16"]}).status_code == 404


def test_peers_are_shared_with_v1(api: Harness) -> None:
    _, cdc_id = running_cdc(api)
    created = api.post(PEERS, json=peer(cdc_id)).json()
    (v1,) = api.get(f"{ROOT}/vpc-peering/{cdc_id}").json()
    assert v1["id"] == created["id"]
    assert v1["peerVpcId"] == "vpc-0123abcd"
    v1_body = {
        "peerVpcId": "vpc-0123abce",
        "peerAccountId": "123456789123",
        "peerSubnets": ["172.29.0.0/16"],
    }
    v1_id = api.post(f"{ROOT}/vpc-peering/{cdc_id}", json=v1_body).json()["id"]
    (account,) = api.get(PEER_LIST).json()
    assert account["accountId"]
    assert [p["id"] for p in account["peeringRequests"]] == [created["id"], v1_id]
    assert api.get(f"{PEERS}/{v1_id}").json()["peerAwsAccountId"] == "123456789123"


def test_duplicate_peer_is_409(api: Harness) -> None:
    _, cdc_id = running_cdc(api)
    assert api.post(PEERS, json=peer(cdc_id)).status_code == 202
    response = api.post(PEERS, json=peer(cdc_id))
    assert response.status_code == 409
    assert response.json()["name"] == "Conflict"


def test_a_data_centre_not_yet_provisioned_is_409(api: Harness) -> None:
    created = api.post(collection("kafka"), json=body("kafka")).json()
    response = api.post(PEERS, json=peer(created["dataCentres"][0]["id"]))
    assert response.status_code == 409
    assert "PROVISIONED or RUNNING" in response.json()["message"]
    assert api.get(PEER_LIST).json()[0]["peeringRequests"] == []


def test_unknown_or_non_aws_data_centre(api: Harness) -> None:
    response = api.post(PEERS, json=peer("4650aa98-e894-4675-9614-558915d5837a"))
    assert response.status_code == 404
    assert error_names(response.json()) == {"cdcId"}
    _, gcp_cdc = running_cdc(api, "kafka", cloudProvider="GCP", region="us-east1")
    response = api.post(PEERS, json=peer(gcp_cdc))
    assert response.status_code == 400
    assert error_names(response.json()) == {"cdcId"}


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"cdcId": None}, {"cdcId"}),
        ({"peerAwsAccountId": "12345"}, {"peerAwsAccountId"}),
        ({"peerAwsAccountId": None}, {"peerAwsAccountId"}),
        ({"peerVpcId": "vpc-xyz"}, {"peerVpcId"}),
        ({"peerSubnets": []}, {"peerSubnets"}),
        ({"peerSubnets": ["10.1.0.0/24"]}, {"peerSubnets"}),  # overlaps the cluster
        ({"peerRegion": "MARS_1"}, {"peerRegion"}),
        ({"cdcId": None, "peerVpcId": 7}, {"cdcId", "peerVpcId"}),
    ],
)
def test_bad_peers_are_400_naming_fields(
    api: Harness, overrides: dict[str, Any], fields: set[str]
) -> None:
    _, cdc_id = running_cdc(api)
    response = api.post(PEERS, json=peer(cdc_id, **overrides))
    assert response.status_code == 400
    assert error_names(response.json()) == fields


def test_peers_of_a_deleted_cluster_are_gone(api: Harness) -> None:
    cluster_id, cdc_id = running_cdc(api)
    created = api.post(PEERS, json=peer(cdc_id)).json()
    api.delete(item("kafka", cluster_id))
    assert api.post(PEERS, json=peer(cdc_id, peerVpcId="vpc-0123abce")).status_code == 409
    api.advance(60)
    assert api.post(PEERS, json=peer(cdc_id)).status_code == 404
    assert api.get(PEER_LIST).json()[0]["peeringRequests"] == []
    assert api.get(f"{PEERS}/{created['id']}").status_code == 404
