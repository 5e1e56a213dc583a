"""Full Unicode, lone surrogates included, into every endpoint of the simulator: never a
500, and every later read still answers.

JSON can carry any code point, including a lone surrogate as an escape (``"\\ud800"``),
which Python decodes into a ``str`` that cannot be encoded back. The simulator must
refuse such text with a 400 naming the field and store nothing that a later read would
fail to encode. Bodies are sent both escaped (ASCII JSON, how a hostile client gets a
surrogate through) and raw (UTF-8, with surrogates smuggled in as CESU-style bytes,
which are not UTF-8 at all).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import pkgutil
from typing import Any
from urllib.parse import quote

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import insta_nb.simulator
from insta_nb.simulator import Simulator, SimulatorSettings
from insta_nb.testing import FakeClock

ROOT = "/provisioning/v1"
JSON_TYPE = {"content-type": "application/json"}
CREATE: dict[str, Any] = {
    "clusterName": "unicode",
    "bundles": [{"bundle": "APACHE_CASSANDRA", "version": "4.0.1", "options": {}}],
    "provider": {"name": "AWS_VPC", "accountName": None, "tags": {"team": "data"}},
    "slaTier": "NON_PRODUCTION",
    "nodeSize": "t3.small-v2",
    "dataCentre": "US_WEST_2",
    "dataCentreCustomName": "west",
    "clusterNetwork": "10.224.0.0/16",
    "rackAllocation": {"numberOfRacks": 3, "nodesPerRack": 1},
    "firewallRules": [{"network": "203.0.113.7/32", "rules": [{"type": "CASSANDRA"}]}],
}
LEGACY = {
    "clusterName": "legacy",
    "provider": "AWS_VPC",
    "version": "apache-cassandra-3.11.4",
    "size": "t2.small",
    "region": {
        "dataCentre": "US_WEST_2",
        "defaultNetwork": "",
        "authnAuthz": "true",
        "firewallRules": [],
        "rackAllocation": [{"name": "us-west-2a", "nodeCount": "2"}],
    },
    "tags": {"a": "b"},
}
RULE = {"network": "198.51.100.0/24", "rules": [{"type": "CASSANDRA"}]}
GROUP_RULE = {"securityGroupId": "sg-0123abcd", "rules": [{"type": "CASSANDRA"}]}
KEY = {
    "alias": "fuzz key",
    "arn": "arn:aws:kms:us-east-1:123456789012:key/abc-1",
    "providerAccount": "acct",
}
ADD_DC = {"dataCentre": "US_EAST_1", "network": "10.1.0.0/16", "name": "east"}
UPDATE = {"description": "d", "twoFactorDelete": {"confirmationEmail": "x@example.com"}}
PEERING = {
    "peerVpcId": "vpc-0a1b2c3d",
    "peerAccountId": "123456789012",
    "peerSubnets": ["10.1.0.0/16"],
    "peerRegion": "US_WEST_2",
    "addNetworkToFirewallRules": "false",
}
RESIZE = {"newNodeSize": "t3.medium-v2", "concurrentResizes": 1, "notifySupportContacts": False}

#: Every (method, path template, valid body) the simulator serves; ``{cid}``, ``{kid}``,
#: ``{dcid}`` and ``{pid}`` are a real cluster, key, data centre and peering, or fuzzed ids.
ENDPOINTS: list[tuple[str, str, Any]] = [
    ("GET", ROOT, None),
    ("POST", ROOT + "/", LEGACY),
    ("POST", ROOT + "/extended/", CREATE),
    ("GET", ROOT + "/encryption-keys", None),
    ("POST", ROOT + "/encryption-keys", KEY),
    ("DELETE", ROOT + "/encryption-keys/{kid}", None),
    ("GET", ROOT + "/{cid}", None),
    ("PUT", ROOT + "/{cid}", UPDATE),
    ("DELETE", ROOT + "/{cid}", None),
    ("GET", ROOT + "/{cid}/terraform-description", None),
    ("POST", ROOT + "/{cid}/cluster-data-centres", ADD_DC),
    ("GET", ROOT + "/{cid}/firewallRules/", None),
    ("POST", ROOT + "/{cid}/firewallRules/", RULE),
    ("POST", ROOT + "/{cid}/firewallRules/", GROUP_RULE),
    ("PUT", ROOT + "/{cid}/firewallRules/", RULE),
    ("DELETE", ROOT + "/{cid}/firewallRules/", RULE),
    ("GET", ROOT + "/vpc-peering/{dcid}", None),
    ("POST", ROOT + "/vpc-peering/{dcid}", PEERING),
    ("GET", ROOT + "/vpc-peering/{dcid}/{pid}", None),
    ("DELETE", ROOT + "/vpc-peering/{dcid}/{pid}", None),
    ("GET", ROOT + "/{cid}/{dcid}/resize", None),
    ("POST", ROOT + "/{cid}/{dcid}/resize", RESIZE),
]

#: Any code point at all: surrogates, private use, unassigned, controls, BOM, RTL marks.
ANY_CHAR = st.characters(exclude_categories=())
SPECIAL = st.sampled_from(
    ["\ud800", "\udfff", "a\ud83d", "\ude00b", "\x00", "\u202e", "\ufeff", "\U0010ffff", "\u0085"]
)
FULL_TEXT = st.one_of(
    st.text(alphabet=ANY_CHAR, max_size=12),
    SPECIAL,
    st.tuples(st.text(max_size=4), SPECIAL, st.text(max_size=4)).map("".join),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | FULL_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(FULL_TEXT, inner, max_size=3),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value (the root too) where text can go."""
    out = [prefix]
    if isinstance(value, dict):
        for key, sub in value.items():
            out += _paths(sub, (*prefix, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            out += _paths(sub, (*prefix, index))
    return out


@st.composite
def fuzzed_body(draw: st.DrawFn, base: Any) -> Any:
    """``base`` with one value or one key replaced by full-Unicode text (or JSON)."""
    if base is None or draw(st.integers(0, 9)) == 0:
        return draw(JSON_VALUES)
    body = json.loads(json.dumps(base))
    path = draw(st.sampled_from(_paths(body)))
    if not path:
        return draw(JSON_VALUES)
    parent: Any = body
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if isinstance(parent, dict) and draw(st.booleans()):
        parent[draw(FULL_TEXT)] = parent.pop(last)  # the key, not the value
    else:
        parent[last] = draw(st.one_of(FULL_TEXT, JSON_VALUES))
    return body


def encode(body: Any, escaped: bool) -> bytes:
    """ASCII JSON with ``\\uXXXX`` escapes, or raw bytes (surrogates as CESU bytes)."""
    if escaped:
        return json.dumps(body, ensure_ascii=True).encode("ascii")
    return json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass")


def fuzzed_id(text: str) -> str:
    """``text`` as one percent-encoded path segment, surrogates as CESU bytes."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="") or "x"


class World:
    """A simulator holding a running cluster, a key and a rule: something to read."""

    def __init__(self) -> None:
        self.clock = FakeClock()
        self.sim = Simulator(clock=self.clock, settings=SimulatorSettings(interval=None))
        creds = self.sim.credentials
        self.auth = (creds.username, creds.api_key)
        self.key_id = self.request("POST", ROOT + "/encryption-keys", json.dumps(KEY)).json()["id"]
        create = json.loads(json.dumps(CREATE))
        create["provider"]["diskEncryptionKey"] = self.key_id
        created = self.request("POST", ROOT + "/extended/", json.dumps(create))
        self.cluster_id = created.json()["id"]
        asyncio.run(self.clock.advance(420))
        details = self.request("GET", f"{ROOT}/{self.cluster_id}").json()
        self.dc_id = details["dataCentres"][0]["id"]
        peering = json.dumps({**PEERING, "peerVpcId": "vpc-0a1b2c3e"})
        self.peering_id = self.request("POST", f"{ROOT}/vpc-peering/{self.dc_id}", peering).json()[
            "id"
        ]

    def ids(self, text: str | None = None) -> dict[str, str]:
        """Path placeholders: the real ids, or ``text`` as every id."""
        if text is not None:
            return dict.fromkeys(("cid", "kid", "dcid", "pid"), fuzzed_id(text))
        return {
            "cid": self.cluster_id,
            "kid": self.key_id,
            "dcid": self.dc_id,
            "pid": self.peering_id,
        }

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
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        if response.status_code >= 400:
            assert isinstance(body["message"], str)
        assert self.sim.app_errors == []

    def assert_reads_work(self) -> None:
        """Whatever the fuzzed request did, no later read fails to encode."""
        cid = self.cluster_id
        for path in (
            ROOT,
            ROOT + "/encryption-keys",
            f"{ROOT}/{cid}",
            f"{ROOT}/{cid}/terraform-description",
            f"{ROOT}/{cid}/firewallRules/",
            f"{ROOT}/vpc-peering/{self.dc_id}",
            f"{ROOT}/{cid}/{self.dc_id}/resize",
        ):
            response = self.request("GET", path)
            self.assert_answered(response)
            assert response.status_code in (200, 202), (path, response.text)


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(data=st.data(), endpoint=st.sampled_from(ENDPOINTS), escaped=st.booleans())
def test_full_unicode_bodies_on_every_endpoint(
    data: st.DataObject, endpoint: tuple[str, str, Any], escaped: bool
) -> None:
    """Injected: each endpoint's valid body with one value or key replaced by any
    Unicode text (or a random JSON value of it), escaped or raw. Checked: a JSON answer
    below 500, a 400 when the body holds unencodable text, and every read afterwards."""
    method, template, base = endpoint
    world = World()
    path = template.format(**world.ids())
    body = data.draw(fuzzed_body(base)) if base is not None else data.draw(JSON_VALUES)
    content = encode(body, escaped)
    response = world.request(method, path, content)
    world.assert_answered(response)
    try:
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeError:
        if base is not None:  # an endpoint that reads its body must refuse this one
            assert response.status_code in (400, 409), response.text
            if response.status_code == 400 and escaped:
                assert "Unicode" in json.dumps(response.json()["errors"])
    world.assert_reads_work()


@FUZZ
@given(endpoint=st.sampled_from(ENDPOINTS), text=FULL_TEXT)
def test_full_unicode_ids_in_every_path(endpoint: tuple[str, str, Any], text: str) -> None:
    """Injected: any Unicode text as the cluster or key id of every path that takes one.
    Checked: a JSON answer below 500, and every read afterwards."""
    method, template, base = endpoint
    world = World()
    path = template.format(**world.ids(text))
    content = encode(base, escaped=True) if base is not None else None
    world.assert_answered(world.request(method, path, content))
    world.assert_reads_work()


def test_every_route_is_fuzzed() -> None:
    """The list above covers the simulator's whole v1 route table, every method (the v2
    routes have their own fuzz test: tests/simulator/test_v2_fuzz.py)."""
    served = {
        (method, getattr(route, "path", ""))
        for route in World().sim.app.routes
        for method in getattr(route, "methods", None) or ()
        if method != "HEAD" and getattr(route, "path", "").startswith(ROOT)
    }
    names = {
        "{cid}": "{cluster_id}",
        "{kid}": "{key_id}",
        "{dcid}": "{cdc_id}",
        "{pid}": "{peering_id}",
    }
    fuzzed = set()
    for method, path, _ in ENDPOINTS:
        for short, long in names.items():
            path = path.replace(short, long)
        fuzzed.add((method, path.rstrip("/")))
    assert served == fuzzed


def test_only_one_place_parses_request_bodies() -> None:
    """Every route reads its body through ``responses.read_json``, where unencodable
    text is refused: no other simulator module parses a request body itself."""
    parsers = []
    for info in pkgutil.iter_modules(insta_nb.simulator.__path__):
        module = __import__(f"insta_nb.simulator.{info.name}", fromlist=["_"])
        source = inspect.getsource(module)
        if any(call in source for call in ("json.loads", ".body()", ".json()", ".form()")):
            parsers.append(info.name)
    assert parsers == ["responses"]
