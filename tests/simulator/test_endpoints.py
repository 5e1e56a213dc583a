"""Every endpoint and its status codes, in-process, limiter off."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.simulator.support import ROOT, create_body, fixture_json

if TYPE_CHECKING:
    from tests.simulator.support import Harness

LIST_KEYS = {
    "id",
    "name",
    "cassandraVersion",
    "nodeCount",
    "runningNodeCount",
    "derivedStatus",
    "slaTier",
    "pciCompliance",
}


def test_empty_account_lists_404_with_json(api: Harness) -> None:
    response = api.get(ROOT)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert "message" in response.json()


def test_create_then_list_200(api: Harness) -> None:
    cluster_id = api.create()
    response = api.get(ROOT)
    assert response.status_code == 200
    (item,) = response.json()
    assert set(item) == LIST_KEYS
    assert item["id"] == cluster_id
    assert item["name"] == "cassandra-spark-zeppelin"
    assert item["cassandraVersion"] == "3.11.4"
    assert item["nodeCount"] == 3
    assert item["runningNodeCount"] == 0
    assert item["derivedStatus"] == "GENESIS"
    assert item["slaTier"] == "NON_PRODUCTION"
    assert item["pciCompliance"] == "DISABLED"


@pytest.mark.parametrize("path", [f"{ROOT}/extended/", f"{ROOT}/extended"])
def test_extended_create_202_with_uuid(api: Harness, path: str) -> None:
    response = api.post(path, json=create_body())
    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"id"}
    assert len(body["id"]) == 36


def test_trailing_slash_is_optional_everywhere(api: Harness) -> None:
    cluster_id = api.create()
    for path in (ROOT, f"{ROOT}/{cluster_id}", f"{ROOT}/{cluster_id}/firewallRules"):
        assert api.get(path).status_code == api.get(path + "/").status_code
        assert api.get(path + "/").status_code in (200, 202)
    assert api.get(f"{ROOT}/encryption-keys/").status_code == 200


def test_status_is_202_with_the_full_shape(api: Harness) -> None:
    cluster_id = api.create()
    response = api.get(f"{ROOT}/{cluster_id}")
    assert response.status_code == 202
    body = response.json()
    assert body["id"] == cluster_id
    assert body["clusterName"] == "cassandra-spark-zeppelin"
    assert body["clusterStatus"] == "GENESIS"
    assert body["username"] == "iccassandra"
    assert body["instaclustrUserPassword"]
    assert body["pciCompliance"] == "DISABLED"
    (dc,) = body["dataCentres"]
    assert dc["name"] == "US_WEST_2"
    assert dc["provider"] == "AWS_VPC"
    assert dc["cdcNetwork"] == "192.168.0.0/18"
    assert isinstance(dc["cdcNetwork"], str)
    assert dc["nodeCount"] == 3
    assert dc["encryptionKeyId"] is None
    assert {n["rack"] for n in dc["nodes"]} == {"us-west-2a", "us-west-2b", "us-west-2c"}
    assert {n["size"] for n in dc["nodes"]} == {"t3-small"}
    assert all(n["nodeStatus"] == "GENESIS" for n in dc["nodes"])


def test_unknown_cluster_is_404_on_every_cluster_path(api: Harness) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    for method, path in [
        ("GET", f"{ROOT}/{missing}"),
        ("GET", f"{ROOT}/{missing}/terraform-description"),
        ("DELETE", f"{ROOT}/{missing}"),
        ("GET", f"{ROOT}/{missing}/firewallRules"),
    ]:
        response = api.call(method, path)
        assert response.status_code == 404, (method, path)
        assert response.json()["message"]


def test_terraform_description_echoes_the_request(api: Harness) -> None:
    cluster_id = api.create(
        bundles=[
            {"bundle": "APACHE_CASSANDRA", "version": "apache-cassandra-3.11.4.ic2"},
            {"bundle": "SPARK", "version": "apache-spark:2.3.2"},
        ]
    )
    response = api.get(f"{ROOT}/{cluster_id}/terraform-description/")
    assert response.status_code == 202
    body = response.json()
    assert body["clusterStatus"] == "GENESIS"
    assert body["bundleType"] == "APACHE_CASSANDRA"
    assert body["bundleVersion"] == "apache-cassandra-3.11.4.ic2"
    assert body["cassandraVersion"] == "3.11.4"
    assert body["addonBundles"] == [
        {"bundle": "SPARK", "version": "apache-spark:2.3.2", "options": {}}
    ]
    assert body["dataCentre"] == "US_WEST_2"
    assert body["cdcId"] == body["dataCentres"][0]["id"]
    assert body["clusterProvider"][0]["name"] == "AWS_VPC"
    (dc,) = body["dataCentres"]
    assert dc["rackAllocation"] == {"numberOfRacks": 3, "nodesPerRack": 1}
    assert dc["bundles"] == ["SPARK"]
    assert dc["nodes"][0]["sparkMaster"] is True


def test_legacy_create(api: Harness) -> None:
    body = {
        "clusterName": "legacy_one",
        "provider": "AWS_VPC",
        "version": "apache-cassandra-3.11.4",
        "size": "t2.small",
        "region": {
            "dataCentre": "US_WEST_2",
            "authnAuthz": "true",
            "clientEncryption": "false",
            "usePrivateBroadcastRPCAddress": "false",
            "defaultNetwork": "",
            "firewallRules": [],
            "rackAllocation": [
                {"name": "us-west-2a", "nodeCount": "2"},
                {"name": "us-west-2b", "nodeCount": "1"},
            ],
        },
    }
    response = api.post(f"{ROOT}/", json=body)
    assert response.status_code == 202, response.text
    details = api.details(response.json()["id"])
    (dc,) = details["dataCentres"]
    assert [n["rack"] for n in dc["nodes"]] == ["us-west-2a", "us-west-2b", "us-west-2a"]
    assert dc["cdcNetwork"] == "10.224.0.0/12"
    assert dc["passwordAuthentication"] is True


def test_legacy_create_names_bad_fields(api: Harness) -> None:
    body = {"clusterName": "x!", "provider": "MOON", "version": "9", "size": 1, "region": {}}
    response = api.post(ROOT, json=body)
    assert response.status_code == 400
    assert set(response.json()["errors"]) >= {
        "clusterName",
        "provider",
        "version",
        "size",
        "region.dataCentre",
    }


def test_delete_marks_for_deletion(api: Harness) -> None:
    cluster_id = api.create()
    response = api.delete(f"{ROOT}/{cluster_id}")
    assert response.status_code == 202
    assert response.json() == {"message": "Cluster has been marked for deletion."}


def test_update_description_and_two_factor_delete(api: Harness) -> None:
    cluster_id = api.create()
    body = {"description": "demo", "twoFactorDelete": {"deleteVerifyEmail": "a@example.com"}}
    response = api.put(f"{ROOT}/{cluster_id}", json=body)
    assert response.status_code == 200
    assert response.json() == {"message": "The cluster has been successfully updated."}
    description = api.get(f"{ROOT}/{cluster_id}/terraform-description").json()
    assert description["description"] == "demo"
    assert description["twoFactorDelete"] is True
    assert api.put(f"{ROOT}/{cluster_id}", json={"description": 5}).status_code == 400


def test_add_data_centre_needs_a_running_cluster(api: Harness) -> None:
    cluster_id = api.create()
    path = f"{ROOT}/{cluster_id}/cluster-data-centres"
    body = fixture_json("tf_valid_add_dc.json")
    assert api.post(path, json=body).status_code == 409
    api.advance(420)
    response = api.post(path, json=body)
    assert response.status_code == 202, response.text
    details = api.details(cluster_id)
    assert details["clusterStatus"] == "JOINING"
    assert [dc["cdcName"] for dc in details["dataCentres"]] == ["AWS_VPC_US_WEST_2", "DC2"]
    api.advance(420)
    assert api.details(cluster_id)["clusterStatus"] == "RUNNING"
    (item,) = api.listing()
    assert (item["nodeCount"], item["runningNodeCount"]) == (6, 6)


def test_add_data_centre_refuses_overlap_and_duplicate_name(api: Harness) -> None:
    cluster_id = api.create()
    api.advance(420)
    body = fixture_json("tf_valid_add_dc.json")
    body["network"] = "192.168.0.0/20"
    body["name"] = "AWS_VPC_US_WEST_2"
    response = api.post(f"{ROOT}/{cluster_id}/cluster-data-centres", json=body)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"network", "name"}


def test_unknown_path_is_404_json(api: Harness) -> None:
    for path in ("/", "/nothing", f"{ROOT}/a/b/c", "/provisioning/v2"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/json"


def test_wrong_method_is_405_json_with_allow(api: Harness) -> None:
    response = api.call("PATCH", ROOT)
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/json"
    assert set(response.headers["allow"].split(", ")) >= {"GET", "POST"}
    assert api.call("GET", f"{ROOT}/extended").status_code == 404  # read as a cluster id
    assert api.call("PUT", f"{ROOT}/encryption-keys/abc").status_code == 405


def test_head_has_headers_but_no_body(api: Harness) -> None:
    api.create()
    response = api.call("HEAD", ROOT)
    assert response.status_code == 200
    assert response.content == b""


def test_every_response_is_json_even_errors(api: Harness) -> None:
    cluster_id = api.create()
    responses = [
        api.get(ROOT),
        api.get(f"{ROOT}/{cluster_id}"),
        api.post(f"{ROOT}/extended", json={}),
        api.get(ROOT, auth=("simulator", "wrong")),
        api.post(f"{ROOT}/extended", json=create_body(), auth=api.auth_read_only),
        api.call("OPTIONS", ROOT),
        api.get("/favicon.ico"),
    ]
    for response in responses:
        assert response.headers["content-type"] == "application/json", response
        response.json()
