"""Client and simulator validation agree on which create bodies to refuse.

The client judges an extended create body with ``wire.spec_from_json`` and
``validation.validate_spec``; the simulator with its own rules (it imports neither).
Both read the same data (:mod:`insta_nb.catalog`). On generated bodies, valid ones and
near-valid variants of them, the two must give the same verdict, except where a
difference is intended. Each intended difference is listed in :data:`INTENDED` with
its source, and shown by an example test below so that the list stays true.

Disagreements this test found, now fixed (each has a focused test at the bottom):
``"demo\\n"`` as a cluster name; API firewall rule kinds such as ``CASSANDRA_CQL``;
boolean and choice bundle options; OpenSearch without ``masterNodeSize``; OpenSearch
``nodeSize``; CIDR spellings (spaces, ``/016``, netmask form, ``""``); firewall host
bits; a missing ``rackAllocation``; custom data centre names.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insta_nb import catalog
from insta_nb.backends.v1.validation import validate_spec
from insta_nb.backends.v1.wire import spec_from_json
from insta_nb.errors import ValidationError
from insta_nb.simulator import Simulator, SimulatorSettings
from insta_nb.testing import FakeClock
from tests.simulator.support import ROOT, Harness

KEY = {"alias": "parity", "arn": "arn:aws:kms:us-east-1:123456789012:key/abc-1"}


class Verdicts(NamedTuple):
    """What each side said: ``{field: message}``, empty when it accepts."""

    client: dict[str, str]
    simulator: dict[str, str]

    @property
    def agree(self) -> bool:
        return bool(self.client) == bool(self.simulator)


class World:
    """One simulator on a fake clock, with one registered encryption key."""

    def __init__(self) -> None:
        clock = FakeClock()
        sim = Simulator(clock=clock, settings=SimulatorSettings(interval=None))
        self.api = Harness(sim, clock)
        self.key_id = str(self.api.post(f"{ROOT}/encryption-keys", json=KEY).json()["id"])

    def client(self, body: dict[str, Any]) -> dict[str, str]:
        try:
            spec = spec_from_json(copy.deepcopy(body))
        except ValidationError as exc:
            return dict(exc.field_errors)
        return validate_spec(spec, encryption_key_ids=[self.key_id])

    def simulator(self, body: dict[str, Any]) -> dict[str, str]:
        response = self.api.post(f"{ROOT}/extended/", json=body)
        assert response.status_code in (202, 400), response.text
        assert self.api.sim.app_errors == []
        errors: dict[str, str] = {} if response.status_code == 202 else response.json()["errors"]
        return errors

    def verdicts(self, body: dict[str, Any]) -> Verdicts:
        return Verdicts(self.client(body), self.simulator(body))


WORLD = World()
KEY_ID = WORLD.key_id


# --- intended differences -------------------------------------------------------------------


class Intended(NamedTuple):
    """A documented disagreement: where it applies, which side refuses, and why."""

    applies: Callable[[dict[str, Any]], bool]
    refuses: str  # "simulator" or "client"
    source: str


def _options(body: dict[str, Any], index: int = 0) -> dict[str, Any]:
    bundles = body.get("bundles")
    if isinstance(bundles, list) and len(bundles) > index and isinstance(bundles[index], dict):
        options = bundles[index].get("options")
        return options if isinstance(options, dict) else {}
    return {}


def _base(body: dict[str, Any]) -> object:
    bundles = body.get("bundles")
    first = bundles[0] if isinstance(bundles, list) and bundles else None
    return first.get("bundle") if isinstance(first, dict) else None


def _true(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _pci_without_secure_options(body: dict[str, Any]) -> bool:
    options = _options(body)
    secure = _true(options.get("authnAuthz")) and _true(options.get("clientEncryption"))
    return (
        _true(body.get("pciCompliantCluster")) and _base(body) == "APACHE_CASSANDRA" and not secure
    )


def _integer_options(body: dict[str, Any]) -> bool:
    bundles = body.get("bundles") if isinstance(body.get("bundles"), list) else []
    return any(
        key in _options(body, i)
        for i, bundle in enumerate(bundles)
        if isinstance(bundle, dict)
        for key in catalog.INTEGER_OPTIONS.get(str(bundle.get("bundle")), {})
    )


def _option_combinations(body: dict[str, Any]) -> bool:
    options = _options(body)
    opensearch = {"dataNodeSize", "openSearchDashboardsNodeSize", "dedicatedMasterNodes"}
    return (_base(body) == "OPENSEARCH" and bool(opensearch & set(options))) or (
        _base(body) == "KAFKA" and "dedicatedZookeeper" in options
    )


INTENDED: dict[str, Intended] = {
    "PCI needs Cassandra's authnAuthz and clientEncryption": Intended(
        _pci_without_secure_options,
        "simulator",
        "Reference §5.8: the Terraform acceptance test pci_invalid.tf (no options) must fail "
        "and pci_valid.tf sets both, but the reference does not say which difference makes "
        "it fail. The simulator reproduces that failure; the client does not refuse on an "
        "unconfirmed rule (tests/client/test_validation.py asserts PCI without options).",
    ),
    "integer option ranges": Intended(
        _integer_options,
        "simulator",
        "Reference §5.5 ranges (Redis masterNodes 3-50, ...) live in catalog.INTEGER_OPTIONS; "
        "the client leaves them to the API on purpose: the create form's display of an API "
        "error next to its field is tested with Redis masterNodes=1 "
        "(tests/widgets/test_create_form.py).",
    ),
    "option combinations": Intended(
        _option_combinations,
        "simulator",
        "OpenSearch dataNodeSize/dashboards/dedicated masters and Kafka's dedicated ZooKeeper "
        "(reference §5.5, simulator/bundles.py) shape the nodes the simulator lays out; the "
        "client's form sets none of them and leaves their combinations to the API.",
    ),
}

#: Shown by example below, outside what the property generates: the client's wire
#: parsing is tolerant by design (wire module docstring: numbers and booleans may come
#: as strings, unknown top-level keys pass through in ``extra`` unvalidated).
WIRE_TOLERANCE = (
    "insta_nb/backends/v1/wire.py spec_from_json: string booleans and numbers are "
    "converted, text fields take numbers, unknown keys go to extra untouched"
)


def explained(body: dict[str, Any], verdicts: Verdicts) -> list[str]:
    """The intended differences that explain a disagreement on ``body``."""
    refuser = "client" if verdicts.client else "simulator"
    return [name for name, i in INTENDED.items() if i.refuses == refuser and i.applies(body)]


# --- generated bodies -----------------------------------------------------------------------

FLAG = st.sampled_from([True, False, "true", "false", "TRUE", "False"])


def _version(draw: st.DrawFn, bundle: str) -> str:
    info = catalog.BUNDLES[bundle]
    version = draw(st.sampled_from(info.versions))
    prefixes = ("", *info.version_prefixes)
    return draw(st.sampled_from(prefixes)) + version + draw(st.sampled_from(["", ".ic1"]))


@st.composite
def valid_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """Extended create bodies both sides should accept, in the spellings clients use."""
    base = draw(st.sampled_from(catalog.base_bundles()))
    info = catalog.BUNDLES[base]
    provider = draw(st.sampled_from([p for p in catalog.PROVIDERS if catalog.node_sizes(base, p)]))
    size = draw(st.sampled_from(catalog.node_sizes(base, provider)))
    addons = draw(st.lists(st.sampled_from(catalog.addons_for(base) or ("-",)), unique=True))
    addons = [a for a in addons if a != "-"]
    options: dict[str, Any] = {}
    for key in draw(st.lists(st.sampled_from(catalog.BOOLEAN_OPTIONS[base]), max_size=3)):
        options[key] = draw(FLAG)
    if base == "APACHE_CASSANDRA" and "SPARK" in addons:
        options.pop("clientEncryption", None)  # refused with SPARK by both
    if info.sizes_in_options:
        options["masterNodeSize"] = size
        options.pop("dedicatedMasterNodes", None)
    if base == "KAFKA":
        options.pop("dedicatedZookeeper", None)
    for key, values in catalog.CHOICE_OPTIONS.get(base, {}).items():
        if draw(st.booleans()):
            options[key] = draw(st.sampled_from(values))
    bundles = [{"bundle": base, "version": _version(draw, base), "options": options}]
    bundles += [{"bundle": a, "version": _version(draw, a)} for a in addons]
    pci = provider == "AWS_VPC" and not set(addons) & set(catalog.NO_PCI_WITH) and draw(FLAG)
    if _true(pci) and base == "APACHE_CASSANDRA":
        options.update(authnAuthz=True, clientEncryption=draw(st.sampled_from([True, "true"])))
    body: dict[str, Any] = {
        "clusterName": draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}", fullmatch=True)),
        "bundles": bundles,
        "provider": {"name": provider},
        "dataCentre": draw(st.sampled_from(catalog.regions(provider))),
        "privateNetworkCluster": draw(FLAG),
        "pciCompliantCluster": pci,
    }
    if not info.sizes_in_options:
        body["nodeSize"] = size
    if draw(st.booleans()):
        dev = "-DEV-" in size.upper()
        body["slaTier"] = draw(
            st.sampled_from(["NON_PRODUCTION"] + ([] if dev else ["PRODUCTION"]))
        )
    if info.supports_rack_allocation:
        racks = draw(st.integers(catalog.RACKS_MIN, catalog.RACKS_MAX))
        per_rack = draw(st.integers(catalog.NODES_PER_RACK_MIN, catalog.NODES_PER_RACK_MAX))
        as_text = draw(st.booleans())  # Terraform sends the numbers as strings
        body["rackAllocation"] = {
            "numberOfRacks": str(racks) if as_text else racks,
            "nodesPerRack": str(per_rack) if as_text else per_rack,
        }
    if draw(st.booleans()):
        body["clusterNetwork"] = draw(
            st.sampled_from(["10.224.0.0/12", "192.168.0.0/18", "10.0.0.0/16", "172.16.0.0/22"])
        )
    if provider == "AWS_VPC" and draw(st.booleans()):
        body["provider"]["diskEncryptionKey"] = KEY_ID
    if draw(st.booleans()):
        body["firewallRules"] = [
            {"network": "203.0.113.7/32", "rules": [{"type": "CASSANDRA"}]},
            {"securityGroupId": "sg-0123abcd", "rules": [{"type": "KAFKA"}, {"type": "SPARK"}]},
        ][: draw(st.integers(1, 2))]
    if draw(st.booleans()):
        body["dataCentreCustomName"] = draw(st.sampled_from(["west", "dc-1"]))
    return body


SIZES = sorted(
    {s for b in catalog.BUNDLES for p in catalog.PROVIDERS for s in catalog.node_sizes(b, p)}
)
REGIONS = sorted({r for p in catalog.PROVIDERS for r in catalog.regions(p)})
RULES = [
    {"network": "1.2.3.4", "rules": [{"type": "CASSANDRA"}]},
    {"network": "1.2.3.4/24", "rules": [{"type": "CASSANDRA"}]},
    {"network": " 1.2.3.4/32", "rules": [{"type": "CASSANDRA"}]},
    {"network": "0.0.0.0/0", "rules": [{"type": "KAFKA"}]},
    {"network": "1.2.3.4/32", "rules": [{"type": "TELNET"}]},
    {"network": "1.2.3.4/32", "rules": [{"type": "CASSANDRA_CQL"}]},
    {"network": "1.2.3.4/32", "rules": [{"type": "KAFKA"}, {"type": "KAFKA"}]},
    {"network": "1.2.3.4/32", "rules": []},
    {"rules": [{"type": "CASSANDRA"}]},
    {"network": "1.2.3.4/32", "securityGroupId": "sg-0123abcd", "rules": [{"type": "KAFKA"}]},
    {"securityGroupId": "sg-0123abc", "rules": [{"type": "CASSANDRA"}]},
    {"securityGroupId": "sg-0123abcd\n", "rules": [{"type": "CASSANDRA"}]},
]
#: Near-valid values per top-level field (``None`` removes the field).
FIELDS: dict[str, list[Any]] = {
    "clusterName": ["demo\n", "", "a" * 33, "x" * 32, "-x", "naïve", " demo", "a_b-c", "bad name"],
    "nodeSize": [*SIZES, "", " ", "m9.huge", "T3.SMALL-V2", " t3.small-v2", None],
    "dataCentre": [*REGIONS, "", "us_west_2", "US_WEST_2 ", None],
    "clusterNetwork": [
        "10.0.0.0/8",
        "10.0.0.0/24",
        "10.0.0.1/16",
        "8.8.0.0/16",
        "10.224.0.0/16\n",
        " 10.224.0.0/16",
        "10.224.0.0/255.255.0.0",
        "10.224.0.0/016",
        "010.224.0.0/16",
        "10.224.0.0",
        "fd00::/16",
        "",
        None,
    ],
    "rackAllocation": [
        {"numberOfRacks": 0, "nodesPerRack": 1},
        {"numberOfRacks": 6, "nodesPerRack": 1},
        {"numberOfRacks": 3, "nodesPerRack": 11},
        {"numberOfRacks": "5", "nodesPerRack": "10"},
        {"numberOfRacks": -1, "nodesPerRack": 1},
        None,
    ],
    "slaTier": ["PRODUCTION", "NON_PRODUCTION", "production", "GOLD", None],
    "pciCompliantCluster": [True, "true", False, "false"],
    "privateNetworkCluster": [True, "TRUE", False, None],
    "provider": [
        {"name": "AWS"},
        {"name": "aws_vpc"},
        {"name": "AWS_VPC", "diskEncryptionKey": "not-registered"},
        {"name": "GCP", "diskEncryptionKey": KEY_ID},
        {"name": "AZURE_AZ", "resourceGroup": "rg", "tags": {"team": "data"}},
    ],
    "firewallRules": [[rule] for rule in RULES] + [[]],
    "dataCentreCustomName": ["", " ", "x" * 65],
}
#: Near-valid edits of the first bundle's options.
OPTIONS: list[tuple[str, list[Any]]] = [
    ("authnAuthz", [True, "false", "yes", 1, "TRUE "]),
    ("clientEncryption", [True, "true", "no"]),
    ("passwordAuth", [False, "maybe"]),
    ("usePrivateBroadcastRPCAddress", ["true", "y"]),
    ("replicationMode", ["SYNCHRONOUS", "sync", ""]),
    ("masterNodeSize", [*SIZES, "", None]),
    ("masterNodes", [3, 1, "4"]),
    ("dataNodeSize", SIZES),
    ("dedicatedZookeeper", [True, False]),
]


@st.composite
def near_valid_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """A valid body with one to three near-valid edits."""
    body = draw(valid_bodies())
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):  # mostly one: fewer masked
        kind = draw(st.sampled_from(["field", "field", "option", "bundles"]))
        if kind == "field":
            name = draw(st.sampled_from(sorted(FIELDS)))
            value = copy.deepcopy(draw(st.sampled_from(FIELDS[name])))
            if value is None:
                body.pop(name, None)
            else:
                body[name] = value
        elif kind == "option":
            key, values = draw(st.sampled_from(OPTIONS))
            body["bundles"][0].setdefault("options", {})[key] = draw(st.sampled_from(values))
        else:
            edit = draw(
                st.sampled_from(["version", "duplicate", "addon first", "spark", "pgbouncer"])
            )
            main = body["bundles"][0]
            if edit == "version":
                main["version"] = draw(st.sampled_from(["9.9", "", " " + main["version"]]))
            elif edit == "duplicate":
                body["bundles"].append(copy.deepcopy(main))
            elif edit == "addon first":
                body["bundles"].insert(0, {"bundle": "SPARK", "version": "2.3.2"})
            elif edit == "spark":
                body["bundles"].append({"bundle": "SPARK", "version": "2.3.2"})
            else:
                mode = draw(st.sampled_from(["SESSION", "session"]))
                body["bundles"].append(
                    {"bundle": "PGBOUNCER", "version": "1.17.0", "options": {"poolMode": mode}}
                )
    return body


PARITY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PARITY
@given(body=valid_bodies())
def test_valid_bodies_are_accepted_by_both(body: dict[str, Any]) -> None:
    """The generator's baseline: both sides accept every valid body."""
    assert WORLD.verdicts(body) == Verdicts({}, {})


