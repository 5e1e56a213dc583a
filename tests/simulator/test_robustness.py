"""Bad input of every kind gets a 4xx JSON answer, never a 500."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insta_nb.simulator import Simulator, SimulatorSettings
from insta_nb.testing import FakeClock
from tests.simulator.support import ROOT, VALID_CREATE, Harness, create_body

if TYPE_CHECKING:
    from tests.simulator.conftest import MakeApi


def assert_client_error(response: httpx.Response) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert isinstance(body["message"], str)
    return body


def mutation_paths(api: Harness) -> list[tuple[str, str]]:
    cluster_id = api.create()
    return [
        ("POST", f"{ROOT}/extended/"),
        ("POST", f"{ROOT}/"),
        ("PUT", f"{ROOT}/{cluster_id}"),
        ("POST", f"{ROOT}/{cluster_id}/firewallRules"),
        ("PUT", f"{ROOT}/{cluster_id}/firewallRules"),
        ("DELETE", f"{ROOT}/{cluster_id}/firewallRules"),
        ("POST", f"{ROOT}/{cluster_id}/cluster-data-centres"),
        ("POST", f"{ROOT}/encryption-keys"),
    ]


BAD_BODIES = [
    b"{",
    b"{'single': 'quotes'}",
    b"\xff\xfe\x00garbage",
    b"[" * 100_000 + b"]" * 100_000,
    b"1" * 5_000,
    b"NaN",
    b'{"clusterName": NaN}',
    b"null",
    b"   ",
    b"",
    b'"just a string"',
    b'{"a": 1}{"b": 2}',
]


@pytest.mark.parametrize("content", BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_malformed_bodies_on_every_mutation(api: Harness, content: bytes) -> None:
    api.advance(420)  # a running cluster, so add-DC reaches the body
    for method, path in mutation_paths(api):
        response = api.call(
            method, path, content=content, headers={"content-type": "application/json"}
        )
        if response.status_code == 409:  # add-DC on a cluster still provisioning
            continue
        assert_client_error(response)


def test_wrong_content_type_is_415(api: Harness) -> None:
    for method, path in mutation_paths(api):
        response = api.call(method, path, content=b"a=1", headers={"content-type": "text/plain"})
        assert response.status_code in (415, 409), (method, path)
        assert_client_error(response)


def test_json_variants_of_content_type_are_fine(api: Harness) -> None:
    for content_type in ("application/json; charset=utf-8", "application/vnd.api+json"):
        response = api.post(
            f"{ROOT}/extended",
            content=json.dumps(VALID_CREATE),
            headers={"content-type": content_type},
        )
        assert response.status_code == 202


def test_missing_content_type_is_read_as_json(api: Harness) -> None:
    response = api.post(f"{ROOT}/extended", content=json.dumps(VALID_CREATE).encode())
    assert response.status_code == 202


def test_oversized_body_is_413(make_api: MakeApi) -> None:
    api = make_api(max_body_bytes=1_000)
    big = json.dumps(create_body(description="x" * 2_000))
    response = api.post(
        f"{ROOT}/extended", content=big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert_client_error(response)

    async def chunked() -> httpx.Response:
        async def parts() -> Any:
            for _ in range(20):
                yield b" " * 100

        async with api.client() as http:
            return await http.post(f"{ROOT}/extended", content=parts())

    response = asyncio.run(chunked())
    assert response.status_code == 413
    assert "content-length" not in response.request.headers


@pytest.mark.parametrize(
    "headers",
    [
        {"authorization": "Basic w7zDpMO2"},
        {"authorization": "Basic ÿÿÿÿ".encode("latin-1")},
        {"content-length": "9" * 5_000},
        {"content-length": "-1"},
    ],
)
def test_odd_headers(api: Harness, headers: dict[str, Any]) -> None:
    response = api.get(ROOT, headers=headers)
    assert_client_error(response)


@pytest.mark.parametrize(
    "path",
    [
        f"{ROOT}/%00",
        f"{ROOT}/%ZZ",
        f"{ROOT}/../../etc/passwd",
        f"{ROOT}/" + "a" * 5_000,
        f"{ROOT}/ünïcödé/firewallRules",
        f"{ROOT}//",
        "//provisioning//v1",
    ],
)
def test_odd_paths(api: Harness, path: str) -> None:
    response = api.get(path)
    assert response.status_code in (200, 404), response.status_code
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    "body",
    [
        {"bundles": [None, 1, "x", [], {}]},
        {"bundles": [{"bundle": None, "version": None, "options": None}]},
        {"bundles": [{"bundle": "APACHE_CASSANDRA", "version": ["3.11.4"]}]},
        {"provider": {"name": ["AWS_VPC"], "tags": [], "diskEncryptionKey": {}}},
        {"rackAllocation": {"numberOfRacks": 1e300, "nodesPerRack": -1}},
        {"rackAllocation": {"numberOfRacks": True, "nodesPerRack": "1e3"}},
        {"dataCentres": [None, {}, {"provider": "x", "network": 5, "bundles": {}}]},
        {"firewallRules": {"network": "x"}},
        {"clusterNetwork": "10.0.0.0/" + "9" * 50},
        {"clusterName": "a" * 10_000},
        {"twoFactorDelete": "yes"},
        {"dataCentreCustomName": 5},
    ],
)
def test_wrong_types_in_create_fields(api: Harness, body: dict[str, Any]) -> None:
    assert_client_error(api.post(f"{ROOT}/extended/", json=create_body(**body)))


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)

#: Create bodies with the real keys and random values: they reach every check.
CREATE_LIKE = st.fixed_dictionaries(
    {},
    optional={
        key: st.one_of(st.just(value), JSON_VALUES)
        for key, value in {
            **VALID_CREATE,
            "pciCompliantCluster": "true",
            "privateNetworkCluster": True,
            "dataCentres": [{"dataCentre": "US_EAST_1", "network": "10.1.0.0/16"}],
            "firewallRules": [{"network": "1.2.3.4/32", "rules": [{"type": "CASSANDRA"}]}],
        }.items()
    },
)

LEGACY_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "clusterName": st.one_of(st.just("legacy"), JSON_VALUES),
        "provider": st.one_of(st.sampled_from(["AWS_VPC", "AZURE", "GCP"]), JSON_VALUES),
        "version": st.one_of(st.just("apache-cassandra-3.11.4"), JSON_VALUES),
        "size": st.one_of(st.just("t2.small"), JSON_VALUES),
        "region": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "dataCentre": st.one_of(st.just("US_WEST_2"), JSON_VALUES),
                    "rackAllocation": st.one_of(
                        st.just([{"name": "us-west-2a", "nodeCount": "2"}]), JSON_VALUES
                    ),
                    "defaultNetwork": st.one_of(st.just(""), JSON_VALUES),
                    "authnAuthz": JSON_VALUES,
                    "firewallRules": JSON_VALUES,
                    "diskEncryptionKey": JSON_VALUES,
                },
            ),
            JSON_VALUES,
        ),
    },
)


def fresh() -> Harness:
    clock = FakeClock()
    return Harness(Simulator(clock=clock, settings=SimulatorSettings(interval=None)), clock)


def never_a_server_error(harness: Harness, method: str, path: str, body: Any) -> None:
    response = harness.call(method, path, json=body)
    assert response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/json"
    response.json()
    assert harness.sim.app_errors == []


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(body=CREATE_LIKE)
def test_fuzz_extended_create(body: dict[str, Any]) -> None:
    never_a_server_error(fresh(), "POST", f"{ROOT}/extended/", body)


@FUZZ
@given(body=LEGACY_LIKE)
def test_fuzz_legacy_create(body: dict[str, Any]) -> None:
    never_a_server_error(fresh(), "POST", f"{ROOT}/", body)


@FUZZ
@given(body=JSON_VALUES, endpoint=st.sampled_from(["firewall", "key", "put", "dc", "delete-rule"]))
def test_fuzz_other_bodies(body: Any, endpoint: str) -> None:
    harness = fresh()
    cluster_id = harness.create()
    harness.advance(420)
    method, path = {
        "firewall": ("POST", f"{ROOT}/{cluster_id}/firewallRules"),
        "delete-rule": ("DELETE", f"{ROOT}/{cluster_id}/firewallRules"),
        "key": ("POST", f"{ROOT}/encryption-keys"),
        "put": ("PUT", f"{ROOT}/{cluster_id}"),
        "dc": ("POST", f"{ROOT}/{cluster_id}/cluster-data-centres"),
    }[endpoint]
    never_a_server_error(harness, method, path, body)
