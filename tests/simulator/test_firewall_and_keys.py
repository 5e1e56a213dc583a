"""Firewall rules (200/202/400/404/409, RUNNING over time) and encryption keys."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.simulator.support import ROOT, create_body

if TYPE_CHECKING:
    from tests.simulator.support import Harness

RULE = {"network": "203.0.113.7/32", "rules": [{"type": "CASSANDRA"}]}
KEY = {"alias": "virginia 1", "arn": "arn:aws:kms:us-east-1:123456789012:key/12345678-abcd"}


def rules_path(api: Harness) -> str:
    return f"{ROOT}/{api.create()}/firewallRules"


def test_no_rules_is_an_empty_200(api: Harness) -> None:
    response = api.get(rules_path(api))
    assert response.status_code == 200
    assert response.json() == []


def test_rule_starts_not_running_then_runs(api: Harness) -> None:
    path = rules_path(api)
    response = api.post(path + "/", json=RULE)
    assert response.status_code == 202
    assert "message" in response.json()
    (entry,) = api.get(path).json()
    assert entry["network"] == "203.0.113.7/32"
    assert entry["rules"] == [
        {"type": "CASSANDRA", "status": "PROVISIONING", "deferredReason": None}
    ]
    api.advance(20)
    (entry,) = api.get(path).json()
    assert entry["rules"][0]["status"] == "RUNNING"


def test_duplicate_rule_is_409(api: Harness) -> None:
    path = rules_path(api)
    assert api.post(path, json=RULE).status_code == 202
    assert api.post(path, json=RULE).status_code == 409
    more = {"network": RULE["network"], "rules": [{"type": "CASSANDRA"}, {"type": "SPARK"}]}
    assert api.post(path, json=more).status_code == 202
    (entry,) = api.get(path).json()
    assert [r["type"] for r in entry["rules"]] == ["CASSANDRA", "SPARK"]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"rules": [{"type": "CASSANDRA"}]}, {"network"}),
        (
            {
                "network": "1.2.3.4/32",
                "securityGroupId": "sg-0123abcd",
                "rules": [{"type": "KAFKA"}],
            },
            {"network", "securityGroupId"},
        ),
        ({"network": "1.2.3.4", "rules": [{"type": "CASSANDRA"}]}, {"network"}),
        ({"network": "999.2.3.4/32", "rules": [{"type": "CASSANDRA"}]}, {"network"}),
        # Host bits, spaces: tolerated here once, refused by the client.
        ({"network": "1.2.3.4/24", "rules": [{"type": "CASSANDRA"}]}, {"network"}),
        ({"network": " 1.2.3.4/32", "rules": [{"type": "CASSANDRA"}]}, {"network"}),
        ({"securityGroupId": "sg-xyz", "rules": [{"type": "CASSANDRA"}]}, {"securityGroupId"}),
        # ``$`` matched before a final newline: these were accepted.
        (
            {"securityGroupId": "sg-0123abcd\n", "rules": [{"type": "CASSANDRA"}]},
            {"securityGroupId"},
        ),
        ({"network": "1.2.3.4/32", "rules": []}, {"rules"}),
        ({"network": "1.2.3.4/32"}, {"rules"}),
        ({"network": "1.2.3.4/32", "rules": [{"type": "TELNET"}]}, {"rules"}),
        ({"network": "1.2.3.4/32", "rules": [{"type": "KAFKA"}, {"type": "KAFKA"}]}, {"rules"}),
        ({"network": 5, "rules": "CASSANDRA"}, {"network", "rules"}),
        ([RULE], {"body"}),
    ],
)
def test_bad_rule_is_400_naming_fields(api: Harness, body: Any, fields: set[str]) -> None:
    response = api.post(rules_path(api), json=body)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == fields


def test_security_group_rule(api: Harness) -> None:
    path = rules_path(api)
    body = {"securityGroupId": "sg-0123abcde456ffabc", "rules": [{"type": "CASSANDRA"}]}
    assert api.post(path, json=body).status_code == 202
    assert api.get(path).json()[0]["securityGroupId"] == "sg-0123abcde456ffabc"


def test_put_replaces_the_targets_rule_types(api: Harness) -> None:
    path = rules_path(api)
    api.post(path, json=RULE)
    api.advance(20)
    body = {"network": RULE["network"], "rules": [{"type": "CASSANDRA"}, {"type": "SPARK"}]}
    response = api.put(path + "/", json=body)
    assert response.status_code == 202
    assert response.json() == {"message": "update firewall rule request accepted"}
    (entry,) = api.get(path).json()
    assert [(r["type"], r["status"]) for r in entry["rules"]] == [
        ("CASSANDRA", "RUNNING"),
        ("SPARK", "PROVISIONING"),
    ]


def test_delete_takes_a_json_body(api: Harness) -> None:
    path = rules_path(api)
    api.post(
        path, json={"network": "10.1.0.0/16", "rules": [{"type": "CASSANDRA"}, {"type": "SPARK"}]}
    )
    one = {"network": "10.1.0.0/16", "rules": [{"type": "SPARK"}]}
    assert api.delete(path + "/", json=one).status_code == 202
    assert [r["type"] for r in api.get(path).json()[0]["rules"]] == ["CASSANDRA"]
    assert api.delete(path, json=one).status_code == 404
    assert api.delete(path, json={"network": "10.1.0.0/16"}).status_code == 202
    assert api.get(path).json() == []
    assert api.delete(path, json={"rules": [{"type": "SPARK"}]}).status_code == 400
    assert api.delete(path).status_code == 400


def test_create_body_may_open_rules(api: Harness) -> None:
    cluster_id = api.create(create_body(firewallRules=[RULE]))
    (entry,) = api.get(f"{ROOT}/{cluster_id}/firewallRules").json()
    assert entry["network"] == RULE["network"]


def test_rules_of_a_deleting_cluster(api: Harness) -> None:
    cluster_id = api.create()
    path = f"{ROOT}/{cluster_id}/firewallRules"
    api.delete(f"{ROOT}/{cluster_id}")
    assert api.get(path).status_code == 200
    assert api.post(path, json=RULE).status_code == 409
    api.advance(60)
    assert api.get(path).status_code == 404


# --- encryption keys ----------------------------------------------------------------


def test_encryption_keys_lifecycle(api: Harness) -> None:
    path = f"{ROOT}/encryption-keys"
    assert api.get(path).json() == []
    response = api.post(path, json=KEY)
    assert response.status_code == 202
    key_id = response.json()["id"]
    assert api.get(path + "/").json() == [
        {"id": key_id, "alias": "virginia 1", "arn": KEY["arn"], "provider": "INSTACLUSTR"}
    ]
    assert api.delete(f"{path}/{key_id}").status_code == 202
    assert api.get(path).json() == []
    assert api.delete(f"{path}/{key_id}/").status_code == 404


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"alias", "arn"}),
        ({"alias": "x" * 31, "arn": KEY["arn"]}, {"alias"}),
        ({"alias": " leading", "arn": KEY["arn"]}, {"alias"}),
        ({"alias": "ok", "arn": "arn:aws:s3:::bucket"}, {"arn"}),
        ({**KEY, "providerAccount": 7}, {"providerAccount"}),
        # ``$`` matched before a final newline, ``\d`` any script's digits: all accepted.
        ({**KEY, "alias": "virginia\n"}, {"alias"}),
        ({**KEY, "arn": KEY["arn"] + "\n"}, {"arn"}),
        ({**KEY, "arn": "arn:aws:kms:us-east-1:١٢٣٤٥٦٧٨٩٠١٢:key/1"}, {"arn"}),
    ],
)
def test_bad_key_is_400(api: Harness, body: dict[str, Any], fields: set[str]) -> None:
    response = api.post(f"{ROOT}/encryption-keys", json=body)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == fields


def test_key_in_use_cannot_be_deleted_until_the_cluster_is_gone(api: Harness) -> None:
    key_id = api.post(f"{ROOT}/encryption-keys", json={**KEY, "providerAccount": "mine"}).json()[
        "id"
    ]
    assert api.get(f"{ROOT}/encryption-keys").json()[0]["provider"] == "mine"
    cluster_id = api.create(create_body(provider={"name": "AWS_VPC", "diskEncryptionKey": key_id}))
    assert api.delete(f"{ROOT}/encryption-keys/{key_id}").status_code == 409
    api.delete(f"{ROOT}/{cluster_id}")
    api.advance(60)
    assert api.delete(f"{ROOT}/encryption-keys/{key_id}").status_code == 202