@PARITY
@given(body=near_valid_bodies())
def test_client_and_simulator_agree(body: dict[str, Any]) -> None:
    """Injected: valid create bodies with near-valid edits (names, sizes, regions,
    networks, racks, flags, providers, firewall rules, bundles and options). Checked:
    both accept or both refuse, unless an intended difference explains it."""
    verdicts = WORLD.verdicts(body)
    if not verdicts.agree:
        assert explained(body, verdicts), (body, verdicts)


# --- each intended difference, by example ---------------------------------------------------

CASSANDRA: dict[str, Any] = {
    "clusterName": "parity",
    "bundles": [{"bundle": "APACHE_CASSANDRA", "version": "4.0.1"}],
    "provider": {"name": "AWS_VPC"},
    "slaTier": "NON_PRODUCTION",
    "nodeSize": "m5l-250-v2",
    "dataCentre": "US_WEST_2",
    "rackAllocation": {"numberOfRacks": 3, "nodesPerRack": 1},
}
OPENSEARCH: dict[str, Any] = dict(
    CASSANDRA,
    bundles=[
        {
            "bundle": "OPENSEARCH",
            "version": "2.2.1",
            "options": {"masterNodeSize": "SRH-DEV-t4g.small-5"},
        }
    ],
    nodeSize=None,
)


