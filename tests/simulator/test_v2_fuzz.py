"""Full Unicode and hostile input into every v2 endpoint: never a 500, reads still work.

The same property as ``tests/reliability/test_unicode_fuzz.py`` holds for v1: each
endpoint's valid body with one value or key replaced by any Unicode text (lone
surrogates included, escaped or raw), any text as an id in every path, and malformed
bodies on every mutation. Checked: a JSON answer below 500 (a 400 naming the field
when the body holds text that cannot be encoded), and every read afterwards.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import pkgutil
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import insta_nb.simulator.v2
from insta_nb.simulator import Simulator, SimulatorSettings
from insta_nb.testing import FakeClock
from tests.reliability.test_unicode_fuzz import (
    FULL_TEXT,
    JSON_TYPE,
    JSON_VALUES,
    encode,
    fuzzed_body,
    fuzzed_id,
)
from tests.simulator.test_robustness import BAD_BODIES
from tests.simulator.v2_support import (
    CLUSTER_LIST,
    PEER_LIST,
    PEERS,
    PRODUCTS,
    RULES,
    V2,
    body,
    collection,
)

RULE = {"clusterId": "{cid}", "network": "203.0.113.7/32", "type": "KAFKA"}
PEER = {
    "cdcId": "{cdc}",
    "peerAwsAccountId": "123456789123",
    "peerVpcId": "vpc-0123abcd",
    "peerSubnets": ["172.31.0.0/16"],
    "peerRegion": "US_EAST_1",
}
RESIZE = {
    "dataCentres": [dict(body("kafka")["dataCentres"][0], nodeSize="KFK-DEV-t4g.medium-80")],
    "resizeSettings": [{"concurrency": 1, "notifySupportContacts": False}],
}

#: Every (method, path template, valid body) v2 serves; ``{cid}``, ``{cdc}``, ``{rid}``
#: and ``{pid}`` are a real cluster, data centre, rule and peer, or fuzzed ids.
ENDPOINTS: list[tuple[str, str, Any]] = [
    ("GET", CLUSTER_LIST, None),
    *[("POST", collection(p), body(p)) for p in PRODUCTS],
    *[("GET", collection(p) + "/{cid}", None) for p in PRODUCTS],
    *[("PUT", collection(p) + "/{cid}", RESIZE) for p in PRODUCTS],
    *[("DELETE", collection(p) + "/{cid}", None) for p in PRODUCTS],
    ("POST", RULES, RULE),
    ("GET", RULES + "/{rid}", None),
    ("DELETE", RULES + "/{rid}", None),
    ("GET", V2 + "/data-sources/cluster/{cid}/network-firewall-rules/v2", None),
    ("POST", PEERS, PEER),
    ("GET", PEERS + "/{pid}", None),
    ("PUT", PEERS + "/{pid}", {"peerSubnets": ["172.30.0.0/16"]}),
    ("DELETE", PEERS + "/{pid}", None),
    ("GET", PEER_LIST, None),
    ("GET", V2 + "/data-sources/cluster-data-centres/v2/{cdc}/resize/operations/v2", None),
]


class World:
    """A simulator with a RUNNING Kafka cluster, a rule and a peer: something to read."""

    def __init__(self) -> None:
        self.clock = FakeClock()
        self.sim = Simulator(clock=self.clock, settings=SimulatorSettings(interval=None))
        creds = self.sim.credentials
        self.auth = (creds.username, creds.api_key)
        created = self.request("POST", collection("kafka"), json.dumps(body("kafka"))).json()
        self.ids = {"cid": created["id"], "cdc": created["dataCentres"][0]["id"]}
        asyncio.run(self.clock.advance(2000))
        rule = self.fill(RULE)
        self.ids["rid"] = self.request("POST", RULES, json.dumps(rule)).json()["id"]
        peer = self.fill(PEER)
        self.ids["pid"] = self.request("POST", PEERS, json.dumps(peer)).json()["id"]

    def fill(self, value: Any) -> Any:
        """``value`` with ``{cid}``-style placeholders replaced by this world's ids."""
        return json.loads(
            json.dumps(value)
            .replace("{cid}", self.ids.get("cid", ""))
            .replace("{cdc}", self.ids.get("cdc", ""))
        )

    def request(self, method: str, path: str, content: bytes | str | None = None) -> httpx.Response:
        async def go() -> httpx.Response:
            async with httpx.AsyncClient(
                transport=self.sim.transport(), base_url=self.sim.url, auth=self.auth
            ) as http:
                headers = JSON_TYPE if content is not None else None
                return await http.request(method, path, content=content, headers=headers)

        return asyncio.run(go())

    def assert_answered(self, response: httpx.Response) -> None:
        assert response.status_code < 500, (response.status_code, response.text)
        if response.status_code != 204:
            assert response.headers["content-type"] == "application/json"
            answer = response.json()
            if response.status_code >= 400:
                assert "errors" in answer or isinstance(answer["message"], str), answer
        assert self.sim.app_errors == []

    def assert_reads_work(self) -> None:
        for path in (
            CLUSTER_LIST,
            PEER_LIST,
            f"{V2}/data-sources/cluster/{self.ids['cid']}/network-firewall-rules/v2",
            f"{V2}/data-sources/cluster-data-centres/v2/{self.ids['cdc']}/resize/operations/v2",
            "/provisioning/v1",
        ):
            response = self.request("GET", path)
            self.assert_answered(response)
            assert response.status_code == 200, (path, response.text)
        for path in (
            collection("kafka") + "/" + self.ids["cid"],
            f"{RULES}/{self.ids['rid']}",
            f"{PEERS}/{self.ids['pid']}",
        ):
            response = self.request("GET", path)
            self.assert_answered(response)
            assert response.status_code in (200, 404), (path, response.text)  # deleted by the fuzz


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(data=st.data(), endpoint=st.sampled_from(ENDPOINTS), escaped=st.booleans())
def test_full_unicode_bodies_on_every_v2_endpoint(
    data: st.DataObject, endpoint: tuple[str, str, Any], escaped: bool
) -> None:
    method, template, base = endpoint
    world = World()
    path = template.format(**world.ids)
    sent = data.draw(fuzzed_body(world.fill(base))) if base is not None else data.draw(JSON_VALUES)
    response = world.request(method, path, encode(sent, escaped))
    world.assert_answered(response)
    try:
        json.dumps(sent, ensure_ascii=False).encode("utf-8")
    except UnicodeError:
        if base is not None:  # an endpoint that reads its body must refuse this one
            # (404: the path names no such resource, e.g. a Kafka id under /cassandra/)
            assert response.status_code in (400, 404, 409), response.text
            if response.status_code == 400 and escaped:
                assert "Unicode" in json.dumps(response.json()["errors"])
    world.assert_reads_work()


