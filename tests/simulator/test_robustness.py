"""Bad input of every kind gets a 4xx JSON answer, never a 500."""

from __future__ import annotations

import asyncio
import json
import re
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
        # Unhashable values for choice options: looked up in a frozenset, they raised.
        {
            "bundles": [
                {"bundle": "POSTGRESQL", "version": "14.6", "options": {"replicationMode": []}}
            ],
            "nodeSize": "PGS-DEV-t4g.small-5",
        },
        {
            "bundles": [
                {"bundle": "POSTGRESQL", "version": "14.6"},
                {"bundle": "PGBOUNCER", "version": "1.17.0", "options": {"poolMode": {}}},
            ],
            "nodeSize": "PGS-DEV-t4g.small-5",
        },
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


# --- text that cannot be encoded: a lone surrogate, sent as a JSON escape -----------------

SURROGATE = "\ud800"


def raw_json(body: Any) -> bytes:
    """``body`` as JSON bytes with ``\\ud800`` escapes, as a hostile client sends them."""
    return json.dumps(body, ensure_ascii=True).encode("ascii")


def send_raw(api: Harness, method: str, path: str, body: Any) -> httpx.Response:
    return api.call(
        method, path, content=raw_json(body), headers={"content-type": "application/json"}
    )


def reads_still_work(api: Harness, cluster_id: str) -> None:
    """Every read answers as usual: nothing stored can fail to encode later."""
    for path in (
        ROOT,
        f"{ROOT}/{cluster_id}",
        f"{ROOT}/{cluster_id}/terraform-description",
        f"{ROOT}/{cluster_id}/firewallRules",
        f"{ROOT}/encryption-keys",
    ):
        response = api.get(path)
        assert response.status_code in (200, 202), (path, response.text)
        response.json()


LEGACY = {
    "clusterName": "legacy",
    "provider": "AWS_VPC",
    "version": "apache-cassandra-3.11.4",
    "size": "t2.small",
    "region": {"dataCentre": "US_WEST_2", "defaultNetwork": "", "firewallRules": []},
}
KEY = {"alias": "k", "arn": "arn:aws:kms:us-east-1:123456789012:key/abc-1"}
RULE = {"network": "203.0.113.7/32", "rules": [{"type": "CASSANDRA"}]}