def body(base: dict[str, Any] = CASSANDRA, **fields: Any) -> dict[str, Any]:
    """A deep copy of ``base`` with fields replaced (``None`` removes one)."""
    out = copy.deepcopy(base)
    out.update(copy.deepcopy(fields))
    return {k: v for k, v in out.items() if v is not None}


def only_simulator_refuses(case: dict[str, Any]) -> Verdicts:
    verdicts = WORLD.verdicts(case)
    assert verdicts.client == {}, verdicts
    assert verdicts.simulator, verdicts
    return verdicts


def test_intended_pci_options() -> None:
    case = body(pciCompliantCluster=True)
    assert "authnAuthz" in only_simulator_refuses(case).simulator["pciCompliantCluster"]
    assert explained(case, WORLD.verdicts(case)) == [
        "PCI needs Cassandra's authnAuthz and clientEncryption"
    ]


def test_intended_integer_options() -> None:
    redis = body(
        bundles=[{"bundle": "REDIS", "version": "6.2.7", "options": {"masterNodes": 1}}],
        nodeSize="t3.small-20-r",
        rackAllocation=None,
    )
    only_simulator_refuses(redis)
    assert explained(redis, WORLD.verdicts(redis)) == ["integer option ranges"]


def test_intended_option_combinations() -> None:
    options = {"masterNodeSize": "SRH-DEV-t4g.small-5", "dataNodeSize": "SRH-DEV-t4g.small-30"}
    case = body(
        OPENSEARCH, bundles=[{"bundle": "OPENSEARCH", "version": "2.2.1", "options": options}]
    )
    only_simulator_refuses(case)
    assert explained(case, WORLD.verdicts(case)) == ["option combinations"]