@FUZZ
@given(endpoint=st.sampled_from(ENDPOINTS), text=FULL_TEXT)
def test_full_unicode_ids_in_every_v2_path(endpoint: tuple[str, str, Any], text: str) -> None:
    method, template, base = endpoint
    world = World()
    fuzzed = fuzzed_id(text)
    path = template.format(cid=fuzzed, cdc=fuzzed, rid=fuzzed, pid=fuzzed)
    content = encode(world.fill(base), escaped=True) if base is not None else None
    world.assert_answered(world.request(method, path, content))
    world.assert_reads_work()


@FUZZ
@given(text=FULL_TEXT)
def test_full_unicode_in_the_list_search(text: str) -> None:
    world = World()
    for query in (f"?search={fuzzed_id('name:' + text)}", f"?search={fuzzed_id(text)}"):
        response = world.request("GET", CLUSTER_LIST + query)
        world.assert_answered(response)
        assert response.status_code in (200, 400), response.text


@pytest.mark.parametrize("content", BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_malformed_bodies_on_every_v2_mutation(content: bytes) -> None:
    world = World()
    for method, template, base in ENDPOINTS:
        if base is None:
            continue
        response = world.request(method, template.format(**world.ids), content)
        world.assert_answered(response)
        assert response.status_code in (400, 404, 409), (method, template, response.text)
        if response.status_code == 400:
            assert [e["name"] for e in response.json()["errors"]] == ["body"]
    world.assert_reads_work()


def test_every_v2_route_is_fuzzed() -> None:
    served = {
        (method, getattr(route, "path", ""))
        for route in World().sim.app.routes
        for method in getattr(route, "methods", None) or ()
        if method != "HEAD" and getattr(route, "path", "").startswith(V2)
    }
    names = {
        "{cid}": "{cluster_id}",
        "{cdc}": "{cdc_id}",
        "{rid}": "{rule_id}",
        "{pid}": "{peer_id}",
    }
    fuzzed = set()
    for method, path, _ in ENDPOINTS:
        for ours, theirs in names.items():
            path = path.replace(ours, theirs)
        fuzzed.add((method, path))
    assert served == fuzzed


def test_v2_reads_bodies_only_through_responses() -> None:
    """Like v1: no v2 module parses a request body itself, so unencodable text is always
    refused before a route sees it."""
    for info in pkgutil.iter_modules(insta_nb.simulator.v2.__path__):
        module = __import__(f"insta_nb.simulator.v2.{info.name}", fromlist=["_"])
        source = inspect.getsource(module)
        assert not any(
            call in source for call in ("json.loads", ".body()", ".json()", ".form()")
        ), info.name