def _with(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``body`` with ``path`` (``a.b[0].c``) set to ``value``."""
    out: dict[str, Any] = json.loads(json.dumps(body))
    keys: list[Any] = [int(k) if k.isdigit() else k for k in re.findall(r"[^.\[\]]+", path)]
    target: Any = out
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value
    return out


CREATE_WITH_RULES = create_body(
    firewallRules=[RULE], bundles=[{"bundle": "APACHE_CASSANDRA", "version": "3.11.4"}]
)
UNENCODABLE = [
    ("create", "dataCentre"),
    ("create", "nodeSize"),
    ("create", "bundles[0].bundle"),
    ("create", "bundles[0].version"),
    ("create", "provider.name"),
    ("create", "provider.accountName"),
    ("create", "slaTier"),
    ("create", "clusterName"),
    ("create", "clusterNetwork"),
    ("create", "firewallRules[0].network"),
    ("create", "firewallRules[0].rules[0].type"),
    ("legacy", "clusterName"),
    ("legacy", "provider"),
    ("legacy", "version"),
    ("legacy", "size"),
    ("legacy", "region.dataCentre"),
    ("legacy", "region.defaultNetwork"),
    ("rule", "network"),
    ("rule", "rules[0].type"),
    ("rule-put", "network"),
    ("rule-delete", "network"),
    ("key", "alias"),
    ("key", "arn"),
    ("key", "providerAccount"),
    ("update", "description"),
    ("add-dc", "dataCentre"),
    ("add-dc", "name"),
]


@pytest.mark.parametrize(
    ("endpoint", "field"), UNENCODABLE, ids=[f"{e}:{f}" for e, f in UNENCODABLE]
)
def test_unencodable_text_is_a_400_naming_the_field(
    api: Harness, endpoint: str, field: str
) -> None:
    cluster_id = api.create()
    api.advance(420)  # running, so that add-DC reaches its body
    method, path, base = {
        "create": ("POST", f"{ROOT}/extended/", CREATE_WITH_RULES),
        "legacy": ("POST", f"{ROOT}/", LEGACY),
        "rule": ("POST", f"{ROOT}/{cluster_id}/firewallRules/", RULE),
        "rule-put": ("PUT", f"{ROOT}/{cluster_id}/firewallRules/", RULE),
        "rule-delete": ("DELETE", f"{ROOT}/{cluster_id}/firewallRules/", RULE),
        "key": ("POST", f"{ROOT}/encryption-keys", KEY),
        "update": ("PUT", f"{ROOT}/{cluster_id}", {"description": "d"}),
        "add-dc": (
            "POST",
            f"{ROOT}/{cluster_id}/cluster-data-centres",
            {"dataCentre": "US_EAST_1", "network": "10.1.0.0/16", "name": "east"},
        ),
    }[endpoint]
    # Text around the surrogate as well: the value must be refused, not trimmed.
    response = send_raw(api, method, path, _with(base, field, f"ok{SURROGATE}ok"))
    body = assert_client_error(response)
    assert response.status_code == 400
    assert list(body["errors"]) == [field]
    assert "Unicode" in body["errors"][field]
    assert body["message"] == f"Validation failed: {field}."
    reads_still_work(api, cluster_id)


def test_unencodable_keys_are_named_by_their_object(api: Harness) -> None:
    body = create_body(provider={"name": "AWS_VPC", "tags": {SURROGATE: "v"}})
    body[SURROGATE + "x"] = 1
    response = send_raw(api, "POST", f"{ROOT}/extended/", body)
    assert response.status_code == 400
    assert set(assert_client_error(response)["errors"]) == {"body", "provider.tags"}


def test_an_unencodable_key_account_is_not_stored(api: Harness) -> None:
    """The reported bug: a key registered with such a ``providerAccount`` turned every
    later listing, cluster read and Terraform read into a 500 for good."""
    response = send_raw(
        api, "POST", f"{ROOT}/encryption-keys", dict(KEY, providerAccount=SURROGATE)
    )
    assert response.status_code == 400
    assert api.get(f"{ROOT}/encryption-keys").json() == []
    key_id = api.post(f"{ROOT}/encryption-keys", json=KEY).json()["id"]
    provider = {"name": "AWS_VPC", "diskEncryptionKey": key_id}
    cluster_id = api.create(provider=provider)
    reads_still_work(api, cluster_id)


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8", "surrogatepass"),  # CESU bytes: not UTF-8 at all
        lambda text: text.encode("utf-16-le", "surrogatepass"),  # JSON may come as UTF-16
        lambda text: text.replace("\ud800", "\\ud800").encode("utf-16-le"),  # an escape, in UTF-16
    ],
    ids=["cesu", "utf-16", "utf-16-escape"],
)
def test_surrogates_in_raw_bytes_are_named_too(api: Harness, encode: Any) -> None:
    # Python's json decodes bytes with "surrogatepass": these reach the value as well.
    text = json.dumps(dict(KEY, providerAccount=SURROGATE), ensure_ascii=False)
    response = api.post(
        f"{ROOT}/encryption-keys",
        content=encode(text),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert list(assert_client_error(response)["errors"]) == ["providerAccount"]
    assert api.get(f"{ROOT}/encryption-keys").json() == []


def test_escaped_surrogate_pairs_are_ordinary_text(api: Harness) -> None:
    response = send_raw(api, "PUT", f"{ROOT}/{api.create()}", {"description": "🔑 \U0001f600"})
    assert response.status_code == 200, response.text
    assert b"\\ud83d" in raw_json({"description": "🔑"})  # sent as an escaped pair


def test_the_surrogate_check_is_cheap_on_hostile_shapes(api: Harness) -> None:
    """Deep nesting under long keys, and thousands of bad strings: paths are rendered
    only for what is reported, and the report is bounded."""
    depth, key = 800, "k" * 1_000
    bad = "[" + ",".join(['"\\ud800"'] * 5_000) + "]"
    content = (f'{{"{key}":' * depth + bad + "}" * depth).encode()
    response = api.post(
        f"{ROOT}/encryption-keys", content=content, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    errors = assert_client_error(response)["errors"]
    assert 1 <= len(errors) <= 20
    assert all(len(field) <= 120 for field in errors)