@pytest.mark.parametrize(
    "fields",
    [
        {"privateNetworkCluster": "yes"},  # the wire reads "yes" as true
        {"pciCompliantCluster": 0},  # ... and 0 as false
        {"clusterName": 12345},  # text fields take numbers
        {"provider": {"name": "AWS_VPC", "tags": {"n": 1}}},
        {"dataCentreCustomName": 7},
        {"slaTier": ""},  # an empty tier means the default
        {"twoFactorDelete": "yes"},  # passed through in extra, unvalidated
        {"dataCentres": [{"dataCentre": "MARS_1", "network": "10.1.0.0/16"}]},
    ],
)
def test_intended_wire_tolerance(fields: dict[str, Any]) -> None:
    """WIRE_TOLERANCE: what the simulator refuses on sight, the client's tolerant wire
    parsing turns into something valid (or passes through unvalidated)."""
    only_simulator_refuses(body(**fields))


# --- disagreements found and fixed ----------------------------------------------------------


def _top(field: str) -> str:
    return re.split(r"[.\[]", field, maxsplit=1)[0]


def refused_by_both(case: dict[str, Any], field: str) -> None:
    """Both refuse, naming ``field``: the client precisely (``firewallRules[0].network``),
    the simulator by its top-level name (``firewallRules``), as each always does."""
    client, simulator = WORLD.verdicts(case)
    assert any(key.startswith(field) for key in client), client
    assert any(_top(key) == _top(field) for key in simulator), simulator


def accepted_by_both(case: dict[str, Any]) -> None:
    assert WORLD.verdicts(case) == Verdicts({}, {})


def test_a_trailing_newline_in_the_name_is_refused_by_both() -> None:
    refused_by_both(body(clusterName="demo\n"), "clusterName")
    # The pattern is the whole rule even for callers using match().
    assert catalog.CLUSTER_NAME_PATTERN.match("demo\n") is None
    assert catalog.CLUSTER_NAME_PATTERN.match("demo") is not None


def test_api_rule_kinds_are_accepted_by_both() -> None:
    rule = {"network": "203.0.113.7/32", "rules": [{"type": "CASSANDRA_CQL"}]}
    accepted_by_both(body(firewallRules=[rule]))
    refused_by_both(body(firewallRules=[dict(rule, rules=[{"type": "TELNET"}])]), "firewallRules")


@pytest.mark.parametrize(
    ("options", "verdict"),
    [
        ({"authnAuthz": "yes"}, "refused"),
        ({"clientEncryption": 1}, "refused"),
        ({"authnAuthz": "TRUE", "clientEncryption": False}, "accepted"),
    ],
)
def test_boolean_options_are_judged_by_both(options: dict[str, Any], verdict: str) -> None:
    case = body(bundles=[{"bundle": "APACHE_CASSANDRA", "version": "4.0.1", "options": options}])
    if verdict == "accepted":
        accepted_by_both(case)
    else:
        refused_by_both(case, f"bundles[0].options.{next(iter(options))}")


def test_choice_options_are_judged_by_both() -> None:
    postgres = body(
        bundles=[
            {"bundle": "POSTGRESQL", "version": "14.6", "options": {"replicationMode": "sync"}}
        ],
        nodeSize="PGS-DEV-t4g.small-5",
    )
    refused_by_both(postgres, "bundles[0].options.replicationMode")
    postgres["bundles"][0]["options"]["replicationMode"] = "ASYNCHRONOUS"
    accepted_by_both(postgres)


def test_opensearch_sizes_are_judged_by_both() -> None:
    accepted_by_both(OPENSEARCH)
    accepted_by_both(body(OPENSEARCH, nodeSize=""))
    no_master = body(
        OPENSEARCH,
        bundles=[{"bundle": "OPENSEARCH", "version": "2.2.1"}],
        nodeSize="SRH-DEV-t4g.small-5",
    )
    refused_by_both(no_master, "bundles[0].options.masterNodeSize")
    refused_by_both(body(OPENSEARCH, nodeSize="m5l-250-v2"), "nodeSize")


@pytest.mark.parametrize(
    "network", [" 10.224.0.0/16", "10.224.0.0/16\n", "10.224.0.0/016", "10.224.0.0/255.255.0.0", ""]
)
def test_odd_cidr_spellings_are_refused_by_both(network: str) -> None:
    refused_by_both(body(clusterNetwork=network), "clusterNetwork")


def test_firewall_host_bits_are_refused_by_both() -> None:
    rule = {"network": "1.2.3.4/24", "rules": [{"type": "CASSANDRA"}]}
    refused_by_both(body(firewallRules=[rule]), "firewallRules")


def test_a_missing_rack_allocation_is_refused_by_both() -> None:
    refused_by_both(body(rackAllocation=None), "rackAllocation")


def test_custom_data_centre_names_are_free_text_for_both() -> None:
    accepted_by_both(body(dataCentreCustomName="x" * 65))
    accepted_by_both(body(dataCentreCustomName=""))


def test_no_pci_with_is_defined_once() -> None:
    """``NO_PCI_WITH`` lives in the catalogue; nothing else spells the list out."""
    package = Path(catalog.__file__).parent.parent  # all of insta_nb, not only the catalogue
    spelled = re.compile(r"NO_PCI_WITH\s*[:=]|\(\s*\"SPARK\",\s*\"ZEPPELIN\"\s*\)")
    places = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if spelled.search(path.read_text())
    ]
    assert places == ["catalog/bundles.py"]
